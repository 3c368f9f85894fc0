"""Every mechanism, and the links each lists in chain order: the one place the order is written.

Adding a link: a module under ``chain/links`` ending with ``SPEC = LinkSpec(...)``, and its ``SPEC``
in its mechanism's tuple below. Adding a mechanism: its link modules and one ``Mechanism(...)`` line
in ``MECHANISMS`` (plus its fetch steps: ``irsa_tui.steps``).
"""

from __future__ import annotations

from irsa_tui.chain.links import (
    agent,
    association,
    eks_auth,
    injection,
    oidc_provider,
    s3,
    service_account,
    sts,
    token,
    trust_policy,
)
from irsa_tui.chain.model import LinkId
from irsa_tui.chain.spec import LinkSpec, Mechanism

__all__ = ["IRSA", "LINK_ORDER", "MECHANISMS", "NONE", "POD_IDENTITY", "all_specs", "mechanism", "title"]

IRSA = Mechanism(
    id="irsa",
    title="IAM Roles for Service Accounts",
    links=(
        service_account.SPEC,
        injection.SPEC,
        token.SPEC,
        oidc_provider.SPEC,
        trust_policy.SPEC,
        sts.SPEC,
        s3.SPEC,
    ),
)

POD_IDENTITY = Mechanism(
    id="pod-identity",
    title="EKS Pod Identity",
    links=(
        service_account.POD_IDENTITY_SPEC,
        association.SPEC,
        injection.POD_IDENTITY_SPEC,
        token.POD_IDENTITY_SPEC,
        agent.SPEC,
        trust_policy.POD_IDENTITY_SPEC,
        eks_auth.SPEC,
        s3.POD_IDENTITY_SPEC,
    ),
)

NONE = Mechanism(
    id="none",
    title="No identity of its own",
    links=(service_account.NONE_SPEC,),
)
"""Neither IRSA nor Pod Identity: the chain stops at the ServiceAccount (the credentials section names
the node role the SDK falls back to)."""

MECHANISMS: dict[str, Mechanism] = {m.id: m for m in (IRSA, POD_IDENTITY, NONE)}

LINK_ORDER: tuple[LinkId, ...] = IRSA.link_ids
"""The default mechanism's links in chain order (what the TUI shows before a result arrives)."""


def mechanism(mechanism_id: str) -> Mechanism:
    try:
        return MECHANISMS[mechanism_id]
    except KeyError:
        raise KeyError(f"unknown mechanism {mechanism_id!r} (known: {', '.join(MECHANISMS)})") from None


def all_specs() -> dict[LinkId, LinkSpec]:
    """Every implemented link, once, in the order the mechanisms list them."""
    out: dict[LinkId, LinkSpec] = {}
    for mech in MECHANISMS.values():
        for spec in mech.links:
            out.setdefault(spec.id, spec)
    return out


def title(link: LinkId) -> str:
    spec = all_specs().get(link)
    return spec.title if spec is not None else link.value
