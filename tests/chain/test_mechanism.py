"""Mechanism detection: what the pod really has decides; what is configured explains who wins and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from irsa_tui.chain.mechanism import AssociationInput, ContainerEnv, PodInput, detect_mechanism

ROLE = "arn:aws:iam::111122223333:role/payments-api"
PI_ROLE = "arn:aws:iam::111122223333:role/payments-api-pi"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
IRSA_ENV = {"AWS_ROLE_ARN": ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}
PI_ENV = {
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
}


def pod(*envs: dict[str, Any], days_old: float = 2, labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None, init: dict[str, Any] | None = None) -> PodInput:
    containers = [ContainerEnv(f"c{i}" if i else "app", env) for i, env in enumerate(envs)]
    if init is not None:
        containers.insert(0, ContainerEnv("init", init, init=True))
    return PodInput(
        namespace="payments", name="api-1", service_account="api", containers=tuple(containers),
        created=NOW - timedelta(days=days_old), labels=labels or {}, annotations=annotations or {},
    )


def assoc(days_old: float = 30, sa: str = "api", ns: str = "payments") -> AssociationInput:
    return AssociationInput(ns, sa, "a-abcdefghijklmnopq", PI_ROLE, created=NOW - timedelta(days=days_old))


# (case, pod, SA role annotation, associations, mechanism, configured, injected, fragment of the first reason)
CASES: list[tuple[str, PodInput, str | None, list[AssociationInput], str, tuple[str, ...], str, str]] = [
    ("irsa", pod(IRSA_ENV), ROLE, [], "irsa", ("irsa",), "irsa", "webhook injected the role annotation"),
    ("pod-identity", pod(PI_ENV), None, [assoc()], "pod-identity", ("pod-identity",), "pod-identity",
     "association's container-credentials env"),
    ("both-configured-pi-injected", pod(PI_ENV), ROLE, [assoc()], "pod-identity", ("irsa", "pod-identity"),
     "pod-identity", "precedence at injection"),
    ("both-env-in-container", pod({**IRSA_ENV, **PI_ENV}), ROLE, [assoc()], "irsa", ("irsa", "pod-identity"),
     "pod-identity", "web identity wins in every SDK"),
    ("association-after-pod-kept-irsa", pod(IRSA_ENV, days_old=10), ROLE, [assoc(days_old=3)], "irsa",
     ("irsa", "pod-identity"), "pod-identity", "after the pod"),
    ("association-after-pod-nothing", pod({}, days_old=10), None, [assoc(days_old=3)], "none", ("pod-identity",),
     "pod-identity", "restart it to get Pod Identity"),
    ("skip-label", pod({}, labels={"eks.amazonaws.com/skip-pod-identity-webhook": "true"}), None, [assoc()], "none",
     ("pod-identity",), "pod-identity", "skip-pod-identity-webhook"),
    ("skip-containers", pod({}, annotations={"eks.amazonaws.com/skip-containers": "app"}), None, [assoc()], "none",
     ("pod-identity",), "pod-identity", "eks.amazonaws.com/skip-containers names app"),
    ("nothing-configured", pod({}), None, [], "none", (), "none", "falls back to the node's instance role"),
    ("association-other-sa", pod({}), None, [assoc(sa="worker")], "none", (), "none", "no Pod Identity association"),
    ("association-other-namespace", pod({}), None, [assoc(ns="billing")], "none", (), "none", "no Pod Identity association"),
    ("irsa-annotation-not-injected", pod({}), ROLE, [], "none", ("irsa",), "irsa", "role-arn annotation was not injected"),
    ("hand-written-irsa", pod(IRSA_ENV), None, [], "irsa", (), "none", "sets AWS_ROLE_ARN"),
    ("env-but-association-deleted", pod(PI_ENV), None, [], "pod-identity", (), "none", "ResourceNotFoundException"),
    ("half-irsa-env", pod({"AWS_ROLE_ARN": ROLE}), ROLE, [], "none", ("irsa",), "irsa", "pre-sets credential env"),
    ("custom-container-endpoint", pod({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds"}), None, [],
     "none", (), "none", "come from http://127.0.0.1:8080/creds, not the EKS Pod Identity agent"),
    ("ipv6-agent", pod({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/v1/credentials",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/t"}), None, [assoc()], "pod-identity",
     ("pod-identity",), "pod-identity", "container-credentials env"),
    ("init-container-ignored", pod(PI_ENV, init=IRSA_ENV), None, [assoc()], "pod-identity", ("pod-identity",),
     "pod-identity", "container-credentials env"),
]


@pytest.mark.parametrize(
    ("case", "the_pod", "annotation", "associations", "mechanism", "configured", "injected", "fragment"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_detect(
    case: str, the_pod: PodInput, annotation: str | None, associations: list[AssociationInput], mechanism: str,
    configured: tuple[str, ...], injected: str, fragment: str,
) -> None:
    verdict = detect_mechanism(the_pod, annotation, associations)
    assert (verdict.mechanism, verdict.configured, verdict.injected) == (mechanism, configured, injected)
    assert fragment in verdict.reasons[0], verdict.reasons


def test_containers_that_differ_are_named_and_pod_identity_is_reported() -> None:
    verdict = detect_mechanism(pod(PI_ENV, IRSA_ENV, {}), ROLE, [assoc()])
    assert verdict.mechanism == "pod-identity" and not verdict.uniform
    assert [c.mechanism for c in verdict.containers] == ["pod-identity", "irsa", "none"]
    assert "app: pod-identity, c1: irsa, c2: none" in verdict.reasons[-1]


def test_the_matching_association_is_returned() -> None:
    mine = assoc()
    verdict = detect_mechanism(pod(PI_ENV), None, [assoc(sa="worker"), mine])
    assert verdict.association == mine


def test_env_from_secret_counts_as_set() -> None:
    """valueFrom env (value None) is set even though its value is not visible."""
    verdict = detect_mechanism(pod({"AWS_ROLE_ARN": None, "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}), None, [])
    assert verdict.mechanism == "irsa"


def test_association_facts_become_inputs() -> None:
    from irsa_tui.chain.mechanism import association_inputs
    from irsa_tui.chain.pod_identity_facts import AssociationFacts

    facts = [
        AssociationFacts("a-1", "arn:a-1", "payments", "api", role_arn=PI_ROLE, created=NOW),
        AssociationFacts("a-2", "arn:a-2", "payments", "job"),  # Describe failed: role unknown
    ]
    inputs = association_inputs(facts)
    assert inputs[0] == AssociationInput("payments", "api", "a-1", PI_ROLE, None, NOW)
    assert inputs[1].role_arn is None
    verdict = detect_mechanism(pod(PI_ENV), None, inputs)
    assert verdict.association == inputs[0] and verdict.mechanism == "pod-identity"


@pytest.mark.parametrize(
    ("uri", "agent"),
    [
        ("http://169.254.170.23/v1/credentials", True),
        ("http://169.254.170.23:80/v1/credentials", True),
        ("http://[fd00:ec2::23]/v1/credentials", True),
        ("http://169.254.170.230/v1/credentials", False),
        ("http://127.0.0.1:8080/creds", False),
        (None, True),  # valueFrom: not visible, taken as the agent's
    ],
)
def test_agent_uri(uri: str | None, agent: bool) -> None:
    from irsa_tui.chain.mechanism import is_agent_uri

    assert is_agent_uri({"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri}) is agent
    verdict = detect_mechanism(pod({"AWS_CONTAINER_CREDENTIALS_FULL_URI": uri}), None, [])
    assert verdict.containers[0].mechanism == ("pod-identity" if agent else "none")
