"""Link ``oidc-provider``: IAM trusts the cluster's OIDC issuer, and the issuer serves the token's key.

Three questions, in STS's own order: does the role's account have an IAM OIDC provider
whose URL is the token's issuer; does its client ID list hold the token's audience; can
the issuer's discovery document and JWKS verify the token's signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from irsa_tui.chain import arn
from irsa_tui.chain.facts import (
    DEFAULT_AUDIENCE,
    ClusterFacts,
    Facts,
    IssuerFacts,
    OidcProviderFacts,
    PodFacts,
    RoleFacts,
    SourceError,
    TokenFacts,
)
from irsa_tui.chain.links import _common
from irsa_tui.chain.model import Evidence, Finding, LinkId, LinkResult, Status
from irsa_tui.chain.spec import LinkSpec

__all__ = ["LINK", "NEEDS", "SPEC", "check", "issuer_fault"]

LINK = LinkId.OIDC_PROVIDER
NEEDS: tuple[str, ...] = ("cluster", "token", "provider", "issuer", "role")

MAX_THUMBPRINTS = 5
# Faults of the issuer itself (STS would hit them too); anything else is our network/side.
_ISSUER_FAULTS = frozenset({"not-found", "server-error", "bad-response"})


def issuer_fault(error: SourceError) -> bool:
    """True when a failed discovery/JWKS fetch is the issuer's fault (STS would fail too).

    404, 5xx and malformed bodies come from the issuer. Timeouts, unreachable hosts and TLS
    failures may be our own network or proxy, so they make the link ``error``, not ``fail``.
    """
    return error.kind in _ISSUER_FAULTS


def _token_audiences(facts: Facts) -> tuple[list[str], str]:
    if isinstance(facts.token, TokenFacts):
        aud = facts.token.claims.get("aud")
        if isinstance(aud, str) and aud:
            return [aud], "token aud"
        if isinstance(aud, list) and aud:
            return [str(a) for a in aud], "token aud"
    return [DEFAULT_AUDIENCE], "default audience (no token)"


def _issuer(facts: Facts) -> tuple[str | None, str]:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.issuer:
        return facts.cluster.issuer, "EKS DescribeCluster"
    if isinstance(facts.token, TokenFacts):
        iss = facts.token.claims.get("iss")
        if isinstance(iss, str) and iss:
            return iss, "token iss claim"
    return None, ""


def _provider_host_path(provider_arn: str) -> str:
    _, _, resource = provider_arn.partition(":oidc-provider/")
    return resource or provider_arn


def _near_miss(issuer_hp: str, candidate_hp: str) -> str | None:
    """How a provider URL differs from the issuer when only trivially (scheme, slash, case)."""
    differences = []
    cand = candidate_hp
    for scheme in ("https://", "http://"):
        if cand.lower().startswith(scheme):
            differences.append(f"a '{cand[: len(scheme)]}' prefix")
            cand = cand[len(scheme) :]
            break
    if cand.endswith("/"):
        differences.append("a trailing slash")
        cand = cand.rstrip("/")
    if cand != issuer_hp and cand.lower() == issuer_hp.lower():
        differences.append("letter case")
        cand = issuer_hp
    if cand == issuer_hp and differences:
        return " and ".join(differences)
    return None


def _other_cluster(issuer_hp: str, candidates: list[str]) -> list[str]:
    """Provider host/paths for another EKS cluster id on the same issuer host (an old cluster)."""
    host, sep, _ = issuer_hp.partition("/id/")
    if not sep:
        return []
    return [
        c
        for c in candidates
        if c.lower().startswith(host.lower() + "/id/") and c.lower() != issuer_hp.lower()
    ]


def _cluster_account(facts: Facts) -> str | None:
    if isinstance(facts.cluster, ClusterFacts) and facts.cluster.arn:
        parts = facts.cluster.arn.split(":")
        if len(parts) > 4 and parts[4]:
            return parts[4]
    if facts.cluster_account:
        return facts.cluster_account
    if facts.caller:
        parts = facts.caller.split(":")
        if len(parts) > 4 and parts[4]:
            return parts[4]
    return None


def _fix_args(facts: Facts, issuer: str, audience: str, account: str) -> dict[str, str]:
    cluster = (
        facts.cluster.name if isinstance(facts.cluster, ClusterFacts) else (facts.cluster_name or "<cluster-name>")
    )
    region = facts.cluster.region if isinstance(facts.cluster, ClusterFacts) else (facts.region or "<region>")
    pod = facts.pod.name if isinstance(facts.pod, PodFacts) else facts.pod_name
    return {
        "issuer": issuer,
        "audience": audience,
        "account": account,
        "cluster": cluster,
        "region": region,
        "namespace": facts.namespace,
        "pod": pod,
    }


def _missing_provider(
    facts: Facts, provider: OidcProviderFacts, issuer: str, args: dict[str, str]
) -> tuple[list[Finding], list[Evidence]]:
    issuer_hp = arn.issuer_host_path(issuer)
    candidates = [_provider_host_path(p) for p in provider.providers]
    evidence = [
        Evidence(
            "provider-arn",
            f"IAM OIDC provider in account {provider.account}",
            f"arn:…:oidc-provider/{issuer_hp}",
            None,
            False,
        ),
        Evidence(
            "providers-in-account",
            f"OIDC providers in account {provider.account}",
            None,
            ", ".join(provider.providers) or "(none)",
            None,
        ),
    ]
    for full, cand in zip(provider.providers, candidates, strict=True):
        difference = _near_miss(issuer_hp, cand)
        if difference:
            return [Finding("OIDC-202", {**args, "near_arn": full, "difference": difference})], evidence
    cluster_account = _cluster_account(facts)
    if cluster_account and cluster_account != provider.account:
        return [Finding("OIDC-204", {**args, "cluster_account": cluster_account})], evidence
    others = _other_cluster(issuer_hp, candidates)
    names = [p for p, c in zip(provider.providers, candidates, strict=True) if c in others]
    # Accounts with several clusters always hold providers for other issuer ids; only call one the
    # "old cluster" when the role still trusts it, or when it is the only other one.
    trusted = _trusted_by_role(facts, names)
    if trusted or len(names) == 1:
        return [Finding("OIDC-203", {**args, "near_arn": ", ".join((trusted or names)[:3])})], evidence
    return [Finding("OIDC-201", args)], evidence


def _trusted_by_role(facts: Facts, provider_arns: list[str]) -> list[str]:
    """The given provider ARNs that the role's trust policy names (Principal.Federated text)."""
    if not isinstance(facts.role, RoleFacts):
        return []
    text = facts.role.trust_policy.lower()
    return [p for p in provider_arns if p.lower() in text]


def _issuer_checks(
    issuer_facts: IssuerFacts, issuer: str, token: TokenFacts | None, args: dict[str, str]
) -> tuple[list[Finding], list[Evidence], SourceError | None, str | None]:
    """Discovery, JWKS and signature. Returns findings, evidence, an our-side error, and why unchecked."""
    findings: list[Finding] = []
    evidence: list[Evidence] = []
    ours: SourceError | None = None
    for what, value in (("discovery document", issuer_facts.discovery), ("JWKS", issuer_facts.jwks)):
        key = "issuer-discovery" if what.startswith("discovery") else "issuer-jwks"
        if isinstance(value, SourceError):
            evidence.append(
                Evidence(key, f"{what} of the issuer", "served over HTTPS", value.one_line(), False)
            )
            if issuer_fault(value):
                findings.append(Finding("OIDC-206", {**args, "what": what, "error": value.message}))
            elif ours is None:
                ours = value
        elif value is None:
            evidence.append(Evidence(key, f"{what} of the issuer", "served over HTTPS", "not fetched", None))
        else:
            evidence.append(Evidence(key, f"{what} of the issuer", "served over HTTPS", "served", True))
    discovery = issuer_facts.discovery
    if isinstance(discovery, Mapping):
        discovered = discovery.get("issuer")
        same = isinstance(discovered, str) and discovered.rstrip("/") == issuer.rstrip("/")
        evidence.append(
            Evidence("discovery-issuer", "issuer in the discovery document", issuer, str(discovered), same)
        )
        if not same:
            findings.append(Finding("OIDC-207", {**args, "discovered": str(discovered)}))
    kid = str(token.header.get("kid", "")) if token is not None else ""
    unchecked: str | None = None
    sig = issuer_facts.signature
    if sig == "valid":
        evidence.append(Evidence("token-signature", f"token signature (kid {kid})", "valid", "valid", True))
    elif sig == "no-key":
        evidence.append(
            Evidence("token-signature", "key for the token's kid in JWKS", kid, "no such key", False)
        )
        findings.append(Finding("OIDC-208", {**args, "kid": kid or "(none)"}))
    elif sig == "invalid":
        detail = issuer_facts.signature_detail or "signature mismatch"
        evidence.append(
            Evidence("token-signature", f"token signature (kid {kid})", "valid", "invalid", False)
        )
        findings.append(Finding("OIDC-209", {**args, "detail": detail}))
    else:
        if token is None:
            unchecked = "no token"
        elif token.origin == "predicted":
            unchecked = "token is predicted, not issued"
        else:
            unchecked = issuer_facts.signature_detail or "JWKS not available"
        evidence.append(
            Evidence("token-signature", "token signature", "valid", f"unchecked: {unchecked}", None)
        )
    return findings, evidence, ours, unchecked


def check(facts: Facts, prior: Mapping[LinkId, LinkResult]) -> LinkResult:
    issuer, issuer_origin = _issuer(facts)
    if issuer is None:
        # A predicted token has no iss of its own: DescribeCluster's failure is why the issuer is unknown.
        if isinstance(facts.cluster, SourceError) and (
            not isinstance(facts.token, TokenFacts) or facts.token.origin == "predicted"
        ):
            return _common.errored(LINK, facts.cluster)
        reason = (
            facts.gaps.get("cluster")
            or facts.gaps.get("token")
            or "issuer unknown: no cluster facts, no token"
        )
        return _common.skipped(LINK, reason)
    provider = facts.provider
    if provider is None:
        return _common.skipped(LINK, facts.gaps.get("provider", "IAM OIDC providers not read"))
    if isinstance(provider, SourceError):
        return _common.errored(LINK, provider)

    token = facts.token if isinstance(facts.token, TokenFacts) else None
    audiences, aud_origin = _token_audiences(facts)
    args = _fix_args(facts, issuer, audiences[0], provider.account)
    evidence: list[Evidence] = [Evidence("issuer", f"OIDC issuer (from {issuer_origin})", None, issuer, None)]
    if token is not None and isinstance(facts.cluster, ClusterFacts) and facts.cluster.issuer:
        iss = token.claims.get("iss")
        if iss != facts.cluster.issuer:
            evidence.append(Evidence("token-iss", "token iss claim", facts.cluster.issuer, str(iss), False))
    if isinstance(facts.role, RoleFacts) and facts.role.account != provider.account:
        evidence.append(
            Evidence(
                "provider-account",
                "account searched for the provider",
                facts.role.account,
                provider.account,
                False,
            )
        )
    details: dict[str, Any] = {
        "issuer": issuer,
        "issuer_origin": issuer_origin,
        "account": provider.account,
        "providers": list(provider.providers),
    }

    notes: list[Finding] = []
    if isinstance(facts.cluster, SourceError) and issuer_origin == "token iss claim":
        notes.append(Finding("OIDC-102", {**args, "issuer": issuer, "error": facts.cluster.one_line()}))
        evidence.append(
            Evidence("cluster", "EKS DescribeCluster", "the cluster's issuer", facts.cluster.one_line(), False)
        )

    if provider.arn is None:
        findings, more = _missing_provider(facts, provider, issuer, args)
        return _common.from_findings(LINK, findings + notes, evidence + more, details)

    args["provider_arn"] = provider.arn
    findings = list(notes)
    evidence.append(Evidence("provider-arn", "IAM OIDC provider", provider.arn, provider.arn, True))
    aud_ok = any(a in provider.client_ids for a in audiences)
    evidence.append(
        Evidence(
            "provider-client-ids",
            f"provider client IDs contain the {aud_origin}",
            ", ".join(audiences),
            ", ".join(provider.client_ids) or "(none)",
            aud_ok,
        )
    )
    if not aud_ok:
        findings.append(Finding("OIDC-205", {**args, "client_ids": ", ".join(provider.client_ids)}))

    ours: SourceError | None = None
    unchecked: str | None = "issuer not fetched"
    issuer_facts = facts.issuer
    if isinstance(issuer_facts, IssuerFacts):
        more_findings, more_evidence, ours, unchecked = _issuer_checks(issuer_facts, issuer, token, args)
        findings += more_findings
        evidence += more_evidence
        top = issuer_facts.top_ca_thumbprint
        if top:
            args["thumbprint"] = top
            thumbs = [t.lower() for t in provider.thumbprints]
            if len(thumbs) > MAX_THUMBPRINTS:
                findings.append(Finding("OIDC-210", {**args, "count": str(len(thumbs))}))
            match = top.lower() in thumbs
            evidence.append(
                Evidence(
                    "provider-thumbprints",
                    "provider thumbprints include the JWKS host's top CA",
                    top.lower(),
                    ", ".join(thumbs) or "(none)",
                    match,
                )
            )
            if not match:
                findings.append(Finding("OIDC-101", {**args, "thumbprints": ", ".join(thumbs) or "(none)"}))
    elif isinstance(issuer_facts, SourceError):
        evidence.append(
            Evidence("issuer-discovery", "OIDC issuer", "served over HTTPS", issuer_facts.one_line(), False)
        )
        if issuer_fault(issuer_facts):
            findings.append(
                Finding("OIDC-206", {**args, "what": "discovery document", "error": issuer_facts.message})
            )
        else:
            ours = issuer_facts
    else:
        unchecked = facts.gaps.get("issuer", "issuer not fetched")

    if any(f.status is Status.FAIL for f in findings):  # a fail beats "could not find out"
        return _common.from_findings(LINK, findings, evidence, details)
    if ours is not None:
        return _common.errored(LINK, ours, evidence)
    if unchecked is None:
        findings.append(Finding("OIDC-001", args))
    else:
        findings.append(Finding("OIDC-002", {**args, "reason": unchecked}))
    return _common.from_findings(LINK, findings, evidence, details)


SPEC = LinkSpec(
    id=LINK,
    title="OIDC provider",
    short="OIDC provider",
    needs=NEEDS,
    check=check,
    learn=(
        "IAM trusts that issuer only if the account has an IAM OIDC provider with exactly its URL and the audience."
    ),
    learn_what="IAM OIDC provider",
)
