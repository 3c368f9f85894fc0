"""The lab's EKS Auth: ``AssumeRoleForPodIdentity`` judged on its own, then credentials from moto STS.

Like :mod:`irsa_tui.lab.sts_judge` (whose small policy evaluator it uses), this is deliberately
independent of ``irsa_tui.policy``/``irsa_tui.chain``: the lab plays AWS.

The judge checks, in this order: the cluster exists; the token is a JWT signed with the cluster's
service-account key, not expired, for audience ``pods.eks.amazonaws.com`` and bound to a pod; an
association exists for the token's namespace and ServiceAccount; the association's role exists
and trusts the service principal ``pods.eks.amazonaws.com`` for ``sts:AssumeRole`` and, while
session tags are on, ``sts:TagSession`` (its conditions see the six session tags as
``aws:RequestTag/...``); with a ``targetRoleArn``, the association role may assume the target
role and the target role trusts it (``sts:ExternalId`` = the association's ``externalId``).

Codes and HTTP statuses: botocore ``eks-auth/2023-11-26`` (AccessDeniedException is a 400 there).
Messages: the model's documentation strings, the expiry text EKS Auth relays through the agent
(boto/botocore#3117) and the one seen for an untrusted role (aws/eks-pod-identity-agent#139);
the ResourceNotFound wording is the lab's own (no primary source shows it).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from irsa_tui.lab.eks_api import Association, PodIdentityCluster
from irsa_tui.lab.sts_judge import Denied, _combine, evaluate

__all__ = [
    "AUDIENCE",
    "SERVICE_PRINCIPAL",
    "SESSION_TAG_KEYS",
    "Grant",
    "answer",
    "judge_pod_identity",
    "serve",
]

AUDIENCE = "pods.eks.amazonaws.com"
SERVICE_PRINCIPAL = "pods.eks.amazonaws.com"
SESSION_TAG_KEYS = (
    "eks-cluster-arn",
    "eks-cluster-name",
    "kubernetes-namespace",
    "kubernetes-service-account",
    "kubernetes-pod-name",
    "kubernetes-pod-uid",
)
INVALID_TOKEN = "The specified Kubernetes service account token is invalid."
UNTRUSTED = "Unauthorized Exception! EKS does not have permissions to assume the associated role."
UNTRUSTED_TARGET = "Unauthorized Exception! EKS does not have permissions to assume the target role."
NBF_LEEWAY = 60


@dataclass(frozen=True)
class Grant:
    """What the judge allowed: the role whose credentials the pod gets, and the session."""

    association: Association
    role_arn: str
    """The final role: the target role when the association has one."""
    role_name: str
    account: str
    session_name: str
    tags: Mapping[str, str]
    """The six session tags (empty when the association disables them)."""
    namespace: str
    service_account: str


def _b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _role_parts(arn: str) -> tuple[str, str]:
    """(account, role name) of a role ARN; ("", "") when it is not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return "", ""
    return parts[4], parts[5].rsplit("/", 1)[-1]


def _verified_claims(cluster: PodIdentityCluster, token: str, now: float) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    try:
        header, claims = _b64json(parts[0]), _b64json(parts[1])
    except ValueError:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    if header.get("alg") != "RS256" or header.get("kid") != cluster.jwk.get("kid"):
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    try:
        jwt.decode(
            token,
            jwt.PyJWK(dict(cluster.jwk)).key,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN) from None
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int) or claims.get("iss") != cluster.issuer:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    if now >= exp:
        raise Denied(
            400,
            "ExpiredTokenException",
            f"The token included in the request is expired: current date/time {_iso(now)} must be before "
            f"the expiration date/time {_iso(exp)}",
        )
    if isinstance(nbf, int) and now + NBF_LEEWAY < nbf:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else [str(a) for a in aud or []] if isinstance(aud, list) else []
    if AUDIENCE not in audiences:
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)
    return claims


def session_tags(cluster: PodIdentityCluster, ns: str, sa: str, pod: str, pod_uid: str) -> dict[str, str]:
    return dict(
        zip(SESSION_TAG_KEYS, (cluster.arn, cluster.name, ns, sa, pod, pod_uid), strict=True)
    )


def judge_pod_identity(
    cluster: PodIdentityCluster | None,
    cluster_name: str,
    token: str,
    *,
    find_role: Callable[[str], Mapping[str, Any] | None],
    identity_policies: Callable[[str], Iterable[Any]],
    now: float | None = None,
) -> Grant:
    """Decide like EKS Auth; raise Denied (status, code, message) or return the Grant.

    ``find_role(role_arn)`` -> ``{"trust_policy": doc}`` or None;
    ``identity_policies(role_name)`` -> the role's identity policy documents (for role chaining).
    """
    if cluster is None:
        raise Denied(404, "ResourceNotFoundException", f"No cluster found for name: {cluster_name}.")
    if not token:
        raise Denied(400, "InvalidParameterException", "token must not be empty.")
    current = time.time() if now is None else now
    claims = _verified_claims(cluster, token, current)
    k8s = claims.get("kubernetes.io")
    k8s = k8s if isinstance(k8s, dict) else {}
    ns = str(k8s.get("namespace") or "")
    sa = str((k8s.get("serviceaccount") or {}).get("name") or "")
    pod = k8s.get("pod") if isinstance(k8s.get("pod"), dict) else None
    if not ns or not sa or pod is None or not pod.get("name") or not pod.get("uid"):
        raise Denied(400, "InvalidTokenException", INVALID_TOKEN)  # not bound to a pod: no pod session tags
    assoc = cluster.find(ns, sa)
    if assoc is None:
        raise Denied(
            404,
            "ResourceNotFoundException",
            f"No Pod Identity Association found for cluster {cluster.name}, namespace {ns} "
            f"and service account {sa}.",
        )
    tags = {} if assoc.disable_session_tags else session_tags(cluster, ns, sa, str(pod["name"]), str(pod["uid"]))
    context: dict[str, list[str]] = {f"aws:requesttag/{k}": [v] for k, v in tags.items()}
    if tags:
        context["aws:tagkeys"] = list(tags)
    actions = ["sts:AssumeRole", "sts:TagSession"] if tags else ["sts:AssumeRole"]
    role = find_role(assoc.role_arn)
    principal = {"Service": {SERVICE_PRINCIPAL}}
    if role is None or any(
        evaluate(role.get("trust_policy"), action, None, context, principal) != "allow" for action in actions
    ):
        raise Denied(400, "AccessDeniedException", UNTRUSTED)
    account, role_name = _role_parts(assoc.role_arn)
    final_arn = assoc.role_arn
    if assoc.target_role_arn:
        final_arn = assoc.target_role_arn
        target = find_role(assoc.target_role_arn)
        hop: dict[str, list[str]] = dict(context)
        hop["aws:principalarn"] = [assoc.role_arn]
        hop["aws:principalaccount"] = [account]
        if assoc.external_id:
            hop["sts:externalid"] = [assoc.external_id]
        who = {"AWS": {assoc.role_arn, f"arn:aws:iam::{account}:root"}}
        allowed = target is not None and all(
            evaluate(target.get("trust_policy"), action, None, hop, who) == "allow"
            and _combine(identity_policies(role_name), action, assoc.target_role_arn, hop) == "allow"
            for action in actions
        )
        if not allowed:
            raise Denied(400, "AccessDeniedException", UNTRUSTED_TARGET)
        account, role_name = _role_parts(assoc.target_role_arn)
    session = f"eks-{cluster.name}-{pod['name']}-{uuid.uuid4()}"[:64]
    return Grant(
        association=assoc,
        role_arn=final_arn,
        role_name=role_name,
        account=account,
        session_name=session,
        tags=tags,
        namespace=ns,
        service_account=sa,
    )


def answer(
    cluster: PodIdentityCluster | None,
    cluster_name: str,
    body: bytes,
    *,
    find_role: Callable[[str], Mapping[str, Any] | None],
    identity_policies: Callable[[str], Iterable[Any]],
    mint: Callable[[Grant], Mapping[str, Any]],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The REST-JSON answer to one AssumeRoleForPodIdentity request.

    ``mint(grant)`` -> moto STS AssumeRole's ``{"Credentials": ..., "AssumedRoleUser": ...}``.
    """
    try:
        request = json.loads(body or b"{}")
        if not isinstance(request, dict):
            raise ValueError("not an object")
    except ValueError:
        return 400, {"message": "The request body is not valid JSON."}, {"x-amzn-ErrorType": "InvalidRequestException"}
    try:
        grant = judge_pod_identity(
            cluster,
            cluster_name,
            str(request.get("token") or ""),
            find_role=find_role,
            identity_policies=identity_policies,
        )
    except Denied as denied:
        return denied.status, {"message": denied.message}, {"x-amzn-ErrorType": denied.code}
    assert cluster is not None
    minted = mint(grant)
    creds, user = minted["Credentials"], minted["AssumedRoleUser"]
    expiration = creds["Expiration"]
    return (
        200,
        {
            "subject": {"namespace": grant.namespace, "serviceAccount": grant.service_account},
            "audience": AUDIENCE,
            "podIdentityAssociation": {
                "associationArn": cluster.association_arn(grant.association),
                "associationId": grant.association.association_id,
            },
            "assumedRoleUser": {"arn": user["Arn"], "assumeRoleId": user["AssumedRoleId"]},
            "credentials": {
                "sessionToken": creds["SessionToken"],
                "secretAccessKey": creds["SecretAccessKey"],
                "accessKeyId": creds["AccessKeyId"],
                "expiration": expiration.timestamp() if isinstance(expiration, dt.datetime) else expiration,
            },
        },
        {},
    )


def serve(
    state: Any,
    cluster: PodIdentityCluster | None,
    cluster_name: str,
    body: bytes,
    identity_policies: Callable[[str], Iterable[Any]],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The front's answer: roles read from moto IAM (cached like the STS judge's look-ups), credentials
    minted by moto STS AssumeRole with the session tags, and registered with the front so its S3
    judge knows the session. ``state`` is the front's ``_State``."""
    from irsa_tui.lab.aws import Assumed

    def find_role(arn: str) -> dict[str, Any] | None:
        def look() -> dict[str, Any] | None:
            try:
                role = state.admin["iam"].get_role(RoleName=arn.rsplit("/", 1)[-1])["Role"]
            except Exception:
                return None
            if role["Arn"] != arn:  # same name in another account (or path): not this role
                return None
            return {"arn": role["Arn"], "trust_policy": role.get("AssumeRolePolicyDocument")}

        return state.cached(("role", arn), look)  # type: ignore[no-any-return]

    def mint(grant: Grant) -> dict[str, Any]:
        tags = [{"Key": k, "Value": v} for k, v in grant.tags.items()]
        doc: dict[str, Any] = state.admin["sts"].assume_role(
            RoleArn=grant.role_arn, RoleSessionName=grant.session_name, **({"Tags": tags} if tags else {})
        )
        creds, arn = doc["Credentials"], doc["AssumedRoleUser"]["Arn"]
        with state.lock:
            state.issued.append((creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]))
            state.assumed[creds["AccessKeyId"]] = Assumed(
                arn=arn, role_arn=grant.role_arn, role_name=grant.role_name, account=grant.account,
                scenario=cluster.scenario if cluster else None, tags=dict(grant.tags),
            )
        return doc

    return answer(cluster, cluster_name, body, find_role=find_role, identity_policies=identity_policies, mint=mint)
