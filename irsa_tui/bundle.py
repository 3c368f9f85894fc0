"""Incident bundles: one JSON file with the gathered facts and the result of one diagnosis,
to hand to a colleague or attach to a ticket, and to replay with no cluster and no AWS.

Redacted as everything else is: the token's claims and its redacted signature, never the token
(``TokenFacts.raw`` is not written); no credentials (STS's are never in the facts); container
environment values only for the variables the chain reads (any other literal value might be a
password), and every string passes the same redaction as ``--debug`` logs.

The result is stored losslessly (findings as code + arguments), so ``result_from_record`` rebuilds
exactly the ChainResult that ``check`` rendered: ``replay --text/--markdown/--json`` print what
``check`` printed, with the same exit code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from irsa_tui import __version__
from irsa_tui.chain.model import ChainResult, Evidence, Finding, LinkId, LinkResult, Status, Target

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Bundle",
    "BundleError",
    "facts_record",
    "read_bundle",
    "result_from_record",
    "result_record",
    "write_bundle",
]

FORMAT = "irsa-tui-bundle"
FORMAT_VERSION = 1
"""Raised when a reader of the old format could no longer read a new bundle; fields may be added freely."""

_MAX_BYTES = 20 * 1024 * 1024

# Container environment values kept in a bundle: what the chain reads. Any other value is replaced by
# its length (a literal env value may be a password or a key).
_ENV_KEPT = frozenset({
    "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_STS_REGIONAL_ENDPOINTS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_SDK_LOAD_CONFIG", "AWS_EC2_METADATA_DISABLED", "AWS_USE_FIPS_ENDPOINT",
})
_NEVER = frozenset({"raw"})  # TokenFacts.raw: the token itself


class BundleError(Exception):
    """A file that is not a bundle, is damaged, or is from a newer irsa-tui: ``str(self)`` is one line."""


@dataclass(frozen=True)
class Bundle:
    result: ChainResult
    captured_at: datetime
    version: str
    """irsa-tui version that captured it."""
    options: Mapping[str, Any]
    """The probe options of the run (live, bucket, object_key, timeout, deadline)."""
    caller: str | None = None
    """The AWS identity the capture acted as."""
    facts: Mapping[str, Any] | None = None
    """The gathered facts (redacted), as JSON; None when the capture had none."""

    def banner(self, now: datetime | None = None) -> str:
        """One line: when and where it was captured."""
        t = self.result.target
        when = self.captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if now is not None:
            when += f" ({_ago(now - self.captured_at)})"
        where = [f"context {t.context}" if t.context else "", f"cluster {t.cluster}" if t.cluster else "",
                 f"region {t.region}" if t.region else "", f"as {self.caller}" if self.caller else ""]
        return (f"REPLAY of a bundle captured {when} · " + " · ".join(w for w in where if w)
                + f" · irsa-tui {self.version} · no cluster or AWS call is made")


def _ago(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return "in the future: check the clocks"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


# --- the result, losslessly -------------------------------------------------------------------------
# Every dataclass field is written, so fields added to the model travel without a change here; the
# structured ones (ids, statuses, findings, evidence) are spelled out.
_LINK_SPECIAL = ("id", "status", "findings", "evidence")


def _fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def result_record(result: ChainResult) -> dict[str, Any]:
    """The ChainResult as JSON that ``result_from_record`` turns back into an equal result."""
    doc = {name: _jsonable(getattr(result, name)) for name in _fields(ChainResult) if name not in ("target", "links")}
    if result.detection is not None:
        doc["detection"] = _jsonable(dataclasses.asdict(result.detection))
    doc["credentials"] = [_jsonable(dataclasses.asdict(c)) for c in result.credentials]
    doc["node"] = _jsonable(dataclasses.asdict(result.node)) if result.node is not None else None
    doc["target"] = {name: _jsonable(getattr(result.target, name)) for name in _fields(Target)}
    doc["links"] = [
        {
            "id": link.id.value,
            "status": link.status.value,
            "findings": [{"code": f.code, "args": dict(f.args)} for f in link.findings],
            "evidence": [{name: getattr(e, name) for name in _fields(Evidence)} for e in link.evidence],
            **{name: _jsonable(getattr(link, name)) for name in _fields(LinkResult) if name not in _LINK_SPECIAL},
        }
        for link in result.links
    ]
    return doc


def result_from_record(doc: Mapping[str, Any]) -> ChainResult:
    """Rebuild the ChainResult; BundleError (one line) when the record is damaged or names
    a link or finding code this irsa-tui does not know. Fields this version does not know are ignored."""
    from irsa_tui.chain.codes import CODES

    try:
        target = Target(**{k: v for k, v in doc["target"].items() if k in _fields(Target)})
        if not isinstance(target.namespace, str) or not isinstance(target.pod, str):
            raise TypeError("target has no namespace/pod")
        links = []
        for item in doc["links"]:
            findings = []
            for f in item.get("findings") or []:
                if f["code"] not in CODES:
                    raise BundleError(f"finding code {f['code']!r} is unknown to irsa-tui {__version__}: "
                                      "replay it with the version that captured it")
                findings.append(Finding(str(f["code"]), {str(k): str(v) for k, v in (f.get("args") or {}).items()}))
            evidence = tuple(Evidence(**{k: v for k, v in e.items() if k in _fields(Evidence)})
                             for e in item.get("evidence") or [])
            for e in evidence:
                _expect(e.key, str, e.label, str, e.expected, (str, type(None)), e.actual, (str, type(None)),
                        e.ok, (bool, type(None)))
            other = {k: item[k] for k in _fields(LinkResult) if k not in _LINK_SPECIAL and k in item}
            _expect(other.get("summary"), str, other.get("explanation", ""), str, other.get("fix"), (str, type(None)),
                    other.get("details", {}), dict)
            links.append(LinkResult(id=LinkId(item["id"]), status=Status(item["status"]), findings=tuple(findings),
                                    evidence=evidence, **other))
        extra = {k: doc[k] for k in _fields(ChainResult) if k not in ("target", "links") and k in doc}
        extra["detection"] = _verdict(extra.get("detection"))
        extra["credentials"], extra["node"] = _credentials(extra.get("credentials"), extra.get("node"))
        from irsa_tui.chain.registry import MECHANISMS

        _expect(extra.get("mechanism", "irsa"), str)
        if extra.get("mechanism", "irsa") not in MECHANISMS:
            raise BundleError(f"mechanism {extra['mechanism']!r} is unknown to irsa-tui {__version__}: "
                              "replay it with the version that captured it")
        _expect(extra.get("duration_ms", 0), int, target.context, (str, type(None)), target.cluster, (str, type(None)),
                target.region, (str, type(None)))
        return ChainResult(target=target, links=tuple(links), **extra)
    except BundleError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleError(f"the result in it is damaged ({type(exc).__name__}: {exc})") from None


def _verdict(doc: Any) -> Any:
    """The MechanismVerdict written by ``result_record`` (None when absent or from an older record)."""
    from irsa_tui.chain.mechanism import AssociationInput, ContainerMechanism, MechanismVerdict

    if not isinstance(doc, Mapping):
        return None
    assoc = doc.get("association")
    if isinstance(assoc, Mapping):
        created = assoc.get("created")
        assoc = AssociationInput(**{**assoc, "created": datetime.fromisoformat(created) if created else None})
    return MechanismVerdict(
        mechanism=doc["mechanism"], configured=tuple(doc["configured"]), injected=doc["injected"],
        containers=tuple(ContainerMechanism(**c) for c in doc["containers"]), reasons=tuple(doc["reasons"]),
        association=assoc if isinstance(assoc, AssociationInput) else None, uniform=bool(doc.get("uniform", True)),
    )


def _credentials(items: Any, node: Any) -> tuple[Any, Any]:
    """The credentials section written by ``result_record`` (empty when absent or from an older record)."""
    from irsa_tui.chain.credentials import ContainerCredentials, NodeIdentity

    found = tuple(_revive(ContainerCredentials, c) for c in items) if isinstance(items, list) else ()
    return found, _revive(NodeIdentity, node) if isinstance(node, Mapping) else None


def _revive(hint: Any, value: Any) -> Any:
    """A value written by ``dataclasses.asdict`` + ``_jsonable`` back as ``hint`` (frozen dataclasses of
    primitives, Literals, optionals and homogeneous tuples, as the result model has)."""
    if value is None:
        return None
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise TypeError(f"{value!r} is not a {hint.__name__}")
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: _revive(hints[f.name], value[f.name]) for f in dataclasses.fields(hint)
                       if f.name in value})
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError(f"{value!r} is not a list")
        return tuple(_revive(args[0], v) for v in value)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        classes = [a for a in inner if isinstance(a, type) and dataclasses.is_dataclass(a)]
        if classes and isinstance(value, Mapping):
            return _revive(classes[0], value)
        if len(inner) == 1:
            return _revive(inner[0], value)
        for option in inner:
            try:
                return _revive(option, value)
            except TypeError:
                continue
        raise TypeError(f"{value!r} is none of {hint}")
    if origin is typing.Literal:
        if value not in args:
            raise TypeError(f"{value!r} is not one of {args}")
        return value
    if hint in (str, int, bool, float):
        _expect(value, hint)
        return value
    raise TypeError(f"cannot read a {hint} back")


def _expect(*pairs: Any) -> None:
    """TypeError unless each value (odd positions) is of its type (even positions): what renderers rely on."""
    for value, kind in zip(pairs[::2], pairs[1::2], strict=True):
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"{value!r} is not {getattr(kind, '__name__', kind)}")


# --- the facts, redacted -----------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def facts_record(facts: Any) -> Any:
    """Facts (dataclasses all the way down) as redacted JSON; each dataclass carries its type name."""
    from irsa_tui.chain.facts import EnvVar
    from irsa_tui.redact import redact

    def walk(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if isinstance(value, EnvVar) and value.name not in _ENV_KEPT and value.value is not None:
                value = dataclasses.replace(value, value=f"<redacted: {len(value.value)} chars>")
            out: dict[str, Any] = {"type": type(value).__name__}
            for f in dataclasses.fields(value):
                if f.name not in _NEVER:
                    out[f.name] = walk(getattr(value, f.name))
            return out
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, Mapping):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        return _jsonable(value)

    return walk(facts)


# --- files -------------------------------------------------------------------------------------------
def bundle_document(result: ChainResult, facts: Any, options: Mapping[str, Any],
                    captured_at: datetime | None = None, caller: str | None = None) -> dict[str, Any]:
    """``facts``: the run's Facts, or an already redacted record (re-saving a replay), or None."""
    if facts is not None and not isinstance(facts, Mapping):
        caller = caller or getattr(facts, "caller", None)
        facts = facts_record(facts)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "captured_at": (captured_at or datetime.now(UTC)).isoformat(),
        "irsa_tui_version": __version__,
        "caller": caller,
        "options": _jsonable(options),
        "result": result_record(result),
        "facts": facts,
    }


def write_bundle(path: str | os.PathLike[str], result: ChainResult, facts: Any, options: Mapping[str, Any],
                 captured_at: datetime | None = None, caller: str | None = None) -> Path:
    """Write the bundle (0600: it names accounts, roles and pods) and return its path."""
    target = Path(path)
    text = json.dumps(bundle_document(result, facts, options, captured_at, caller), indent=1, ensure_ascii=False)
    tmp = target.with_name(f".{target.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    os.replace(tmp, target)
    return target


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read and check a bundle; BundleError (one line) for anything that is not a readable bundle."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_BYTES + 1)
    except OSError as exc:
        raise BundleError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(raw) > _MAX_BYTES:
        raise BundleError(f"{name} is not an irsa-tui bundle (over {_MAX_BYTES // 2**20} MB)")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleError(f"{name} is not an irsa-tui bundle (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"{name} is damaged or not an irsa-tui bundle (not JSON: {exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleError(f"{name} is not an irsa-tui bundle (no \"format\": \"{FORMAT}\")")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError(f"{name} is damaged: format_version is {version!r}")
    if version > FORMAT_VERSION:
        raise BundleError(f"{name} is bundle format {version}, written by irsa-tui {doc.get('irsa_tui_version', '?')}; "
                          f"this irsa-tui ({__version__}) reads format {FORMAT_VERSION}: upgrade irsa-tui to replay it")
    try:
        result = result_from_record(doc["result"])
        captured = datetime.fromisoformat(doc["captured_at"])
        if captured.tzinfo is None:
            captured = captured.replace(tzinfo=UTC)
        options = doc.get("options") or {}
        facts = doc.get("facts")
        if not isinstance(options, dict) or not (facts is None or isinstance(facts, dict)):
            raise TypeError("options/facts are not objects")
    except BundleError as exc:
        raise BundleError(f"{name}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{name} is damaged ({type(exc).__name__}: {exc})") from None
    return Bundle(result=result, captured_at=captured, version=str(doc.get("irsa_tui_version") or "?"),
                  options=options, caller=doc.get("caller"), facts=facts)
