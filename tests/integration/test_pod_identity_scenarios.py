"""Every EKS Pod Identity scenario: what the lab really does to the pod, then `irsa-tui check --json`.

Table-driven: scenario -> the mechanism irsa-tui must report, the first failing link, its key codes,
and what the pod gets in the lab when it does what kubelet, the agent and the SDK do (token from
its volume, the agent on its node, the node role, EKS Auth, S3) through the real clients. The lab
outcome keeps each scenario honest on its own (the lab plays AWS, independent of the product's
evaluator); the check outcome is the product's diagnosis of the same world.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from irsa_tui.chain.registry import MECHANISMS
from irsa_tui.lab.pod_identity import AGENT_LABELS, FULL_URI, TOKEN_FILE
from irsa_tui.lab.scenario import PLANNED, scenarios
from irsa_tui.lab.world import LabWorld
from tests.integration.test_scenarios import EXIT, check_json
from tests.lab.conftest import kube_api

pytestmark = pytest.mark.integration

PI_LINKS = PLANNED["pod-identity"]


@dataclass(frozen=True)
class Expected:
    mechanism: str
    first_failure: str | None
    lab: str
    """What the pod gets in the lab: ``s3:ok``, ``s3:<S3 code>``, ``eks-auth:<EKS Auth code>``,
    ``no-serviceaccount``, ``not-injected``, ``no-agent``, ``node-imds-disabled`` or ``node-role-denied``."""
    codes: tuple[str, ...] = ()
    verdict: str = ""
    """``ok`` / ``broken`` from the first failure unless given (``incomplete``)."""

    @property
    def want_verdict(self) -> str:
        return self.verdict or ("ok" if self.first_failure is None else "broken")


PI, DENIED = "pod-identity", "eks-auth:AccessDeniedException"
OK_CODES = ("ASSOC-001", "INJ-004", "TOK-003", "AGENT-001", "TRUST-003", "EKSAUTH-001", "S3-001")
TABLE: dict[str, Expected] = {
    "pod-identity-healthy": Expected(PI, None, "s3:ok", OK_CODES),
    "pod-identity-both-mechanisms": Expected(PI, None, "s3:ok", OK_CODES),
    "injection-pod-identity-association": Expected(PI, None, "s3:ok", ("SA-003", *OK_CODES)),
    "injection-pod-identity-instead": Expected(PI, None, "s3:ok", ("SA-003", "ASSOC-001", "INJ-004", "EKSAUTH-001")),
    # service-account
    "service-account-pod-identity-sa-deleted": Expected(PI, "service-account", "no-serviceaccount", ("SA-210",)),
    "service-account-pod-identity-sa-renamed": Expected(PI, "service-account", "no-serviceaccount", ("SA-210",)),
    "service-account-pod-identity-default-sa": Expected("none", "service-account", "not-injected", ("SA-209",)),
    "service-account-association-sa-typo": Expected("none", "service-account", "not-injected", ("SA-209",)),
    # association
    "association-role-deleted": Expected(PI, "association", DENIED, ("ASSOC-203", "EKSAUTH-201")),
    "association-deleted-after-pod": Expected(
        PI, "association", "eks-auth:ResourceNotFoundException", ("ASSOC-201", "EKSAUTH-201")
    ),
    # injection
    "injection-pod-older-than-association": Expected(PI, "injection", "not-injected", ("ASSOC-102", "INJ-215")),
    "injection-pod-identity-skip-label": Expected(PI, "injection", "not-injected", ("INJ-216",)),
    "injection-pod-identity-skip-containers": Expected(PI, "injection", "not-injected", ("INJ-217",)),
    "injection-pod-identity-preset-token-file": Expected(PI, "injection", "not-injected", ("INJ-218",)),
    # token
    "token-pod-identity-audience": Expected(PI, "token", "eks-auth:InvalidTokenException", ("TOK-207",)),
    "token-pod-identity-expired-clock-skew": Expected(
        PI, "token", "eks-auth:ExpiredTokenException", ("TOK-208", "EKSAUTH-201")
    ),
    # agent
    "agent-addon-missing": Expected(PI, "agent", "no-agent", ("AGENT-201",)),
    "agent-not-ready-on-node": Expected(PI, "agent", "no-agent", ("AGENT-203",)),
    "agent-fargate-node": Expected(PI, "agent", "no-agent", ("AGENT-204",)),
    "agent-windows-node": Expected(PI, "agent", "no-agent", ("AGENT-204",)),
    "agent-node-role-no-eks-auth": Expected(PI, "agent", "node-role-denied", ("AGENT-205",)),
    "agent-node-imds-disabled": Expected(PI, "agent", "node-imds-disabled", ("AGENT-206",)),
    # trust-policy
    "trust-pod-identity-no-tag-session": Expected(PI, "trust-policy", DENIED, ("TRUST-204", "EKSAUTH-201")),
    "trust-pod-identity-irsa-trust": Expected(PI, "trust-policy", DENIED, ("TRUST-204", "EKSAUTH-201")),
    "trust-pod-identity-tag-condition": Expected(PI, "trust-policy", DENIED, ("TRUST-204", "EKSAUTH-201")),
    # eks-auth: only the live call can tell
    "eks-auth-target-role-other-account": Expected(PI, "eks-auth", DENIED, ("TRUST-104", "EKSAUTH-201")),
    "eks-auth-role-unreadable-untrusted": Expected(PI, "eks-auth", DENIED, ("EKSAUTH-201",)),
    # the caller may not call EKS Auth: incomplete, never broken (this test plays the agent with the
    # caller's keys, so its own call is refused too; the node role's would not be)
    "eks-auth-caller-denied": Expected(PI, None, DENIED, verdict="incomplete"),
    # s3
    "s3-pod-identity-denied": Expected(PI, "s3", "s3:AccessDenied", ("S3-202",)),
    "s3-pod-identity-bucket-policy-deny": Expected(PI, "s3", "s3:AccessDenied", ("S3-204",)),
    "s3-pod-identity-abac-session-tags-off": Expected(PI, "s3", "s3:AccessDenied", ("S3-202", "S3-104")),
}


def _client(service: str, **kwargs: Any) -> Any:
    return boto3.client(service, config=Config(retries={"max_attempts": 1}), **kwargs)


def _code(exc: ClientError) -> str:
    return str(exc.response["Error"]["Code"])


def _node_credentials(node: Any) -> str | None:
    """Why the agent on this EC2 node has no node credentials for EKS Auth, or None: IMDS off (the agent
    reads the node role from IMDS), or the node role (instance profile) lacks eks-auth:AssumeRoleForPodIdentity."""
    instance_id = str(node.spec.provider_id).rsplit("/", 1)[-1]
    reservations = _client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    instance = reservations[0]["Instances"][0]
    if instance["MetadataOptions"]["HttpEndpoint"] == "disabled":
        return "node-imds-disabled"
    profile_arn = instance["IamInstanceProfile"]["Arn"]
    iam = _client("iam")
    profile = iam.get_instance_profile(InstanceProfileName=profile_arn.rsplit("/", 1)[-1])["InstanceProfile"]
    role = profile["Roles"][0]["RoleName"]
    actions: list[str] = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        for stmt in doc["Statement"]:
            if stmt["Effect"] == "Allow":
                acts = stmt["Action"]
                actions.extend([acts] if isinstance(acts, str) else acts)
    allowed = any(a in ("eks-auth:AssumeRoleForPodIdentity", "eks-auth:*", "*") for a in actions)
    return None if allowed else "node-role-denied"


def pod_outcome(world: LabWorld, name: str) -> str:
    """Do what kubelet, the Pod Identity agent and the SDK do for the scenario's pod; say where it stops."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    ns, pod_name = world.target(name)
    names = world.placeholders(name)
    core = kube_api(name)
    pod = core.read_namespaced_pod(pod_name, ns)
    try:
        core.read_namespaced_service_account(pod.spec.service_account_name, ns)
    except ApiException as exc:
        if exc.status == 404:
            return "no-serviceaccount"
        raise
    app = pod.spec.containers[0]
    env = {e.name: e.value for e in app.env or []}
    volume = next((v for v in pod.spec.volumes or [] if v.name == "eks-pod-identity-token" and v.projected), None)
    mounted = any(m.name == "eks-pod-identity-token" for m in app.volume_mounts or [])
    if env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") != FULL_URI or env.get(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
    ) != TOKEN_FILE or volume is None or not mounted:
        return "not-injected"  # every SDK falls through to IMDS: the node role (or nothing)
    source = volume.projected.sources[0].service_account_token
    ref = client.V1BoundObjectReference(kind="Pod", api_version="v1", name=pod_name, uid=pod.metadata.uid)
    spec = client.V1TokenRequestSpec(audiences=[source.audience], expiration_seconds=source.expiration_seconds,
                                     bound_object_ref=ref)
    token = core.create_namespaced_service_account_token(
        pod.spec.service_account_name, ns, client.AuthenticationV1TokenRequest(spec=spec)
    ).status.token
    agents = core.list_namespaced_pod(
        "kube-system", label_selector=",".join(f"{k}={v}" for k, v in AGENT_LABELS.items())
    ).items
    on_node = [a for a in agents if a.spec.node_name == pod.spec.node_name]
    if not any(c.type == "Ready" and c.status == "True" for a in on_node for c in a.status.conditions or []):
        return "no-agent"
    why = _node_credentials(core.read_node(pod.spec.node_name))
    if why:
        return why
    try:
        doc = _client("eks-auth").assume_role_for_pod_identity(clusterName=names["CLUSTER"], token=token)
    except ClientError as exc:
        return f"eks-auth:{_code(exc)}"
    creds = doc["credentials"]
    s3 = _client("s3", aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
                 aws_session_token=creds["sessionToken"])
    try:
        s3.list_objects_v2(Bucket=names["BUCKET"])
    except ClientError as exc:
        return f"s3:{_code(exc)}"
    return "s3:ok"


# --- the catalogue ------------------------------------------------------------------------------


def test_table_matches_the_scenario_files() -> None:
    """Every Pod Identity scenario (expected so, or with a Pod Identity world) is in the table, with the same
    expectation."""
    catalogue = {s.name: s for s in scenarios()}
    assert set(TABLE) <= set(catalogue), set(TABLE) - set(catalogue)
    others = {s.name for s in catalogue.values() if s.expect.mechanism == PI or "pod_identity" in s.world}
    others -= {name for name in others if name.startswith("credentials-")}  # test_credentials_scenarios.py
    assert others <= set(TABLE), others - set(TABLE)
    for name, want in TABLE.items():
        scn = catalogue[name]
        assert (scn.expect.mechanism, scn.expect.first_failure) == (want.mechanism, want.first_failure), name
        assert scn.breaks == want.first_failure or want.first_failure is None, name
        assert set(scn.expect.codes) == set(want.codes), name
        assert scn.expect.verdict == want.want_verdict, name


def scenario_counts() -> Counter[str]:
    """Broken Pod Identity scenarios per first failing link (README, /work/notes)."""
    return Counter(str(e.first_failure) for e in TABLE.values() if e.first_failure is not None)


def test_at_least_two_broken_scenarios_per_pod_identity_link() -> None:
    counts = scenario_counts()
    assert {link: counts[link] for link in PI_LINKS if counts[link] < 2} == {}
    healthy = [n for n, e in TABLE.items() if e.want_verdict == "ok"]
    assert "pod-identity-healthy" in healthy and "pod-identity-both-mechanisms" in healthy


# --- the lab's truth, on its own -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLE))
def test_lab_breaks_the_pod_where_the_scenario_says(world: LabWorld, name: str) -> None:
    assert pod_outcome(world, name) == TABLE[name].lab


# --- irsa-tui's diagnosis --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLE))
def test_check_json_names_mechanism_first_failure_and_codes(
    world: LabWorld, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if PI not in MECHANISMS:
        pytest.skip("the Pod Identity chain is not in the registry yet (branch podid)")
    want = TABLE[name]
    code, doc = check_json(world, name, capsys=capsys)
    failing = [(link["id"], link["status"], link["summary"]) for link in doc["links"] if link["status"] != "pass"]
    assert doc["mechanism"] == want.mechanism, failing
    if want.mechanism == PI:
        assert [link["id"] for link in doc["links"]] == list(PI_LINKS)
    assert doc["first_failure"] == want.first_failure, failing
    assert doc["verdict"] == want.want_verdict, failing
    assert code == EXIT[doc["verdict"]]
    found = {f["code"] for link in doc["links"] for f in link["findings"]}
    assert set(want.codes) <= found, f"missing {set(want.codes) - found}; got {sorted(found)}"
    for link in doc["links"]:
        if link["status"] == "fail":
            assert link["fix"], f"{link['id']} fails without a fix"


def test_both_mechanisms_say_pod_identity_won_at_injection(world: LabWorld, capsys: pytest.CaptureFixture[str]) -> None:
    if PI not in MECHANISMS:
        pytest.skip("the Pod Identity chain is not in the registry yet (branch podid)")
    _, doc = check_json(world, "pod-identity-both-mechanisms", capsys=capsys)
    detail = doc["mechanism_detail"]
    assert (detail["uses"], detail["injected"], sorted(detail["configured"])) == (PI, PI, ["irsa", PI])
    assert "precedence at injection" in detail["reasons"][0]
    _, doc = check_json(world, "pod-identity-healthy", capsys=capsys)
    assert doc["mechanism_detail"]["configured"] == [PI]


@pytest.mark.parametrize(
    ("name", "other"),
    [("service-account-pod-identity-default-sa", "api"), ("service-account-association-sa-typo", "api-sa")],
)
def test_no_identity_names_the_association_it_missed(
    world: LabWorld, name: str, other: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if PI not in MECHANISMS:
        pytest.skip("the Pod Identity chain is not in the registry yet (branch podid)")
    _, doc = check_json(world, name, capsys=capsys)
    (link,) = doc["links"]
    assert f"is for ServiceAccount {other}, not " in link["summary"]
    assert "create-pod-identity-association" in (link["fix"] or "")


def test_caller_without_eks_auth_gets_an_error_naming_the_action(
    world: LabWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    if PI not in MECHANISMS:
        pytest.skip("the Pod Identity chain is not in the registry yet (branch podid)")
    _, doc = check_json(world, "eks-auth-caller-denied", capsys=capsys)
    links = {link["id"]: link for link in doc["links"]}
    assert links["eks-auth"]["status"] == "error"
    assert "eks-auth:AssumeRoleForPodIdentity" in links["eks-auth"]["summary"]
    assert {link["status"] for i, link in links.items() if i not in ("eks-auth", "s3")} == {"pass"}
