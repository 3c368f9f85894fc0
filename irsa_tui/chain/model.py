"""The result model: link ids, statuses, findings, evidence, link and chain results.

Pure data. Every renderer (TUI, text, Markdown, JSON) reads these and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irsa_tui.chain.codes import Code
    from irsa_tui.chain.credentials import ContainerCredentials, NodeIdentity
    from irsa_tui.chain.mechanism import MechanismVerdict

__all__ = [
    "ChainResult",
    "Evidence",
    "Finding",
    "LinkId",
    "LinkResult",
    "Status",
    "Target",
    "Verdict",
    "exit_code",
    "link_for_code",
]


class LinkId(StrEnum):
    """Every link id of every mechanism; the value is the public id.

    The order here means nothing: each mechanism lists its own links in chain order
    (``irsa_tui.chain.registry``). Some ids belong to one mechanism only, and an id may exist before
    any mechanism lists it (no mechanism may list a link without a check module).
    """

    SERVICE_ACCOUNT = "service-account"
    INJECTION = "injection"
    TOKEN = "token"
    OIDC_PROVIDER = "oidc-provider"
    TRUST_POLICY = "trust-policy"
    STS = "sts"
    S3 = "s3"
    # EKS Pod Identity (not implemented yet: no mechanism lists these)
    ASSOCIATION = "association"
    AGENT = "agent"
    EKS_AUTH = "eks-auth"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """Human name of the link, e.g. ``OIDC provider`` (its spec's title)."""
        from irsa_tui.chain.registry import title

        return title(self)

    @property
    def code_prefix(self) -> str:
        """The prefix of the link's finding codes: ``SA`` for ``SA-001``."""
        return _CODE_PREFIXES[self]


_CODE_PREFIXES = {
    LinkId.SERVICE_ACCOUNT: "SA",
    LinkId.INJECTION: "INJ",
    LinkId.TOKEN: "TOK",
    LinkId.OIDC_PROVIDER: "OIDC",
    LinkId.TRUST_POLICY: "TRUST",
    LinkId.STS: "STS",
    LinkId.S3: "S3",
    LinkId.ASSOCIATION: "ASSOC",
    LinkId.AGENT: "AGENT",
    LinkId.EKS_AUTH: "EKSAUTH",
}


def link_for_code(code: str) -> LinkId:
    """The link a finding code belongs to, from its prefix (``TRUST-201`` -> trust-policy)."""
    prefix = code.rsplit("-", 1)[0]
    for link, known in _CODE_PREFIXES.items():
        if known == prefix:
            return link
    raise ValueError(f"code {code!r} has no known link prefix")


class Status(StrEnum):
    """Outcome of one link.

    pass/warn/fail are judgements of the chain; skip means an earlier link made this
    one moot or the user turned it off; error means we could not find out.
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value

    @property
    def glyph(self) -> str:
        """A symbol that reads without colour."""
        return _GLYPHS[self]

    @property
    def rank(self) -> int:
        """Badness, for picking the worst status: fail > error > warn > skip > pass."""
        return _RANKS[self]


_GLYPHS = {
    Status.PASS: "✔",
    Status.WARN: "▲",
    Status.FAIL: "✘",
    Status.SKIP: "–",
    Status.ERROR: "?",
}
_RANKS = {Status.PASS: 0, Status.SKIP: 1, Status.WARN: 2, Status.ERROR: 3, Status.FAIL: 4}


class Verdict(StrEnum):
    OK = "ok"
    BROKEN = "broken"
    INCOMPLETE = "incomplete"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Evidence:
    """One fact compared: what the chain needs versus what we found."""

    key: str
    """Stable kebab-case id, e.g. ``role-arn``; the key in the JSON ``evidence`` object."""
    label: str
    """Human label, e.g. ``AWS_ROLE_ARN in container app``."""
    expected: str | None
    actual: str | None
    ok: bool | None = None
    """True when actual satisfies expected, False when not, None when informational."""

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "expected": self.expected, "actual": self.actual, "ok": self.ok}


@dataclass(frozen=True)
class Finding:
    """One coded observation, e.g. ``SA-003`` with its template arguments."""

    code: str
    args: Mapping[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> Code:
        from irsa_tui.chain.codes import CODES

        return CODES[self.code]

    @property
    def status(self) -> Status:
        return self.spec.status

    @property
    def message(self) -> str:
        return self.spec.render(self.spec.message, self.args)

    @property
    def fix(self) -> str | None:
        if self.spec.fix is None:
            return None
        return self.spec.render(self.spec.fix, self.args)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass(frozen=True)
class LinkResult:
    """The judgement of one link."""

    id: LinkId
    status: Status
    summary: str
    """One line."""
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""
    """Why this matters, a few sentences for people learning IRSA."""
    fix: str | None = None
    """Exact commands (or a minimal patch) with the real names filled in."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Extra JSON-safe data for views (token claims, policy analysis...). Never secrets."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id.value,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": {e.key: e.to_json() for e in self.evidence},
            "explanation": self.explanation,
            "fix": self.fix,
            "findings": [
                {"code": f.code, "status": f.status.value, "message": f.message} for f in self.findings
            ],
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Target:
    """What is being diagnosed."""

    namespace: str
    pod: str
    context: str | None = None
    cluster: str | None = None
    region: str | None = None
    role_arn: str | None = None
    """The IAM role the chain was tested against, when one was named (for views; not in the JSON)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "cluster": self.cluster,
            "region": self.region,
            "namespace": self.namespace,
            "pod": self.pod,
        }


@dataclass(frozen=True)
class ChainResult:
    target: Target
    links: tuple[LinkResult, ...]
    """The diagnosed mechanism's links, in its chain order."""
    duration_ms: int = 0
    mechanism: str = "irsa"
    """The id of the mechanism diagnosed (``irsa``, ``pod-identity`` or ``none``); its links are ``links``."""
    detection: MechanismVerdict | None = None
    """Why this mechanism: what is configured, what the webhook injects, what each container uses."""
    credentials: tuple[ContainerCredentials, ...] = ()
    """Per app container: the credential source each SDK family picks, what it shadows, IMDS reach."""
    node: NodeIdentity | None = None
    """The pod's node: its instance role and IMDS settings (what the pod falls back to), when read."""

    @property
    def verdict(self) -> Verdict:
        statuses = {link.status for link in self.links}
        if Status.FAIL in statuses:
            return Verdict.BROKEN
        if Status.ERROR in statuses:
            return Verdict.INCOMPLETE
        return Verdict.OK

    @property
    def first_failure(self) -> LinkId | None:
        for link in self.links:
            if link.status is Status.FAIL:
                return link.id
        return None

    @property
    def warnings(self) -> tuple[LinkResult, ...]:
        """Links that warn: an OK verdict with warnings says so in every output."""
        return tuple(link for link in self.links if link.status is Status.WARN)

    @property
    def pod_uses(self) -> str | None:
        """What the pod's app container really uses for AWS credentials (chain/credentials.py), when known."""
        value = self._injection_detail("pod_uses")
        return str(value) if value else None

    def _injection_detail(self, key: str) -> Any:
        for link in self.links:
            if link.id is LinkId.INJECTION:
                return link.details.get(key)
        return None

    def verdict_text(self) -> str:
        """``OK``, ``OK, 1 warning: trust-policy: …``, ``BROKEN at injection (the pod uses …, not the IRSA role)``."""
        verdict = self.verdict
        uses = self.pod_uses
        # Only when no SDK would use the role; "it depends on the SDK" is the injection warning's to say.
        using = f" (the pod uses {uses}, not the IRSA role)" if uses and self._injection_detail("pod_uses_role") is False else ""
        if verdict is Verdict.OK:
            warned = self.warnings
            if not warned:
                return "OK" + using
            first = warned[0]
            more = f" (+{len(warned) - 1} more)" if len(warned) > 1 else ""
            plural = "s" if len(warned) > 1 else ""
            return f"OK, {len(warned)} warning{plural}{using}: {first.id.value}: {first.summary}{more}"
        if verdict is Verdict.BROKEN:
            first_failure = self.first_failure
            return (f"BROKEN at {first_failure.value}" if first_failure else "BROKEN") + using
        errs = ", ".join(link.id.value for link in self.links if link.status is Status.ERROR)
        return f"INCOMPLETE: could not check {errs}"

    @property
    def worst(self) -> Status:
        return max((link.status for link in self.links), key=lambda s: s.rank, default=Status.PASS)

    def link(self, link_id: LinkId | str) -> LinkResult:
        for link in self.links:
            if link.id == LinkId(link_id):
                return link
        raise KeyError(str(link_id))

    def mechanism_detail(self) -> dict[str, Any] | None:
        """Why ``mechanism``: the detection's reading (None when the run did not detect, e.g. pod unreadable)."""
        if self.detection is None:
            return None
        from irsa_tui.chain.mechanism import verdict_json

        return verdict_json(self.detection, self.mechanism)

    def to_json(self) -> dict[str, Any]:
        first = self.first_failure
        return {
            "target": self.target.to_json(),
            "mechanism": self.mechanism,
            "mechanism_detail": self.mechanism_detail(),
            "verdict": self.verdict.value,
            "first_failure": first.value if first else None,
            "verdict_text": self.verdict_text(),
            "warnings": [{"link": link.id.value, "summary": link.summary} for link in self.warnings],
            "pod_uses": self.pod_uses,
            "links": [link.to_json() for link in self.links],
            "credentials": self.credentials_json(),
            "duration_ms": self.duration_ms,
        }

    def credentials_json(self) -> dict[str, Any] | None:
        """The ``credentials`` section: each container's source per SDK, the node and the fallback."""
        if not self.credentials and self.node is None:
            return None
        from irsa_tui.chain.credentials import credentials_json

        return credentials_json(self.credentials, self.node)


def exit_code(result: ChainResult) -> int:
    """0 ok (pass/warn/skip), 1 broken (a fail), 2 incomplete (an error, no fail)."""
    return {Verdict.OK: 0, Verdict.BROKEN: 1, Verdict.INCOMPLETE: 2}[result.verdict]

