"""Link ``eks-auth`` (EKS Pod Identity): the live ``AssumeRoleForPodIdentity`` call the agent makes for
the pod, made by irsa-tui with a fresh token of the pod's ServiceAccount (only without ``--no-live``).

EKS Auth's refusals name a link (ResourceNotFound: association; AccessDenied: trust policy; Invalid /
ExpiredToken: token): pod-identity.md §1.5. A caller who may not call it gets ``error`` naming
``eks-auth:AssumeRoleForPodIdentity``, never a broken chain.
"""

from __future__ import annotations

from collections.abc import Mapping

from irsa_tui.chain.facts import Facts, SourceError
from irsa_tui.chain.links import _common
from irsa_tui.chain.links import _pod_identity as pi
from irsa_tui.chain.links.service_account import restart_command
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult
from irsa_tui.chain.pod_identity_facts import EksAuthFacts
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "link_for_error"]

LINK = LinkId.EKS_AUTH
NEEDS: tuple[str, ...] = ("pod", "eks_auth", "cluster", "caller", "associations")

_BY_CODE: dict[str, tuple[LinkId, str]] = {
    "ResourceNotFoundException": (
        LinkId.ASSOCIATION,
        "EKS Auth found no association for the token's namespace and ServiceAccount (deleted, renamed, or not "
        "yet visible: associations are eventually consistent).",
    ),
    "AccessDeniedException": (
        LinkId.TRUST_POLICY,
        "EKS could not assume the association's role (or its target role): the trust policy does not allow "
        "pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession for this pod's session tags.",
    ),
    "InvalidTokenException": (
        LinkId.TOKEN,
        "EKS Auth rejected the token: wrong audience (not pods.eks.amazonaws.com), wrong issuer or signature.",
    ),
    "ExpiredTokenException": (LinkId.TOKEN, "EKS Auth says the token is expired."),
    "InvalidParameterException": (LinkId.ASSOCIATION, "EKS Auth refused a parameter of the request."),
}


def link_for_error(code: str | None) -> LinkId | None:
    """The link an EKS Auth error code points at."""
    found = _BY_CODE.get(code or "")
    return found[0] if found else None


def _fix(facts: Facts, code: str | None, base: dict[str, str]) -> str:
    link = link_for_error(code)
    if link is LinkId.ASSOCIATION:
        return pi.create_association(facts, base["namespace"], base["sa"]) + "\n" + base["restart"]
    if link is LinkId.TRUST_POLICY:
        return "# see the trust-policy link for the trust policy this pod needs\n" + (
            f"aws iam get-role --role-name {base['role']} --query Role.AssumeRolePolicyDocument"
            if base.get("role") else "aws eks describe-pod-identity-association --cluster-name "
            f"{base['cluster']} --association-id <association-id>")
    if link is LinkId.TOKEN:
        return base["restart"]
    return f"aws eks list-pod-identity-associations --cluster-name {base['cluster']} --namespace {base['namespace']}"


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    pod = _common.pod_or_result(LINK, facts)
    if isinstance(pod, LinkResult):
        return pod
    answer = facts.eks_auth
    if answer is None:
        reason = facts.gaps.get("eks_auth") or ("live probes off" if not facts.live else "EKS Auth not called")
        return _common.skipped(LINK, reason)
    if isinstance(answer, SourceError):
        return _common.errored(LINK, answer)
    assert isinstance(answer, EksAuthFacts)
    assoc = pi.association_for(facts, pod)
    role_name = (assoc.role_arn or "").rsplit("/", 1)[-1] if assoc else ""
    base = {"namespace": pod.namespace, "sa": pod.sa_name, "pod": pod.name, "cluster": pi.cluster_name(facts),
            "restart": restart_command(facts), "role": role_name}
    evidence = [Evidence("eks-auth-endpoint", "EKS Auth endpoint", None, answer.endpoint, None)]
    if answer.ok:
        evidence.append(Evidence("eks-auth-role", "assumed role", assoc.role_arn if assoc else None,
                                 answer.assumed_role_arn, True))
        if answer.audience:
            evidence.append(Evidence("eks-auth-audience", "audience", pi.AUDIENCE, answer.audience,
                                     answer.audience == pi.AUDIENCE))
        details = {"assumed_role_arn": answer.assumed_role_arn, "association_id": answer.association_id}
        return _common.from_findings(LINK, [Finding("EKSAUTH-001", {"assumed": answer.assumed_role_arn or "?"})],
                                     evidence, details)
    code = answer.error_code
    cause = _BY_CODE.get(code or "", (None, "See the error message."))[1]
    pointed = link_for_error(code)
    evidence.append(Evidence("eks-auth-answer", "AssumeRoleForPodIdentity", "credentials",
                             f"{code} (HTTP {answer.http_status})", False))
    finding = Finding("EKSAUTH-201", {"error_code": code or "error", "error_message": answer.error_message or "",
                                      "cause": cause, "fix": _fix(facts, code, base)})
    details = {"error_code": code, "points_at": pointed.value if pointed else None}
    return _common.from_findings(LINK, [finding], evidence, details)


SPEC = LinkSpec(
    id=LINK,
    title="EKS Auth",
    short="EKS Auth",
    needs=NEEDS,
    check=check,
    learn="The agent trades the pod's token for role credentials: EKS Auth AssumeRoleForPodIdentity.",
    learn_what="eks-auth:AssumeRoleForPodIdentity",
)
