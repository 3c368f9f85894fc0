"""Which mechanism a chain walks, in words, and why it was chosen (pure: no widget here).

The links shown come from the registry (``irsa_tui.chain.registry.MECHANISMS``) or from the result
itself, never from a list of IRSA ids: a mechanism the UI has never heard of still shows its links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from irsa_tui.chain.model import ChainResult, LinkId

__all__ = [
    "Section",
    "guess_mechanism",
    "mechanism_links",
    "mechanism_name",
    "mechanism_pane",
    "mechanism_sections",
    "result_links",
    "source_label",
]

_NAMES = {"irsa": "IRSA", "pod-identity": "EKS Pod Identity", "none": "no IRSA or Pod Identity"}
_PANE = {"irsa": "IRSA links", "pod-identity": "Pod Identity links", "none": "Links · no identity"}


_SOURCES = {
    "env-keys": "static env keys (AWS_ACCESS_KEY_ID)",
    "profile": "a profile (AWS_PROFILE)",
    "credentials-file": "a credentials file (AWS_SHARED_CREDENTIALS_FILE)",
    "config-file": "a config file (AWS_CONFIG_FILE, maybe credential_process)",
    "web-identity": "web identity (IRSA)",
    "container": "container credentials (Pod Identity)",
    "imds": "IMDS: the node's instance role",
}
def source_label(source: str | None) -> str:
    """``web identity (IRSA)``; None: no source at all."""
    return _SOURCES.get(source, source) if source else "nothing: no credentials"


def mechanism_name(mechanism: str) -> str:
    """``EKS Pod Identity``: the mechanism as the header and the verdict say it."""
    return _NAMES.get(mechanism, mechanism)


def mechanism_pane(mechanism: str) -> str:
    """``Pod Identity links``: the links pane's title (fits a 30-column pane)."""
    return _PANE.get(mechanism, f"{mechanism} links")


def mechanism_links(mechanism: str) -> tuple[LinkId, ...]:
    """The registry's links for ``mechanism`` in chain order; the default mechanism's when it has none
    (``none`` is diagnosed as a chain that fails early, whose links the result carries)."""
    from irsa_tui.chain.registry import LINK_ORDER, MECHANISMS

    known = MECHANISMS.get(mechanism)
    return known.link_ids if known is not None else LINK_ORDER


def result_links(result: ChainResult) -> tuple[LinkId, ...]:
    """The links a finished result walked, in its order (else its mechanism's)."""
    return tuple(link.id for link in result.links) or mechanism_links(result.mechanism)


def guess_mechanism(seen: Iterable[LinkId], current: str) -> str:
    """While links stream in: ``current`` if it lists every link seen, else the first registered
    mechanism that does (an ``association`` arriving means Pod Identity), else ``current``."""
    from irsa_tui.chain.registry import MECHANISMS

    ids = set(seen)
    if ids <= set(mechanism_links(current)):
        return current
    for mech in MECHANISMS.values():
        if ids <= set(mech.link_ids):
            return mech.id
    return current


@dataclass(frozen=True)
class Section:
    """A heading and its lines, for the mechanism dialog."""

    heading: str
    lines: tuple[str, ...]


_CONFIGURED = {
    "irsa": "IRSA: the ServiceAccount's eks.amazonaws.com/role-arn annotation",
    "pod-identity": "EKS Pod Identity: association",
}


def mechanism_sections(result: ChainResult) -> list[Section]:
    """What is configured, which mechanism wins and why, and what each container uses."""
    name = mechanism_name(result.mechanism)
    links = result_links(result)
    sections = [
        Section(
            "Diagnosed",
            (f"{name}: the chain walks its {len(links)} links ({', '.join(link.value for link in links)})",),
        )
    ]
    detection = result.detection
    if detection is None:
        sections.append(
            Section(
                "Why",
                ("This result carries no detection detail (a bundle from an older irsa-tui, or a run that "
                 "stopped before the pod was read).",),
            )
        )
        return sections
    configured: list[str] = []
    for mech in detection.configured:
        line = _CONFIGURED.get(mech, mech)
        if mech == "irsa" and result.target.role_arn and result.mechanism == "irsa":
            line += f" ({result.target.role_arn})"
        assoc = detection.association
        if mech == "pod-identity" and assoc is not None:
            ident = f" {assoc.association_id}" if assoc.association_id else ""
            line += (
                f"{ident} (EKS API) for {assoc.namespace}/{assoc.service_account} → "
                f"{assoc.role_arn or 'role not readable'}"
            )
            if assoc.target_role_arn:
                line += f", then its target role {assoc.target_role_arn}"
        configured.append(line)
    sections.append(Section("Configured", tuple(configured) or ("nothing: no role annotation and no association",)))
    injects = (
        f"at pod creation the webhook injects {mechanism_name(detection.injected)}"
        + (" env (an association wins over the role annotation)" if len(detection.configured) > 1 else " env")
        if detection.injected != "none"
        else "the webhook injects nothing for this ServiceAccount"
    )
    sections.append(Section("Which one wins", (injects, *detection.reasons)))
    per: list[str] = []
    creds = {c.container: c for c in result.credentials}
    for container in detection.containers:
        line = f"{container.container}: {mechanism_name(container.mechanism)}, {container.why}"
        known = creds.get(container.container)
        if known is not None and known.choices:
            if known.agree:
                choice = known.choices[0]
                line += f"; its SDKs use {source_label(choice.source)} ({choice.identity})"
            else:
                line += "; its SDK families differ (i: the Credentials tab)"
        per.append(line)
    if not detection.uniform:
        per.append(
            "the app containers do not all use the same mechanism: the chain follows Pod Identity if any "
            "uses it, else IRSA"
        )
    sections.append(Section("Each container", tuple(per) or ("no container seen",)))
    return sections
