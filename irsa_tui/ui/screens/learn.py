"""Learn mode: the pod's mechanism (IRSA, or EKS Pod Identity) as a diagram of its links, with this pod's
real values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from irsa_tui.chain.model import ChainResult, LinkId
from irsa_tui.chain.registry import IRSA, MECHANISMS, all_specs
from irsa_tui.ui.mechanisms import mechanism_name, result_links
from irsa_tui.ui.widgets.link_row import link_title
from irsa_tui.ui.wrapping import wrap_text

__all__ = ["LearnScreen", "Step", "learn_steps", "learn_values", "pod_identity_values", "session_tags"]

POD_IDENTITY = "pod-identity"


@dataclass(frozen=True)
class Step:
    """One box of the diagram: a link with its prose."""

    link: LinkId
    short: str
    what: str
    prose: str


# What each Pod Identity link does, from pod-identity.md §1; used where the registry's Pod Identity
# specs carry no learn text of their own (theirs wins).
_POD_IDENTITY_PROSE: dict[LinkId, tuple[str, str, str]] = {
    LinkId.SERVICE_ACCOUNT: (
        "ServiceAccount", "the pod's ServiceAccount",
        "Pod Identity needs no annotation: the pod's namespace and ServiceAccount name are what the "
        "association is looked up by.",
    ),
    LinkId.ASSOCIATION: (
        "association", "Pod Identity association (EKS API)",
        "An association in the EKS API (not in Kubernetes) maps namespace + ServiceAccount to one IAM role, "
        "optionally chained to a target role. It must exist before the pod is created.",
    ),
    LinkId.INJECTION: (
        "webhook", "mutating webhook",
        "At pod creation the webhook sees the association and injects AWS_CONTAINER_CREDENTIALS_FULL_URI "
        "(the agent), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and the eks-pod-identity-token volume.",
    ),
    LinkId.TOKEN: (
        "token", "projected service account token",
        "The kubelet writes a token for the audience pods.eks.amazonaws.com; the SDK sends it to the agent "
        "in the Authorization header.",
    ),
    LinkId.AGENT: (
        "agent", "eks-pod-identity-agent on the node",
        "A DaemonSet (hostNetwork) listening on 169.254.170.23; it trades the pod's token for credentials "
        "by calling EKS Auth with the node role, which needs eks-auth:AssumeRoleForPodIdentity.",
    ),
    LinkId.TRUST_POLICY: (
        "trust policy", "role trust policy",
        "The role must trust the service principal pods.eks.amazonaws.com for sts:AssumeRole and "
        "sts:TagSession; conditions may test the session tags EKS sets.",
    ),
    LinkId.EKS_AUTH: (
        "EKS Auth", "eks-auth:AssumeRoleForPodIdentity",
        "EKS Auth checks the token, finds the association by its namespace and ServiceAccount, and assumes "
        "the role with six session tags; the agent hands the credentials to the SDK.",
    ),
    LinkId.S3: ("S3", "the AWS call", "Your app calls AWS with the role's credentials."),
}


def learn_steps(result: ChainResult | None) -> tuple[str, list[Step]]:
    """The mechanism explained (``irsa`` or ``pod-identity``) and its steps, in chain order."""
    if result is not None and result.mechanism == POD_IDENTITY:
        registered = MECHANISMS.get(POD_IDENTITY)
        specs = {s.id: s for s in registered.links} if registered is not None else {}
        steps = []
        for link in result_links(result):
            spec = specs.get(link) or all_specs().get(link)
            short, what, prose = _POD_IDENTITY_PROSE.get(link, (link.value, link.value, ""))
            own = spec is not None and link in specs and spec.learn
            steps.append(Step(
                link,
                spec.short if spec is not None and link in specs else short,
                spec.learn_what if own and spec is not None and spec.learn_what else what,
                spec.learn if own and spec is not None else prose,
            ))
        return POD_IDENTITY, steps
    return "irsa", [Step(s.id, s.short, s.learn_what, s.learn) for s in IRSA.links]


def flow_line(result: ChainResult | None, steps: list[Step] | None = None) -> str:
    """``ServiceAccount ✔ ─▶ webhook ✔ ─▶ … ─▶ S3 –``: the whole flow on one line, readable without colour."""
    if steps is None:
        steps = learn_steps(result)[1]
    parts = []
    for step in steps:
        glyph = ""
        if result is not None:
            try:
                glyph = f" {result.link(step.link).status.glyph}"
            except KeyError:
                glyph = ""
        parts.append(step.short + glyph)
    return " ─▶ ".join(parts)


def _details(result: ChainResult, link: LinkId) -> Mapping[str, Any]:
    try:
        return result.link(link).details
    except KeyError:
        return {}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def learn_values(result: ChainResult | None) -> dict[LinkId, list[tuple[str, str]]]:
    """The real names for each step, taken from the result (``?`` when unknown)."""
    if result is not None and result.mechanism == POD_IDENTITY:
        return pod_identity_values(result)
    out: dict[LinkId, list[tuple[str, str]]] = {link: [] for link in IRSA.link_ids}
    if result is None:
        return out
    t = result.target
    out[LinkId.SERVICE_ACCOUNT].append(("pod", f"{t.namespace}/{t.pod}"))
    out[LinkId.SERVICE_ACCOUNT].append(("role ARN", t.role_arn or "?"))
    claims = _mapping(_details(result, LinkId.TOKEN).get("claims"))
    trust = _details(result, LinkId.TRUST_POLICY)
    request = _mapping(trust.get("request"))
    oidc = _details(result, LinkId.OIDC_PROVIDER)
    aud = claims.get("aud")
    out[LinkId.TOKEN] += [
        ("iss", str(claims.get("iss") or oidc.get("issuer") or "?")),
        ("aud", ", ".join(aud) if isinstance(aud, list) else str(aud or "?")),
        ("sub", str(claims.get("sub") or "?")),
    ]
    provider = request.get("principal_federated") or "?"
    out[LinkId.OIDC_PROVIDER].append(("provider ARN", str(provider)))
    if oidc.get("issuer"):
        out[LinkId.OIDC_PROVIDER].append(("issuer", str(oidc["issuer"])))
    if trust.get("decision"):
        out[LinkId.TRUST_POLICY].append(("decision", str(trust["decision"])))
    _results(result, out)
    return out


def _results(result: ChainResult, out: dict[LinkId, list[tuple[str, str]]]) -> None:
    for link in out:
        try:
            res = result.link(link)
        except KeyError:
            continue
        out[link].append(("result", f"{res.status.glyph} {res.status.value}: {res.summary}"))


def _service_account(result: ChainResult) -> str:
    detection = result.detection
    if detection is not None and detection.association is not None:
        return detection.association.service_account
    details = _details(result, LinkId.SERVICE_ACCOUNT)
    for key in ("service_account", "name"):
        if details.get(key):
            return str(details[key])
    claims = _mapping(_details(result, LinkId.TOKEN).get("claims"))
    sub = str(claims.get("sub") or "")
    return sub.rsplit(":", 1)[-1] if sub.startswith("system:serviceaccount:") else "?"


def _cluster_arn(result: ChainResult) -> str:
    t = result.target
    role = result.target.role_arn or (
        result.detection.association.role_arn
        if result.detection is not None and result.detection.association is not None
        else None
    )
    account = role.split(":")[4] if role and role.count(":") >= 5 else ""
    if t.cluster and t.region and account:
        return f"arn:aws:eks:{t.region}:{account}:cluster/{t.cluster}"
    return "?"


def session_tags(result: ChainResult) -> list[tuple[str, str]]:
    """The six session tags EKS Auth sets (pod-identity.md §1.7): the result's when a link reports them,
    else derived from the target (the pod uid then stays ``?``)."""
    for link in (LinkId.EKS_AUTH, LinkId.TRUST_POLICY):
        tags = _mapping(_details(result, link).get("session_tags"))
        if tags:
            return [(str(k), str(v)) for k, v in tags.items()]
    t = result.target
    return [
        ("eks-cluster-arn", _cluster_arn(result)),
        ("eks-cluster-name", t.cluster or "?"),
        ("kubernetes-namespace", t.namespace),
        ("kubernetes-service-account", _service_account(result)),
        ("kubernetes-pod-name", t.pod),
        ("kubernetes-pod-uid", str(_details(result, LinkId.SERVICE_ACCOUNT).get("pod_uid") or "?")),
    ]


def pod_identity_values(result: ChainResult) -> dict[LinkId, list[tuple[str, str]]]:
    """This pod's association, injected env, token, agent, EKS Auth call and session tags."""
    out: dict[LinkId, list[tuple[str, str]]] = {link: [] for link in result_links(result)}
    t = result.target
    sa = _service_account(result)
    if LinkId.SERVICE_ACCOUNT in out:
        out[LinkId.SERVICE_ACCOUNT] += [("pod", f"{t.namespace}/{t.pod}"), ("ServiceAccount", sa)]
    assoc = result.detection.association if result.detection is not None else None
    if LinkId.ASSOCIATION in out:
        if assoc is None:
            out[LinkId.ASSOCIATION].append(("association", f"none for {t.namespace}/{sa}"))
        else:
            out[LinkId.ASSOCIATION] += [
                ("association", assoc.association_id or "?"),
                ("for", f"{assoc.namespace}/{assoc.service_account}"),
                ("role ARN", assoc.role_arn or "?"),
            ]
            if assoc.target_role_arn:
                out[LinkId.ASSOCIATION].append(("target role", assoc.target_role_arn))
    if LinkId.INJECTION in out:
        details = _details(result, LinkId.INJECTION)
        out[LinkId.INJECTION] += [
            ("credentials URI", str(details.get("full_uri") or "http://169.254.170.23/v1/credentials")),
            ("token file", str(details.get("token_file") or "/var/run/secrets/pods.eks.amazonaws.com/"
                                                           "serviceaccount/eks-pod-identity-token")),
        ]
    if LinkId.TOKEN in out:
        claims = _mapping(_details(result, LinkId.TOKEN).get("claims"))
        aud = claims.get("aud")
        out[LinkId.TOKEN] += [
            ("aud", ", ".join(aud) if isinstance(aud, list) else str(aud or "pods.eks.amazonaws.com")),
            ("sub", str(claims.get("sub") or f"system:serviceaccount:{t.namespace}:{sa}")),
        ]
    if LinkId.AGENT in out:
        details = _details(result, LinkId.AGENT)
        for key, label in (("node", "node"), ("agent_pod", "agent pod"), ("node_role", "node role")):
            if details.get(key):
                out[LinkId.AGENT].append((label, str(details[key])))
        out[LinkId.AGENT].append(("listens on", "169.254.170.23:80 (hostNetwork)"))
    if LinkId.TRUST_POLICY in out:
        out[LinkId.TRUST_POLICY] += [
            ("principal", "Service pods.eks.amazonaws.com"),
            ("actions", "sts:AssumeRole, sts:TagSession"),
        ]
        decision = _details(result, LinkId.TRUST_POLICY).get("decision")
        if decision:
            out[LinkId.TRUST_POLICY].append(("decision", str(decision)))
    if LinkId.EKS_AUTH in out:
        details = _details(result, LinkId.EKS_AUTH)
        out[LinkId.EKS_AUTH] += [
            ("cluster", t.cluster or "?"),
            ("session", str(details.get("session_name") or f"eks-{t.cluster or '?'}-{t.pod}-<uuid>")),
        ]
        if details.get("assumed_role"):
            out[LinkId.EKS_AUTH].append(("assumed role", str(details["assumed_role"])))
        out[LinkId.EKS_AUTH].append(("session tags", "for ${aws:PrincipalTag/KEY} in policies:"))
        out[LinkId.EKS_AUTH] += session_tags(result)
    _results(result, out)
    return out


class LearnScreen(Screen[None]):
    CSS_PATH = "../styles/learn.tcss"
    SCOPE = "learn"
    SCOPE_ALSO: tuple[str, ...] = ("everywhere",)
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="learn-back", tooltip="Close learn mode"),
    ]

    def __init__(self, result: ChainResult | None) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        mechanism, steps = learn_steps(self.result)
        values = learn_values(self.result)
        intro = f"How a pod gets AWS credentials through {mechanism_name(mechanism)}"
        if self.result is None:
            intro += "  (open a pod's chain first to see its real values here)"
        yield Label(intro, id="learn-title")
        yield Label(flow_line(self.result, steps), id="learn-flow", markup=False)
        width = self.app.size.width or 80
        with VerticalScroll(id="learn"):
            for n, step in enumerate(steps, 1):
                link = step.link
                status = ""
                if self.result is not None:
                    try:
                        status = f"-{self.result.link(link).status.value}"
                    except KeyError:
                        status = ""
                with Vertical(classes=f"learn-step {status}".strip(), id=f"learn-{link.value}") as box:
                    title = f"{n}. {link_title(link)}  ·  {step.what}"
                    # a border title is cut, never wrapped: below its length the "what" goes in the prose
                    fits = len(title) + 20 <= width
                    box.border_title = title if fits else f"{n}. {link_title(link)}"
                    yield Static(step.prose if fits else f"{step.what}: {step.prose}", classes="learn-prose",
                                 markup=False)
                    rows = values.get(link) or []
                    if rows:
                        grid = Table.grid(padding=(0, 1))
                        grid.add_column(justify="right", style="bold", no_wrap=True)
                        grid.add_column(overflow="fold")
                        key_width = max(len(key) for key, _ in rows)
                        room = max(20, width - key_width - 13)  # margins, border, padding, the gap
                        for key, value in rows:
                            grid.add_row(key, wrap_text(Text(str(value)), room, ""))
                        yield Static(grid, classes="learn-value")
                if n < len(steps):
                    yield Label("▼", classes="learn-arrow")
        yield Footer()

    def on_mount(self) -> None:
        """Put the first failing step's heading at the top of the view, its explanation below it."""
        first = self.result.first_failure if self.result is not None else None
        if first is not None and self.query(f"#learn-{first.value}"):
            box = self.query_one(f"#learn-{first.value}")
            self.call_after_refresh(
                self.query_one("#learn", VerticalScroll).scroll_to_widget, box, animate=False, top=True
            )
