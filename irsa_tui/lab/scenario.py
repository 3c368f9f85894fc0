"""Declarative lab scenarios: a healthy baseline plus small deep-merge overrides in YAML.

Each ``scenarios/*.yaml`` file holds one scenario::

    name: sa-annotation-missing
    title: one line
    breaks: service-account        # link id, or null for healthy
    namespace: payments
    pod: api-7d9f8c6b5-x2x4z
    expect: {verdict: broken, first_failure: service-account, codes: []}
    world: {...}                   # deep-merged over BASELINE; null deletes a key

Strings may hold placeholders (``${ISSUER}``, ``${PROVIDER_ARN}``, ...) expanded at world start.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "ACCOUNT",
    "BASELINE",
    "LINKS",
    "REGION",
    "Expect",
    "Scenario",
    "close_names",
    "deep_merge",
    "expand",
    "generated",
    "get",
    "placeholders",
    "scenarios",
]

ACCOUNT = "123456789012"
REGION = "eu-west-1"
MECHANISM = "irsa"
"""The mechanism a scenario diagnoses unless it says ``mechanism:``."""


PLANNED: dict[str, tuple[str, ...]] = {
    "pod-identity": (
        "service-account", "association", "injection", "token", "agent", "trust-policy", "eks-auth", "s3",
    ),
    "none": ("service-account",),
}
"""Mechanisms scenarios may expect before the registry has them (issue 11's link ids and order; with
``none`` the chain fails at ``service-account``). The registry's own list wins once it has one."""


def mechanism_links(mechanism: str = MECHANISM) -> tuple[str, ...]:
    """The link ids of a mechanism in chain order, as irsa-tui's registry lists them."""
    from irsa_tui.chain.registry import MECHANISMS
    from irsa_tui.chain.registry import mechanism as find

    if mechanism not in MECHANISMS and mechanism in PLANNED:
        return PLANNED[mechanism]
    return tuple(str(link) for link in find(mechanism).link_ids)


LINKS = mechanism_links()
"""The irsa mechanism's links in chain order (kept for callers of the scenario catalogue)."""
VERDICTS = ("ok", "broken", "incomplete")
STS_ERRORS = ("IDPRejectedClaim", "IDPCommunicationError", "Throttling")
STS_OUTAGES = ("global", "regional")
"""Values of the ``sts.error`` switch: faults on AWS's or the IdP's side (answers: lab/aws.py)."""
S3_REGION_ERRORS = ("PermanentRedirect", "AuthorizationHeaderMalformed")
"""Values of ``bucket.region_error``: what S3 answers a request signed for another region."""

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "${PROVIDER_ARN}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "${ISSUER_HOSTPATH}:sub": "system:serviceaccount:${NAMESPACE}:${SA}",
                    "${ISSUER_HOSTPATH}:aud": "sts.amazonaws.com",
                }
            },
        }
    ],
}

_S3_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ListInvoices",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::${BUCKET}",
        },
        {
            "Sid": "ReadWriteInvoices",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::${BUCKET}/*",
        },
    ],
}

BASELINE: dict[str, Any] = {
    # account: the cluster's account when it is not the role's (the caller only sees its own account)
    # eks false: a cluster without the EKS API (kOps, self-managed): the kube context is no EKS ARN and
    # DescribeCluster knows no such cluster; the issuer comes from the token and the API server.
    "cluster": {"version": "1.31", "platform_version": "eks.12", "account": None, "eks": True},
    "namespace": "payments",
    "serviceaccount": {
        "name": "api",
        "annotations": {"eks.amazonaws.com/role-arn": "${ROLE_ARN}"},
        "labels": {"app.kubernetes.io/name": "api"},
        "created_days_ago": 40,
        "annotated_days_ago": 40,  # when the role annotation was last written (managedFields)
        "patch": {},
    },
    "pod": {
        "name": "api-7d9f8c6b5-x2x4z",
        "replicaset": "api-7d9f8c6b5",
        "deployment": "api",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:1.42.0",
        "created_days_ago": 2,
        "labels": {"app": "api", "pod-template-hash": "7d9f8c6b5"},
        "annotations": {},
        "node": "ip-10-0-12-34.eu-west-1.compute.internal",
        # auto: mutated like the webhook would at CREATE (SA annotated before the pod, webhook
        # present, no skip label); true/false forces it.
        "mutate": "auto",
        "service_account": None,  # spec.serviceAccountName when not the scenario's SA (e.g. "default")
        "env": {},  # user env of the app container: NAME: value, or NAME: {secretKeyRef: {...}}
        "sidecars": [],  # more containers: [{name, image}]
        "volumes": [],  # user volumes (k8s shape), added before the webhook runs
        "mounts": [],  # user volumeMounts of the app container
        "injected_role_arn": None,  # the role the webhook injected at CREATE (annotation changed since)
        "patch": {},
    },
    # inject_region false: a self-managed webhook run without --aws-default-region (EKS's sets it);
    # audience: its --token-audience; sts_regional: its --sts-regional-endpoint (EKS's: true, OSS default false);
    # self_managed: a Deployment pod-identity-webhook in default whose flags the caller can read
    "webhook": {
        "present": True,
        "inject_region": True,
        "audience": "sts.amazonaws.com",
        "sts_regional": True,
        "self_managed": False,
        "patch": {},
    },
    # iam_trusts_ca false: the issuer's certificate does not chain to a CA IAM trusts, so STS checks the
    # provider's thumbprints (irsa-chain.md §4)
    "issuer": {"serve": True, "iam_trusts_ca": True},
    # key: issuer | foreign (not in the JWKS); clock_skew_seconds: the API server's clock error
    "token": {"issuer": "${ISSUER}", "key": "issuer", "clock_skew_seconds": 0},
    "provider": {
        "present": True,
        "account": None,  # the provider lives in this second account (served by the lab front, not moto)
        "url": "${ISSUER}",
        "client_ids": ["sts.amazonaws.com"],
        "thumbprints": ["${THUMBPRINT}"],
    },
    "role": {
        "present": True,
        "name": "${ROLE_NAME}",
        "trust_policy": _TRUST,
        "inline_policies": {"payments-invoices-s3": _S3_POLICY},
        "managed_policies": {},
        "boundary": None,  # a policy document, attached as a permissions boundary
        "max_session_duration": 3600,
    },
    "bucket": {
        "present": True,
        "name": "${BUCKET}",
        "region": "${REGION}",
        "objects": {
            "2024/06/INV-0001.pdf": "invoice 1",
            "2024/06/INV-0002.pdf": "invoice 2",
            "2024/07/INV-0003.pdf": "invoice 3",
        },
        "policy": None,
        # objects written with SSE-KMS under ${KMS_KEY_ARN} (GetObject then needs kms:Decrypt on it)
        "kms_objects": {},
        # what S3 answers a request signed for another region: PermanentRedirect | AuthorizationHeaderMalformed
        "region_error": "PermanentRedirect",
    },
    "rbac": {"deny": []},  # "verb resource" pairs answered 403, e.g. "create serviceaccounts/token"
    # error: IDPRejectedClaim | IDPCommunicationError | Throttling (AWS-side faults, lab/aws.py STS_ERRORS)
    # outage: global | regional: that STS endpoint answers ServiceUnavailable (to pods whose SDK uses it)
    "sts": {"region_disabled": False, "error": None, "outage": None},
    "scp": None,  # an SCP policy document applied to the assumed role's S3 calls
    # actions the identity running irsa-tui may not perform on this scenario's role, e.g. "iam:GetRole"
    "caller": {"deny": []},
}


@dataclass(frozen=True)
class Expect:
    verdict: str
    first_failure: str | None
    codes: tuple[str, ...] = ()
    mechanism: str = MECHANISM
    """The mechanism irsa-tui must say it diagnosed (the JSON's ``mechanism``)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    breaks: str | None
    namespace: str
    pod: str
    expect: Expect
    world: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    args: tuple[str, ...] = ()
    """Extra ``check`` arguments the scenario is meant with (placeholders allowed), e.g. ``--object``."""
    generator: str | None = None
    """A generated world (``fleet``): its module adds objects, roles and associations at seeding."""

    def config(self) -> dict[str, Any]:
        """The baseline with this scenario's overrides merged in (placeholders not yet expanded)."""
        merged = deep_merge(BASELINE, self.world)
        merged["namespace"] = self.namespace
        merged["pod"]["name"] = self.pod
        return merged


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Recursive dict merge; ``None`` in the patch deletes the key; lists and scalars replace."""
    out = copy.deepcopy(base)
    for key, value in (patch or {}).items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def expand(value: Any, names: dict[str, str]) -> Any:
    """Replace ``${NAME}`` in every string (keys too); unknown names are an error, not silence."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in names:
                raise ValueError(f"unknown placeholder ${{{key}}} (known: {', '.join(sorted(names))})")
            return names[key]

        return _PLACEHOLDER.sub(sub, value)
    if isinstance(value, dict):
        return {expand(k, names): expand(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v, names) for v in value]
    return value


def issuer_id(name: str) -> str:
    """A stable 32-uppercase-hex issuer id per scenario, like EKS's."""
    return hashlib.sha256(f"irsa-tui-lab/{name}".encode()).hexdigest()[:32].upper()


def placeholders(scn: Scenario, issuer_base: str, thumbprint: str, kube_url: str) -> dict[str, str]:
    suffix = "" if scn.name == "healthy" else f"-{scn.name}"
    role_name = f"payments-api{suffix}"[:64]
    bucket = f"payments-invoices{suffix}"[:63].rstrip("-")
    issuer = f"{issuer_base}/id/{issuer_id(scn.name)}"
    host_path = issuer.split("://", 1)[1]
    cfg = scn.config()
    return {
        "ACCOUNT": ACCOUNT,
        "REGION": REGION,
        "ISSUER": issuer,
        "ISSUER_BASE": issuer_base,
        "ISSUER_BASE_HOST": issuer_base.split("://", 1)[-1],
        "ISSUER_HOSTPATH": host_path,
        "PROVIDER_ARN": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host_path}",
        "ROLE_NAME": role_name,
        "ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/{role_name}",
        "BUCKET": bucket,
        "CLUSTER": cluster_name(scn.name),
        "CLUSTER_ARN": f"arn:aws:eks:{REGION}:{cfg['cluster'].get('account') or ACCOUNT}:cluster/"
        f"{cluster_name(scn.name)}",
        "NAMESPACE": scn.namespace,
        "SA": str(cfg["serviceaccount"]["name"]),
        "THUMBPRINT": thumbprint,
        "KMS_KEY_ARN": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{kms_key_id(scn.name)}",
        "KUBE_URL": kube_url,
    }


def kms_key_id(name: str) -> str:
    """A stable KMS key id (UUID form) per scenario, for ``${KMS_KEY_ARN}``."""
    h = hashlib.sha256(f"irsa-tui-lab/kms/{name}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def cluster_name(scenario: str) -> str:
    return f"lab-{scenario}"[:100]


def _load(text: str, origin: str) -> Scenario:
    try:
        # libyaml when present (as in kubeconfig.py): ~5x faster over the whole catalogue
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ValueError(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{origin}: a scenario must be a mapping")
    try:
        name = str(doc["name"])
        title = str(doc["title"])
        expect_doc = doc.get("expect") or {}
    except KeyError as exc:
        raise ValueError(f"{origin}: missing key {exc}") from None
    mechanism = str(expect_doc.get("mechanism") or MECHANISM)
    try:
        links = mechanism_links(mechanism)
    except KeyError as exc:
        raise ValueError(f"{origin}: expect.mechanism: {str(exc).strip(chr(34))}") from None
    breaks = doc.get("breaks")
    if breaks is not None and breaks not in links:
        raise ValueError(f"{origin}: breaks must be one of {', '.join(links)} or null, not {breaks!r}")
    verdict = str(expect_doc.get("verdict") or ("ok" if breaks is None else "broken"))
    if verdict not in VERDICTS:
        raise ValueError(f"{origin}: expect.verdict must be one of {', '.join(VERDICTS)}")
    first = expect_doc.get("first_failure", breaks)
    world = doc.get("world") or {}
    if not isinstance(world, dict):
        raise ValueError(f"{origin}: world must be a mapping")
    sts_error = (world.get("sts") or {}).get("error") if isinstance(world.get("sts"), dict) else None
    if sts_error is not None and sts_error not in STS_ERRORS:
        raise ValueError(
            f"{origin}: world.sts.error must be one of {', '.join(STS_ERRORS)}, not {sts_error!r}"
        )
    outage = (world.get("sts") or {}).get("outage") if isinstance(world.get("sts"), dict) else None
    if outage is not None and outage not in STS_OUTAGES:
        raise ValueError(f"{origin}: world.sts.outage must be one of {', '.join(STS_OUTAGES)}, not {outage!r}")
    region_error = (world.get("bucket") or {}).get("region_error") if isinstance(world.get("bucket"), dict) else None
    if region_error is not None and region_error not in S3_REGION_ERRORS:
        raise ValueError(
            f"{origin}: world.bucket.region_error must be one of {', '.join(S3_REGION_ERRORS)}, not {region_error!r}"
        )
    if world.get("pod_identity") is not None:
        from irsa_tui.lab.pod_identity import validate

        validate(world["pod_identity"], origin)
    return Scenario(
        name=name,
        title=title,
        breaks=breaks,
        namespace=str(doc.get("namespace") or BASELINE["namespace"]),
        pod=str(doc.get("pod") or BASELINE["pod"]["name"]),
        expect=Expect(
            verdict=verdict, first_failure=first, codes=tuple(str(c) for c in expect_doc.get("codes") or ()),
            mechanism=mechanism,
        ),
        world=world,
        args=tuple(str(a) for a in doc.get("args") or ()),
    )


_cache: list[Scenario] | None = None


def scenarios() -> list[Scenario]:
    """The catalogue, healthy first then by link order and name. Reads YAML only; starts nothing."""
    global _cache
    if _cache is None:
        found: list[Scenario] = []
        folder = resources.files("irsa_tui.lab").joinpath("scenarios")
        for entry in folder.iterdir():
            if entry.name.endswith((".yaml", ".yml")):
                found.append(_load(entry.read_text(encoding="utf-8"), entry.name))
        names = [s.name for s in found]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"duplicate scenario names: {', '.join(sorted(dupes))}")
        orders = {m: {link: i for i, link in enumerate(mechanism_links(m))} for m in {s.expect.mechanism for s in found}}
        found.sort(key=lambda s: (s.breaks is not None, s.expect.mechanism != MECHANISM,
                                  orders[s.expect.mechanism].get(s.breaks or "", -1), s.name))
        _cache = found
    return list(_cache)


def generated() -> list[Scenario]:
    """Worlds generated from a seed rather than listed in YAML (``lab/fleet.py``); not in ``scenarios()``,
    so the test session's world and the per-scenario tests stay small. Started by name only."""
    return [
        Scenario(
            name="fleet",
            title="Generated fleet: ~5,000 ServiceAccounts, ~2,000 pods, ~500 roles, planted breakage (for scan)",
            breaks=None,
            namespace=str(BASELINE["namespace"]),
            pod=str(BASELINE["pod"]["name"]),
            expect=Expect(verdict="ok", first_failure=None),
            world={"pod_identity": {"associations": []}},
            generator="fleet",
        )
    ]


def close_names(name: str) -> list[str]:
    names = [s.name for s in scenarios() + generated()]
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    return close or [n for n in names if name.split("-")[0] in n][:5]


def get(name: str) -> Scenario:
    for scn in scenarios() + generated():
        if scn.name == name:
            return scn
    hint = close_names(name)
    extra = f"; did you mean: {', '.join(hint)}" if hint else " (irsa-tui lab list shows them all)"
    raise KeyError(f"unknown lab scenario {name!r}{extra}")
