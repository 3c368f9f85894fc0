"""Link oidc-provider: one named change to healthy facts per case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from irsa_tui.chain.facts import ClusterFacts, Facts, IssuerFacts, OidcProviderFacts, RoleFacts, SourceError
from irsa_tui.chain.links import oidc_provider
from irsa_tui.chain.model import Status
from tests.chain.builders import (
    ACCOUNT,
    CLUSTER,
    ISSUER,
    ISSUER_HP,
    PROVIDER_ARN,
    REGION,
    THUMBPRINT,
    healthy_facts,
    healthy_token,
)

OLD_ID = "0123456789ABCDEF0123456789ABCDEF"
OLD_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/{OLD_ID}"
OTHER_ACCOUNT = "444455556666"


def _provider(f: Facts, **changes: object) -> None:
    assert isinstance(f.provider, OidcProviderFacts)
    f.provider = replace(f.provider, **changes)  # type: ignore[arg-type]


def _issuer(f: Facts, **changes: object) -> None:
    assert isinstance(f.issuer, IssuerFacts)
    f.issuer = replace(f.issuer, **changes)  # type: ignore[arg-type]


def no_provider(f: Facts) -> None:
    _provider(f, providers=(), arn=None, client_ids=(), thumbprints=())


def old_cluster_provider(f: Facts) -> None:
    _provider(f, providers=(OLD_PROVIDER,), arn=None, client_ids=(), thumbprints=())


OTHER_CLUSTERS = tuple(
    f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/{i:032X}" for i in range(1, 4)
)


def other_live_clusters_only(f: Facts) -> None:
    """A multi-cluster account: providers for other clusters, none trusted by this role."""
    _provider(f, providers=OTHER_CLUSTERS, arn=None, client_ids=(), thumbprints=())


def old_cluster_still_trusted(f: Facts) -> None:
    """Cluster re-created: the role's trust policy still names the old cluster's provider."""
    _provider(f, providers=(*OTHER_CLUSTERS, OLD_PROVIDER), arn=None, client_ids=(), thumbprints=())
    assert isinstance(f.role, RoleFacts)
    f.role = replace(f.role, trust_policy=f.role.trust_policy.replace(PROVIDER_ARN, OLD_PROVIDER))


def trailing_slash_provider(f: Facts) -> None:
    _provider(f, providers=(PROVIDER_ARN + "/",), arn=None)


def lower_case_provider(f: Facts) -> None:
    _provider(f, providers=(PROVIDER_ARN.lower(),), arn=None)


def cross_account(f: Facts) -> None:
    assert isinstance(f.role, RoleFacts)
    f.role = replace(f.role, account=OTHER_ACCOUNT, arn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/payments-api")
    _provider(f, account=OTHER_ACCOUNT, providers=(), arn=None)


def cross_account_cluster_unreadable(f: Facts) -> None:
    """The caller cannot read the cluster (another account); its ARN in the kubeconfig names the account."""
    f.cluster = SourceError("eks", "not-found", "No cluster found for name: payments.")
    f.cluster_account = OTHER_ACCOUNT
    _provider(f, providers=(), arn=None)


def wrong_client_id(f: Facts) -> None:
    _provider(f, client_ids=("sts.amazonaws.com.cn", "pods.eks.amazonaws.com"))


def custom_audience_token(f: Facts) -> None:
    f.token = healthy_token(claims={**healthy_token().claims, "aud": ["vault"]})


def jwks_404(f: Facts) -> None:
    _issuer(f, jwks=SourceError("oidc-issuer", "not-found", f"GET {ISSUER}/keys: 404 Not Found", status=404))


def discovery_5xx(f: Facts) -> None:
    _issuer(f, discovery=SourceError("oidc-issuer", "server-error", "GET discovery: 503", status=503))


def jwks_timeout(f: Facts) -> None:
    _issuer(f, jwks=SourceError("oidc-issuer", "timeout", f"GET {ISSUER}/keys: no answer in 5s"))


def discovery_other_issuer(f: Facts) -> None:
    _issuer(f, discovery={"issuer": "https://kubernetes.default.svc", "jwks_uri": ISSUER + "/keys"})


def kid_not_in_jwks(f: Facts) -> None:
    _issuer(f, signature="no-key")


def signature_invalid(f: Facts) -> None:
    _issuer(f, signature="invalid", signature_detail="RS256 verification failed")


def stale_thumbprint(f: Facts) -> None:
    _provider(f, thumbprints=("0" * 40,))


def six_thumbprints(f: Facts) -> None:
    _provider(f, thumbprints=(*(f"{i:040x}" for i in range(5)), THUMBPRINT))


def predicted_token(f: Facts) -> None:
    f.token = healthy_token(origin="predicted")
    _issuer(f, signature="unchecked")


CASES = [
    pytest.param(no_provider, Status.FAIL, "OIDC-201", id="no-provider.fail"),
    pytest.param(old_cluster_provider, Status.FAIL, "OIDC-203", id="provider-for-old-cluster.fail"),
    pytest.param(other_live_clusters_only, Status.FAIL, "OIDC-201", id="other-clusters-providers.fail"),
    pytest.param(old_cluster_still_trusted, Status.FAIL, "OIDC-203", id="old-provider-still-trusted.fail"),
    pytest.param(trailing_slash_provider, Status.FAIL, "OIDC-202", id="provider-trailing-slash.fail"),
    pytest.param(lower_case_provider, Status.FAIL, "OIDC-202", id="provider-lower-case.fail"),
    pytest.param(cross_account, Status.FAIL, "OIDC-204", id="cross-account-no-provider.fail"),
    pytest.param(
        cross_account_cluster_unreadable, Status.FAIL, "OIDC-204", id="cluster-in-kubeconfig-account.fail"
    ),
    pytest.param(wrong_client_id, Status.FAIL, "OIDC-205", id="client-id-missing.fail"),
    pytest.param(custom_audience_token, Status.FAIL, "OIDC-205", id="token-aud-not-client-id.fail"),
    pytest.param(jwks_404, Status.FAIL, "OIDC-206", id="jwks-404.fail"),
    pytest.param(discovery_5xx, Status.FAIL, "OIDC-206", id="discovery-503.fail"),
    pytest.param(discovery_other_issuer, Status.FAIL, "OIDC-207", id="discovery-issuer-differs.fail"),
    pytest.param(kid_not_in_jwks, Status.FAIL, "OIDC-208", id="kid-not-in-jwks.fail"),
    pytest.param(signature_invalid, Status.FAIL, "OIDC-209", id="signature-invalid.fail"),
    pytest.param(stale_thumbprint, Status.WARN, "OIDC-101", id="stale-thumbprint.warn"),
    pytest.param(six_thumbprints, Status.FAIL, "OIDC-210", id="six-thumbprints.fail"),
    pytest.param(predicted_token, Status.PASS, "OIDC-002", id="predicted-token.pass"),
]


def test_healthy_facts_pass() -> None:
    result = oidc_provider.check(healthy_facts(), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["OIDC-001"]
    assert PROVIDER_ARN in result.summary and "sts.amazonaws.com" in result.summary
    assert {e.key: e.ok for e in result.evidence}["provider-client-ids"] is True


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = oidc_provider.check(facts, {})
    assert result.status is status, result.summary
    assert code in [f.code for f in result.findings]


def test_no_provider_names_sts_error_and_both_fixes() -> None:
    facts = healthy_facts()
    no_provider(facts)
    result = oidc_provider.check(facts, {})
    assert f"No OpenIDConnect provider found in your account for {ISSUER}" in result.summary
    assert result.fix is not None
    assert (
        f"eksctl utils associate-iam-oidc-provider --cluster {CLUSTER} --region {REGION} --approve"
        in result.fix
    )
    assert (
        f"aws iam create-open-id-connect-provider --url {ISSUER} --client-id-list sts.amazonaws.com"
        in result.fix
    )


def test_old_cluster_provider_is_named() -> None:
    facts = healthy_facts()
    old_cluster_provider(facts)
    result = oidc_provider.check(facts, {})
    assert OLD_ID in result.summary and ISSUER in result.summary


def test_near_miss_says_what_differs() -> None:
    facts = healthy_facts()
    trailing_slash_provider(facts)
    assert "trailing slash" in oidc_provider.check(facts, {}).summary
    facts = healthy_facts()
    lower_case_provider(facts)
    assert "letter case" in oidc_provider.check(facts, {}).summary


def test_cross_account_says_provider_belongs_in_role_account() -> None:
    facts = healthy_facts()
    cross_account(facts)
    result = oidc_provider.check(facts, {})
    assert OTHER_ACCOUNT in result.summary and ACCOUNT in result.summary
    assert "role's account" in result.summary


def test_client_id_fix_adds_the_token_audience() -> None:
    facts = healthy_facts()
    custom_audience_token(facts)
    result = oidc_provider.check(facts, {})
    assert "Incorrect token audience" in result.summary
    assert result.fix == (
        f"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {PROVIDER_ARN} "
        "--client-id vault"
    )


def test_jwks_404_quotes_the_sts_error() -> None:
    facts = healthy_facts()
    jwks_404(facts)
    result = oidc_provider.check(facts, {})
    assert "Couldn't retrieve verification key" in result.summary
    assert {e.key: e.ok for e in result.evidence}["issuer-jwks"] is False


def test_stale_thumbprint_fix_uses_computed_thumbprint() -> None:
    facts = healthy_facts()
    stale_thumbprint(facts)
    result = oidc_provider.check(facts, {})
    assert result.fix is not None and f"--thumbprint-list {THUMBPRINT}" in result.fix
    assert "2023" in result.explanation


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param(jwks_timeout, Status.ERROR, id="jwks-timeout-ours.error"),
        pytest.param(
            lambda f: setattr(
                f,
                "provider",
                SourceError(
                    "iam",
                    "forbidden",
                    "ListOpenIDConnectProviders: 403",
                    permission="iam:ListOpenIDConnectProviders",
                ),
            ),
            Status.ERROR,
            id="provider-forbidden.error",
        ),
        pytest.param(
            lambda f: (setattr(f, "provider", None), f.gaps.update(provider="no AWS credentials")),
            Status.SKIP,
            id="provider-not-gathered.skip",
        ),
        pytest.param(
            lambda f: (setattr(f, "cluster", None), setattr(f, "token", None)),
            Status.SKIP,
            id="no-issuer.skip",
        ),
    ],
)
def test_error_and_skip(change: Callable[[Facts], object], status: Status) -> None:
    facts = healthy_facts()
    change(facts)
    result = oidc_provider.check(facts, {})
    assert result.status is status, result.summary


def test_forbidden_names_the_permission() -> None:
    facts = healthy_facts(
        provider=SourceError(
            "iam", "forbidden", "GetOpenIDConnectProvider: 403", permission="iam:GetOpenIDConnectProvider"
        )
    )
    result = oidc_provider.check(facts, {})
    assert "iam:GetOpenIDConnectProvider" in result.summary


def test_issuer_from_token_when_cluster_unknown() -> None:
    facts = healthy_facts(
        cluster=SourceError("eks", "forbidden", "DescribeCluster: 403", permission="eks:DescribeCluster")
    )
    result = oidc_provider.check(facts, {})
    # The provider checks hold for the token's issuer, but the skipped comparison is said out loud.
    assert result.status is Status.WARN
    assert [f.code for f in result.findings if f.status is Status.WARN] == ["OIDC-102"]
    assert "eks:DescribeCluster" in result.summary
    issuer_ev = {e.key: e for e in result.evidence}["issuer"]
    assert issuer_ev.actual == ISSUER and "token" in issuer_ev.label


def test_skip_reason_comes_from_gaps() -> None:
    facts = healthy_facts(provider=None)
    facts.gaps["provider"] = "--no-aws given"
    assert oidc_provider.check(facts, {}).summary == "--no-aws given"


def test_issuer_fault_judgement() -> None:
    assert oidc_provider.issuer_fault(SourceError("oidc-issuer", "not-found", "404"))
    assert oidc_provider.issuer_fault(SourceError("oidc-issuer", "bad-response", "not JSON"))
    assert not oidc_provider.issuer_fault(SourceError("oidc-issuer", "timeout", "5s"))
    assert not oidc_provider.issuer_fault(SourceError("oidc-issuer", "unreachable", "DNS"))


def test_uses_cluster_issuer_for_matching() -> None:
    facts = healthy_facts()
    assert isinstance(facts.cluster, ClusterFacts)
    assert ISSUER_HP in oidc_provider.check(facts, {}).summary


def test_other_clusters_are_not_called_old_unless_the_role_trusts_one() -> None:
    facts = healthy_facts()
    other_live_clusters_only(facts)
    result = oidc_provider.check(facts, {})
    assert [f.code for f in result.findings] == ["OIDC-201"]
    assert OTHER_CLUSTERS[0] in {e.key: e.actual for e in result.evidence}["providers-in-account"]
    facts = healthy_facts()
    old_cluster_still_trusted(facts)
    result = oidc_provider.check(facts, {})
    assert [f.code for f in result.findings] == ["OIDC-203"]
    assert OLD_ID in result.summary and OTHER_CLUSTERS[0] not in result.summary


def test_unreadable_cluster_is_named_when_the_token_issuer_stands_in() -> None:
    from irsa_tui.chain.facts import SourceError

    facts = healthy_facts()
    facts.cluster = SourceError(
        "eks", "not-found", "eks DescribeCluster nope: ResourceNotFoundException: No cluster found"
    )
    facts.cluster_name = "nope"
    result = oidc_provider.check(facts, {})
    assert result.status is Status.WARN
    assert [f.code for f in result.findings if f.status is Status.WARN] == ["OIDC-102"]
    assert "nope" in result.summary and "token's issuer" in result.summary
    assert "aws eks describe-cluster --name nope" in (result.fix or "")
