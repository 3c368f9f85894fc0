"""Link injection: one named change to healthy facts per case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from irsa_tui.chain.facts import (
    ClusterFacts,
    ContainerFacts,
    EnvVar,
    Facts,
    PodFacts,
    SourceError,
    TokenVolume,
    VolumeFacts,
    VolumeMount,
    WebhookFacts,
)
from irsa_tui.chain.links import injection
from irsa_tui.chain.model import Status
from tests.chain.builders import (
    ACCOUNT,
    NOW,
    NS,
    POD,
    REGION,
    ROLE_ARN,
    SA,
    TOKEN_PATH,
    app_container,
    healthy_facts,
    healthy_pod,
    healthy_sa,
    token_volume,
)

NEW_ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-api-v2"
TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
KUBE_API = VolumeMount("kube-api-access-abcde", "/var/run/secrets/kubernetes.io/serviceaccount", True)
BARE = ContainerFacts(name="app", image="registry.example.com/payments/api:1.4.2", mounts=(KUBE_API,))


def _pod(f: Facts) -> PodFacts:
    assert isinstance(f.pod, PodFacts)
    return f.pod


def _env(*pairs: tuple[str, str]) -> tuple[EnvVar, ...]:
    return tuple(EnvVar(k, v) for k, v in pairs)


def not_mutated(f: Facts) -> None:
    """The pod as created without the webhook: no env, no volume, no mount."""
    f.pod = healthy_pod(
        containers=(BARE,), volumes=(VolumeFacts(name="kube-api-access-abcde", kind="projected"),)
    )


def skip_label(f: Facts) -> None:
    not_mutated(f)
    f.pod = replace(_pod(f), labels={"app": "api", "eks.amazonaws.com/skip-pod-identity-webhook": "true"})


def created_before_annotation(f: Facts) -> None:
    not_mutated(f)
    f.service_account = healthy_sa(annotations_changed=NOW - timedelta(minutes=30))


def no_webhook(f: Facts) -> None:
    not_mutated(f)
    f.webhook = WebhookFacts(names=())


def webhook_forbidden(f: Facts) -> None:
    not_mutated(f)
    f.webhook = SourceError(
        "kubernetes",
        "forbidden",
        "LIST mutatingwebhookconfigurations: 403",
        permission="list mutatingwebhookconfigurations",
    )


def webhook_was_down(f: Facts) -> None:
    not_mutated(f)


def pod_identity_instead(f: Facts) -> None:
    container = replace(
        BARE,
        env=_env(
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
            ),
        ),
    )
    f.pod = healthy_pod(
        containers=(container,),
        volumes=(
            VolumeFacts(
                "eks-pod-identity-token", "projected", TokenVolume("pods.eks.amazonaws.com", 86400, "t")
            ),
        ),
    )


def sidecar(**changes: object) -> ContainerFacts:
    return app_container(name="log-shipper", **changes)


def skip_containers_names_app(f: Facts) -> None:
    f.pod = healthy_pod(
        annotations={"eks.amazonaws.com/skip-containers": "app"},
        containers=(replace(BARE, name="app"), sidecar()),
    )


def skip_containers_sidecar_only(f: Facts) -> None:
    """Skipping a sidecar on purpose is what the annotation is for: not a failure."""
    f.pod = healthy_pod(
        annotations={"eks.amazonaws.com/skip-containers": "log-shipper"},
        containers=(app_container(), replace(BARE, name="log-shipper")),
    )


def skip_containers_default_container(f: Facts) -> None:
    """kubectl's default-container annotation names the app even when it is not listed first."""
    f.pod = healthy_pod(
        annotations={
            "eks.amazonaws.com/skip-containers": "app",
            "kubectl.kubernetes.io/default-container": "app",
        },
        containers=(sidecar(), replace(BARE, name="app")),
    )


def skip_containers_csv_space(f: Facts) -> None:
    f.pod = healthy_pod(
        annotations={"eks.amazonaws.com/skip-containers": "istio-proxy, log-shipper"},
        containers=(app_container(), sidecar()),
    )


def old_role(f: Facts) -> None:
    f.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": NEW_ROLE}, annotations_changed=NOW - timedelta(minutes=10)
    )


def hand_set_wrong_role(f: Facts) -> None:
    env = _env(
        ("AWS_ROLE_ARN", NEW_ROLE),
        ("LOG_LEVEL", "info"),
        ("AWS_REGION", REGION),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_PATH),
    )
    f.pod = healthy_pod(containers=(app_container(env=env),))


def hand_set_same_role(f: Facts) -> None:
    env = _env(
        ("AWS_ROLE_ARN", ROLE_ARN),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_PATH),
        ("LOG_LEVEL", "info"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
        ("AWS_REGION", REGION),
    )
    f.pod = healthy_pod(containers=(app_container(env=env),))


def hand_set_role_only(f: Facts) -> None:
    env = _env(("AWS_REGION", REGION), ("AWS_ROLE_ARN", ROLE_ARN))
    f.pod = healthy_pod(containers=(app_container(env=env),))


def hand_set_token_path(f: Facts) -> None:
    env = _env(
        ("AWS_REGION", REGION), ("AWS_ROLE_ARN", ROLE_ARN), ("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/token")
    )
    f.pod = healthy_pod(containers=(app_container(env=env),))


def static_keys(f: Facts) -> None:
    c = app_container()
    extra = (
        EnvVar("AWS_ACCESS_KEY_ID", None, "secretKeyRef legacy-aws/id"),
        EnvVar("AWS_SECRET_ACCESS_KEY", None, "secretKeyRef legacy-aws/secret"),
    )
    f.pod = healthy_pod(containers=(replace(c, env=extra + c.env),))


def aws_profile(f: Facts) -> None:
    c = app_container()
    f.pod = healthy_pod(containers=(replace(c, env=(EnvVar("AWS_PROFILE", "legacy"), *c.env)),))


def short_volume_lifetime(f: Facts) -> None:
    vol = token_volume(token=TokenVolume(audience="sts.amazonaws.com", expiration_seconds=300, path="token"))
    f.pod = replace(_pod(f), volumes=(vol,))


def non_root_old_cluster(f: Facts) -> None:
    f.pod = healthy_pod(containers=(app_container(run_as_user=1000),))
    assert isinstance(f.cluster, ClusterFacts)
    f.cluster = replace(f.cluster, version="1.18")


def no_region(f: Facts) -> None:
    env = tuple(v for v in app_container().env if v.name not in ("AWS_REGION", "AWS_DEFAULT_REGION"))
    f.pod = healthy_pod(containers=(app_container(env=env),))


def other_region(f: Facts) -> None:
    env = tuple(EnvVar(v.name, "us-east-1") if v.name == "AWS_REGION" else v for v in app_container().env)
    f.pod = healthy_pod(containers=(app_container(env=env),))


def webhook_gone_since(f: Facts) -> None:
    f.webhook = WebhookFacts(names=())


def mount_missing(f: Facts) -> None:
    f.pod = healthy_pod(containers=(app_container(mounts=(KUBE_API,)),))


def token_volume_host_path(f: Facts) -> None:
    vol = VolumeFacts(name="aws-iam-token", kind="hostPath", detail="/etc/aws/token")
    f.pod = replace(_pod(f), volumes=(vol,))


def secret_mounted_at_token_dir(f: Facts) -> None:
    c = app_container()
    f.pod = healthy_pod(
        containers=(replace(c, mounts=(*c.mounts, VolumeMount("aws-creds", TOKEN_DIR, True))),),
    )


def sa_audience_changed(f: Facts) -> None:
    f.service_account = healthy_sa(
        annotations={"eks.amazonaws.com/role-arn": ROLE_ARN, "eks.amazonaws.com/audience": "vault"}
    )


def one_container_not_mutated(f: Facts) -> None:
    f.pod = healthy_pod(containers=(app_container(), replace(BARE, name="log-shipper")))


def host_network(f: Facts) -> None:
    f.pod = replace(_pod(f), host_network=True)


def fargate_node(f: Facts) -> None:
    f.pod = replace(_pod(f), fargate=True, node_name="fargate-ip-10-0-1-2.eu-west-1.compute.internal")


def fargate_not_mutated(f: Facts) -> None:
    skip_label(f)
    f.pod = replace(_pod(f), fargate=True)


CASES = [
    pytest.param(host_network, Status.PASS, "INJ-002", id="host-network-note.pass"),
    pytest.param(fargate_node, Status.PASS, "INJ-003", id="fargate-note.pass"),
    pytest.param(fargate_not_mutated, Status.FAIL, "INJ-003", id="fargate-note-kept-on-failure.fail"),
    pytest.param(skip_label, Status.FAIL, "INJ-201", id="skip-pod-label.fail"),
    pytest.param(created_before_annotation, Status.FAIL, "INJ-202", id="pod-older-than-annotation.fail"),
    pytest.param(no_webhook, Status.FAIL, "INJ-203", id="no-webhook.fail"),
    pytest.param(webhook_forbidden, Status.FAIL, "INJ-101", id="webhook-unreadable-not-mutated.fail"),
    pytest.param(webhook_was_down, Status.FAIL, "INJ-204", id="webhook-present-not-mutated.fail"),
    pytest.param(pod_identity_instead, Status.WARN, "INJ-106", id="pod-identity-instead.warn"),
    pytest.param(skip_containers_names_app, Status.FAIL, "INJ-205", id="skip-containers-app.fail"),
    pytest.param(skip_containers_csv_space, Status.WARN, "INJ-103", id="skip-containers-csv-space.warn"),
    pytest.param(skip_containers_sidecar_only, Status.PASS, "INJ-001", id="skip-containers-sidecar.pass"),
    pytest.param(
        skip_containers_default_container, Status.FAIL, "INJ-205", id="skip-containers-default-container.fail"
    ),
    pytest.param(old_role, Status.FAIL, "INJ-206", id="old-role-after-annotation-change.fail"),
    pytest.param(hand_set_wrong_role, Status.FAIL, "INJ-207", id="hand-set-other-role.fail"),
    pytest.param(hand_set_same_role, Status.WARN, "INJ-102", id="hand-set-same-role.warn"),
    pytest.param(hand_set_role_only, Status.FAIL, "INJ-207", id="hand-set-role-only.fail"),
    pytest.param(hand_set_token_path, Status.FAIL, "INJ-207", id="hand-set-token-path.fail"),
    pytest.param(static_keys, Status.FAIL, "INJ-212", id="static-keys-in-app.fail"),
    pytest.param(aws_profile, Status.WARN, "INJ-112", id="aws-profile.warn"),
    pytest.param(short_volume_lifetime, Status.WARN, "INJ-107", id="volume-lifetime-300.warn"),
    pytest.param(non_root_old_cluster, Status.WARN, "INJ-108", id="non-root-k8s-1.18.warn"),
    pytest.param(no_region, Status.WARN, "INJ-109", id="no-region.warn"),
    pytest.param(other_region, Status.WARN, "INJ-110", id="other-region.warn"),
    pytest.param(webhook_gone_since, Status.WARN, "INJ-111", id="webhook-gone-since.warn"),
    pytest.param(mount_missing, Status.FAIL, "INJ-208", id="mount-missing.fail"),
    pytest.param(token_volume_host_path, Status.FAIL, "INJ-209", id="token-volume-hostpath.fail"),
    pytest.param(secret_mounted_at_token_dir, Status.FAIL, "INJ-209", id="other-volume-at-token-dir.fail"),
    pytest.param(sa_audience_changed, Status.FAIL, "INJ-210", id="volume-audience-differs.fail"),
    pytest.param(one_container_not_mutated, Status.FAIL, "INJ-211", id="one-container-not-mutated.fail"),
]


def test_healthy_facts_pass() -> None:
    result = injection.check(healthy_facts(), {})
    assert result.status is Status.PASS
    assert [f.code for f in result.findings] == ["INJ-001"]
    assert result.summary.startswith("the container: AWS_ROLE_ARN")  # not "all 1 containers"
    ev = {e.key: e for e in result.evidence}
    assert ev["aws-role-arn/app"].actual == ROLE_ARN and ev["aws-role-arn/app"].ok is True
    assert ev["token-file/app"].ok and ev["token-mount/app"].ok and ev["token-volume"].ok and ev["webhook"].ok


@pytest.mark.parametrize(("change", "status", "code"), CASES)
def test_cases(change: Callable[[Facts], None], status: Status, code: str) -> None:
    facts = healthy_facts()
    change(facts)
    result = injection.check(facts, {})
    assert result.status is status, result.summary
    codes = [f.code for f in result.findings]
    assert code in codes
    if status is Status.FAIL:
        assert "INJ-001" not in codes


def test_not_mutated_reasons_first_match_wins() -> None:
    """The skip label beats the timing, which beats the webhook explanation."""
    facts = healthy_facts()
    skip_label(facts)
    facts.service_account = healthy_sa(annotations_changed=NOW - timedelta(minutes=30))
    facts.webhook = WebhookFacts(names=())
    assert [f.code for f in injection.check(facts, {}).findings] == ["INJ-201"]
    facts.pod = replace(_pod(facts), labels={"app": "api"})
    assert [f.code for f in injection.check(facts, {}).findings] == ["INJ-202"]


def test_pod_older_than_annotation_names_both_times_and_the_rollout() -> None:
    facts = healthy_facts()
    created_before_annotation(facts)
    result = injection.check(facts, {})
    assert (NOW - timedelta(hours=2)).isoformat() in result.summary
    assert (NOW - timedelta(minutes=30)).isoformat() in result.summary
    assert result.fix == f"kubectl -n {NS} rollout restart deployment/api"


def test_not_mutated_without_owner_deletes_the_pod() -> None:
    facts = healthy_facts()
    webhook_was_down(facts)
    facts.pod = replace(_pod(facts), owner=None)
    result = injection.check(facts, {})
    assert result.fix is not None and result.fix.startswith(f"kubectl -n {NS} delete pod {POD}")
    assert "failurePolicy Ignore" in result.explanation


def test_no_webhook_explains_self_managed() -> None:
    facts = healthy_facts()
    no_webhook(facts)
    result = injection.check(facts, {})
    assert "self-managed" in result.summary
    assert "amazon-eks-pod-identity-webhook" in result.explanation


def test_unreadable_webhook_is_a_warning_not_an_error() -> None:
    facts = healthy_facts()
    webhook_forbidden(facts)
    result = injection.check(facts, {})
    assert [f.code for f in result.findings] == ["INJ-204", "INJ-101"]
    assert "list mutatingwebhookconfigurations" in result.findings[1].message


def test_old_role_names_both_roles() -> None:
    facts = healthy_facts()
    old_role(facts)
    result = injection.check(facts, {})
    assert (
        result.summary
        == f"container app still uses the old role {ROLE_ARN}; ServiceAccount {SA} now names {NEW_ROLE}"
    )
    assert result.fix == f"kubectl -n {NS} rollout restart deployment/api"
    assert {e.key: e.ok for e in result.evidence}["aws-role-arn/app"] is False


def test_hand_set_role_says_what_the_sa_names() -> None:
    facts = healthy_facts()
    hand_set_wrong_role(facts)
    result = injection.check(facts, {})
    assert NEW_ROLE in result.summary and f"the ServiceAccount names {ROLE_ARN}" in result.summary
    facts = healthy_facts()
    hand_set_role_only(facts)
    assert "AWS_WEB_IDENTITY_TOKEN_FILE is missing" in injection.check(facts, {}).summary


def test_skip_containers_fails_only_for_the_listed_container() -> None:
    facts = healthy_facts()
    skip_containers_names_app(facts)
    result = injection.check(facts, {})
    assert [f.code for f in result.findings] == ["INJ-205"]
    assert "container app is listed" in result.summary
    assert {e.key: e.ok for e in result.evidence}["token-mount/log-shipper"] is True


def test_csv_trap_explains_the_leading_space() -> None:
    facts = healthy_facts()
    skip_containers_csv_space(facts)
    result = injection.check(facts, {})
    trap = next(f for f in result.findings if f.code == "INJ-103")
    assert "' log-shipper'" in trap.message and "container log-shipper IS mutated" in trap.message
    assert trap.fix is not None and 'skip-containers: "istio-proxy,log-shipper"' in trap.fix


def test_parse_skip_containers_keeps_spaces_like_go() -> None:
    assert injection.parse_skip_containers("a, b") == ["a", " b"]
    assert injection.parse_skip_containers("a,b\nc") == ["a", "b"]
    assert injection.parse_skip_containers('a,"b') == []  # parse error: skip nothing
    assert injection.parse_skip_containers(None) == []


def test_static_keys_from_secret_name_the_secret_and_precedence() -> None:
    facts = healthy_facts()
    static_keys(facts)
    result = injection.check(facts, {})
    assert "secretKeyRef legacy-aws/secret" in result.summary
    assert "environment access keys come before web identity" in result.explanation


def test_envfrom_secret_is_noted_not_judged() -> None:
    facts = healthy_facts()
    facts.pod = healthy_pod(containers=(app_container(env_from=("secret/app-env",)),))
    result = injection.check(facts, {})
    assert result.status is Status.PASS
    assert {e.key: e.actual for e in result.evidence}["env-from/app"] == "secret/app-env"


def test_hostpath_token_volume_names_the_type() -> None:
    facts = healthy_facts()
    token_volume_host_path(facts)
    result = injection.check(facts, {})
    assert "hostPath /etc/aws/token" in result.summary


def test_audience_mismatch_names_both_audiences() -> None:
    facts = healthy_facts()
    sa_audience_changed(facts)
    result = injection.check(facts, {})
    assert result.summary == "token volume aws-iam-token has audience sts.amazonaws.com, expected vault"


def test_non_root_on_modern_cluster_is_fine() -> None:
    facts = healthy_facts()
    facts.pod = healthy_pod(containers=(app_container(run_as_user=1000),))
    result = injection.check(facts, {})
    assert result.status is Status.PASS
    assert {e.key: e.ok for e in result.evidence}["token-readable"] is True
    facts.pod = healthy_pod(containers=(app_container(run_as_user=1000),), fs_group=2000)
    assert "token-readable" not in {e.key for e in injection.check(facts, {}).evidence}


def test_region_mismatch_names_both_regions() -> None:
    facts = healthy_facts()
    other_region(facts)
    assert "AWS_REGION=us-east-1, the cluster is in eu-west-1" in injection.check(facts, {}).summary


def test_windows_pod_uses_windows_token_path() -> None:
    facts = healthy_facts()
    c = app_container()
    env = tuple(
        EnvVar(v.name, injection.WINDOWS_TOKEN_PATH) if v.name == "AWS_WEB_IDENTITY_TOKEN_FILE" else v
        for v in c.env
    )
    facts.pod = healthy_pod(containers=(replace(c, env=env),), node_selector={"kubernetes.io/os": "windows"})
    assert injection.check(facts, {}).status is Status.PASS
    facts.pod = replace(_pod(facts), node_selector={})
    assert injection.check(facts, {}).status is Status.FAIL  # Linux pod with the Windows path


def test_fargate_and_host_network_are_notes() -> None:
    facts = healthy_facts()
    facts.pod = healthy_pod(fargate=True)
    result = injection.check(facts, {})
    assert result.status is Status.PASS and "no IMDS" in str(
        {e.key: e.actual for e in result.evidence}["network"]
    )
    facts.pod = healthy_pod(host_network=True)
    result = injection.check(facts, {})
    assert result.status is Status.PASS and "hostNetwork" in str(
        {e.key: e.actual for e in result.evidence}["network"]
    )


def no_role_anywhere(f: Facts) -> None:
    not_mutated(f)
    f.service_account = healthy_sa(annotations={})


def sa_unknown_not_mutated(f: Facts) -> None:
    not_mutated(f)
    f.service_account = SourceError("kubernetes", "timeout", "GET serviceaccount: timeout")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        pytest.param(
            no_role_anywhere,
            Status.SKIP,
            id="no-role-anywhere.skip",
        ),
        pytest.param(
            lambda f: setattr(
                f, "pod", SourceError("kubernetes", "forbidden", "GET pod: 403", permission="get pods")
            ),
            Status.ERROR,
            id="pod-forbidden.error",
        ),
        pytest.param(
            sa_unknown_not_mutated,
            Status.ERROR,
            id="sa-unknown-no-env.error",
        ),
        pytest.param(
            lambda f: setattr(
                f, "service_account", SourceError("kubernetes", "timeout", "GET serviceaccount: timeout")
            ),
            Status.PASS,
            id="sa-unknown-env-present.pass",
        ),
    ],
)
def test_skip_and_error(change: Callable[[Facts], object], status: Status) -> None:
    facts = healthy_facts()
    change(facts)
    result = injection.check(facts, {})
    assert result.status is status, result.summary


def test_no_role_skip_reason() -> None:
    facts = healthy_facts()
    not_mutated(facts)
    facts.service_account = healthy_sa(annotations={})
    assert injection.check(facts, {}).summary == "no role to inject: service-account has none"


@pytest.mark.parametrize(
    ("flag", "volume_aud", "annotation", "status"),
    [
        pytest.param("amazonaws.com", "amazonaws.com", None, Status.PASS, id="kops-flag-matches.pass"),
        pytest.param(None, "amazonaws.com", None, Status.PASS, id="no-flag-no-annotation-judged-later.pass"),
        pytest.param("amazonaws.com", "sts.amazonaws.com", None, Status.FAIL, id="volume-not-what-webhook-sets.fail"),
        pytest.param("amazonaws.com", "amazonaws.com", "sts.amazonaws.com", Status.FAIL, id="annotation-wins.fail"),
    ],
)
def test_audience_is_what_the_webhook_injects_not_the_eks_default(
    flag: str | None, volume_aud: str, annotation: str | None, status: Status
) -> None:
    facts = healthy_facts()
    vol = token_volume(token=TokenVolume(audience=volume_aud, expiration_seconds=86400, path="token"))
    facts.pod = healthy_pod(volumes=(vol,))
    flags = {"token-audience": flag} if flag else {}
    facts.webhook = WebhookFacts(names=("pod-identity-webhook/pod-identity-webhook.amazonaws.com",),
                                 service="default/pod-identity-webhook", flags=flags)
    if annotation:
        facts.service_account = healthy_sa(annotations={"eks.amazonaws.com/role-arn": ROLE_ARN,
                                                        "eks.amazonaws.com/audience": annotation})
    result = injection.check(facts, {})
    assert result.status is status, result.summary
    if status is Status.FAIL:
        assert result.findings[0].code == "INJ-210"
    assert "self-managed, Deployment default/pod-identity-webhook" in result.evidence[0].actual  # type: ignore[operator]
