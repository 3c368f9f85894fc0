"""A Pod Identity target judged statically from what a scan already has, while the engine has no Pod
Identity chain (``engine.GRAPHS`` without ``pod-identity``): the association, the injection and the
role's trust. Once the engine can diagnose Pod Identity, ``scan.run`` uses that chain instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

from irsa_tui.chain.arn import RoleArn, parse_role_arn
from irsa_tui.chain.facts import PodFacts, RoleFacts
from irsa_tui.chain.mechanism import MechanismVerdict
from irsa_tui.chain.model import ChainResult, LinkId, LinkResult, Status, Target
from irsa_tui.chain.pod_identity_facts import AssociationFacts
from irsa_tui.engine import Session
from irsa_tui.policy import PolicyError

__all__ = ["judge_pod_identity"]


def _link(link: LinkId, status: Status, summary: str) -> LinkResult:
    return LinkResult(link, status, summary)


def _skip(link: LinkId, why: str) -> LinkResult:
    return _link(link, Status.SKIP, why)


def judge_pod_identity(session: Session, pod: PodFacts, assoc: AssociationFacts | None,
                       detected: MechanismVerdict) -> ChainResult:
    """Links ``association``, ``injection`` and ``trust-policy`` of a Pod Identity pod (static)."""
    from irsa_tui.policy.pod_identity import SessionTags, evaluate_pod_identity_trust
    from irsa_tui.scan.run import role_facts

    started = datetime.now(UTC)
    links: list[LinkResult] = []
    role: RoleFacts | None = None
    if assoc is None:
        links.append(_link(LinkId.ASSOCIATION, Status.FAIL,
                           f"no Pod Identity association for {pod.namespace}/{pod.sa_name} now, but the pod has the "
                           "Pod Identity env: EKS Auth answers ResourceNotFoundException"))
    elif assoc.detail_error is not None or not assoc.role_arn:
        why = assoc.detail_error.one_line() if assoc.detail_error else "no role ARN"
        links.append(_link(LinkId.ASSOCIATION, Status.ERROR, f"association {assoc.association_id}: {why}"))
    else:
        arn = parse_role_arn(assoc.role_arn)
        found = role_facts(session, arn) if isinstance(arn, RoleArn) else None
        if found is None:
            links.append(_link(LinkId.ASSOCIATION, Status.FAIL,
                               f"association {assoc.association_id} names {assoc.role_arn}, which is not a role ARN"))
        elif isinstance(found, RoleFacts):
            role = found
            links.append(_link(LinkId.ASSOCIATION, Status.PASS,
                               f"association {assoc.association_id} gives {pod.namespace}/{pod.sa_name} role "
                               f"{found.name}"))
        elif found.kind == "not-found":
            links.append(_link(LinkId.ASSOCIATION, Status.FAIL,
                               f"association {assoc.association_id} names role {assoc.role_arn}, which does not exist"))
        else:
            links.append(_link(LinkId.ASSOCIATION, Status.ERROR, f"could not read role {assoc.role_arn}: "
                               f"{found.one_line()}"))
    if detected.mechanism == "pod-identity":
        links.append(_link(LinkId.INJECTION, Status.PASS, detected.reasons[0] if detected.reasons else
                           "the webhook injected the Pod Identity env"))
    else:
        links.append(_link(LinkId.INJECTION, Status.FAIL, detected.reasons[0] if detected.reasons else
                           "the pod has no Pod Identity env"))
    if role is None or assoc is None:
        links.append(_skip(LinkId.TRUST_POLICY, "role not read (see association)"))
    else:
        tags = SessionTags(cluster_arn="", cluster_name=session.cluster_name or "", namespace=pod.namespace,
                           service_account=pod.sa_name, pod_name=pod.name, pod_uid=pod.uid)
        try:
            trust = evaluate_pod_identity_trust(role.trust_policy, tags, bool(assoc.disable_session_tags))
        except PolicyError as exc:
            links.append(_link(LinkId.TRUST_POLICY, Status.FAIL, f"role {role.name}: trust policy unreadable: {exc}"))
        else:
            if trust.decision == "allow":
                links.append(_link(LinkId.TRUST_POLICY, Status.PASS,
                                   f"role {role.name} trusts pods.eks.amazonaws.com for this pod"))
            else:
                links.append(_link(LinkId.TRUST_POLICY, Status.FAIL, f"role {role.name}: " +
                                   (trust.problems[0] if trust.problems else trust.decision)))
    target = Target(namespace=pod.namespace, pod=pod.name, context=session.context, cluster=session.cluster_name,
                    region=session.region, role_arn=assoc.role_arn if assoc else None)
    ms = int((datetime.now(UTC) - started).total_seconds() * 1000)
    return ChainResult(target=target, links=tuple(links), duration_ms=ms, mechanism="pod-identity",
                       detection=detected)
