"""The lab world over real sockets, driven only by the official clients and standard settings."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import boto3
import httpx
import jwt
import pytest
import yaml
from kubernetes.client.exceptions import ApiException

from irsa_tui.lab.world import LabWorld
from tests.lab.conftest import act_as_pod, kube_api

pytestmark = pytest.mark.integration

NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
NO_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)


def test_env_holds_exactly_the_standard_settings(world: LabWorld) -> None:
    assert set(world.env) == {
        "KUBECONFIG",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "SSL_CERT_FILE",
    }
    assert world.env["AWS_REGION"] == world.env["AWS_DEFAULT_REGION"] == "eu-west-1"
    kc = yaml.safe_load(Path(world.env["KUBECONFIG"]).read_text(encoding="utf-8"))
    assert kc["current-context"] == "healthy"
    assert {c["name"] for c in kc["contexts"]} == {s.name for s in world.scenarios}
    ctx = next(c for c in kc["contexts"] if c["name"] == "healthy")["context"]
    assert ctx["cluster"] == "arn:aws:eks:eu-west-1:123456789012:cluster/lab-healthy"
    cluster = next(c for c in kc["clusters"] if c["name"] == ctx["cluster"])["cluster"]
    ca = base64.b64decode(cluster["certificate-authority-data"])
    assert ca == Path(world.env["SSL_CERT_FILE"]).read_bytes()


def test_kube_pod_is_mutated_like_the_eks_webhook(world: LabWorld) -> None:
    ns, name = world.target("healthy")
    assert (ns, name) == ("payments", "api-7d9f8c6b5-x2x4z")
    pod = kube_api("healthy").read_namespaced_pod(name, ns)
    env = [(e.name, e.value) for e in pod.spec.containers[0].env]
    assert [n for n, _ in env] == [
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ]
    assert dict(env)["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/payments-api"
    assert pod.spec.volumes[0].name == "aws-iam-token"
    sat = pod.spec.volumes[0].projected.sources[0].service_account_token
    assert (sat.audience, sat.expiration_seconds, sat.path) == ("sts.amazonaws.com", 86400, "token")
    assert pod.spec.volumes[1].name.startswith("kube-api-access-")
    mount = pod.spec.containers[0].volume_mounts[-1]
    assert (mount.name, mount.mount_path, mount.read_only) == (
        "aws-iam-token",
        "/var/run/secrets/eks.amazonaws.com/serviceaccount",
        True,
    )
    assert pod.metadata.owner_references[0].kind == "ReplicaSet"


@pytest.mark.parametrize(
    "name",
    ["sa-annotation-missing", "pod-created-before-annotation", "webhook-skip-label", "webhook-missing"],
)
def test_unmutated_pods_have_no_irsa(world: LabWorld, name: str) -> None:
    ns, pod_name = world.target(name)
    pod = kube_api(name).read_namespaced_pod(pod_name, ns)
    assert not any(e.name == "AWS_ROLE_ARN" for e in pod.spec.containers[0].env or [])
    assert all(v.name != "aws-iam-token" for v in pod.spec.volumes)


def test_managed_fields_show_the_late_annotation(world: LabWorld) -> None:
    api = kube_api("pod-created-before-annotation")
    sa = api.read_namespaced_service_account("api", "payments")
    pod = api.read_namespaced_pod(*reversed(world.target("pod-created-before-annotation")))
    annotated = [
        m
        for m in sa.metadata.managed_fields
        if "f:eks.amazonaws.com/role-arn" in (m.fields_v1.get("f:metadata", {}).get("f:annotations") or {})
    ]
    assert annotated and annotated[0].manager == "kubectl-annotate"
    assert annotated[0].time > pod.metadata.creation_timestamp > sa.metadata.creation_timestamp


def test_lists_and_errors_have_real_kubernetes_shapes(world: LabWorld) -> None:
    api = kube_api("healthy")
    namespaces = [n.metadata.name for n in api.list_namespace().items]
    assert {"payments", "kube-system", "default"} <= set(namespaces)
    first = api.list_pod_for_all_namespaces(limit=2)
    assert len(first.items) == 2 and first.metadata._continue
    rest = api.list_pod_for_all_namespaces(limit=100, _continue=first.metadata._continue)
    everyone = [p.metadata.name for p in first.items + rest.items]
    assert len(everyone) == len(set(everyone)) >= 5
    assert (
        api.list_namespaced_pod("payments", label_selector="app=api").items[0].metadata.name
        == "api-7d9f8c6b5-x2x4z"
    )
    with pytest.raises(ApiException) as info:
        api.read_namespaced_pod("nope", "payments")
    doc = json.loads(info.value.body)
    assert info.value.status == 404 and doc["kind"] == "Status" and doc["reason"] == "NotFound"
    assert doc["message"] == 'pods "nope" not found'


def test_rbac_denies_like_the_api_server(world: LabWorld) -> None:
    api = kube_api("rbac-no-token-request")
    with pytest.raises(ApiException) as info:
        api.list_namespace()
    assert info.value.status == 403
    assert json.loads(info.value.body)["message"] == (
        'namespaces is forbidden: User "lab-user" cannot list resource "namespaces" in API group "" '
        "at the cluster scope"
    )
    with pytest.raises(ApiException) as info:
        act_as_pod(world, "rbac-no-token-request")
    assert json.loads(info.value.body)["message"] == (
        'serviceaccounts "api" is forbidden: User "lab-user" cannot create resource "serviceaccounts/token" '
        'in API group "" in the namespace "payments"'
    )


def test_bad_bearer_token_is_401(world: LabWorld) -> None:
    url = world.placeholders("healthy")["KUBE_URL"] + "/api/v1/namespaces"
    resp = httpx.get(url, headers={"Authorization": "Bearer wrong"})
    assert resp.status_code == 401 and resp.json()["reason"] == "Unauthorized"


def test_token_request_signs_like_kubernetes_and_verifies_against_jwks(world: LabWorld) -> None:
    out = act_as_pod(world, "healthy")
    assert out.token is not None
    header = jwt.get_unverified_header(out.token)
    assert header["alg"] == "RS256" and len(header["kid"]) == 40 and "typ" not in header
    issuer = world.placeholders("healthy")["ISSUER"]
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration")  # trusts SSL_CERT_FILE only
    assert discovery.headers["cache-control"] == "max-age=3600"
    assert discovery.json()["jwks_uri"] == f"{issuer}/keys"
    jwks = httpx.get(discovery.json()["jwks_uri"]).json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(
        out.token, jwt.PyJWK(key).key, algorithms=["RS256"], audience="sts.amazonaws.com", issuer=issuer
    )
    assert claims["sub"] == "system:serviceaccount:payments:api"
    assert claims["aud"] == ["sts.amazonaws.com"]
    assert claims["iat"] == claims["nbf"] and claims["exp"] - claims["iat"] == 3600
    k8s = claims["kubernetes.io"]
    assert k8s["pod"]["name"] == "api-7d9f8c6b5-x2x4z" and k8s["node"]["name"].startswith("ip-10-0-")


def test_issuer_tls_needs_the_lab_ca(world: LabWorld) -> None:
    import ssl

    issuer = world.placeholders("healthy")["ISSUER"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(issuer + "/keys", verify=ssl.create_default_context(cafile=None, capath="/nonexistent"))


def test_token_request_rejects_short_lifetimes(world: LabWorld) -> None:
    from kubernetes import client

    api = kube_api("healthy")
    with pytest.raises(ApiException) as info:
        api.create_namespaced_service_account_token(
            "api",
            "payments",
            client.AuthenticationV1TokenRequest(
                spec=client.V1TokenRequestSpec(audiences=["sts.amazonaws.com"], expiration_seconds=60)
            ),
        )
    assert "may not specify a duration less than 10 minutes" in json.loads(info.value.body)["message"]


def test_healthy_pod_reaches_its_bucket(world: LabWorld) -> None:
    out = act_as_pod(world, "healthy")
    assert out.sts_code is None, out.sts_message
    assert out.assumed_arn == "arn:aws:sts::123456789012:assumed-role/payments-api/botocore-session-1"
    assert out.keys == ("2024/06/INV-0001.pdf", "2024/06/INV-0002.pdf", "2024/07/INV-0003.pdf")


def test_sts_response_carries_the_web_identity_fields(world: LabWorld) -> None:
    from botocore import UNSIGNED
    from botocore.config import Config

    token = act_as_pod(world, "healthy").token
    sts = boto3.client("sts", config=Config(signature_version=UNSIGNED))
    doc = sts.assume_role_with_web_identity(
        RoleArn="arn:aws:iam::123456789012:role/payments-api",
        RoleSessionName="s1",
        WebIdentityToken=str(token),
    )
    assert doc["SubjectFromWebIdentityToken"] == "system:serviceaccount:payments:api"
    assert doc["Audience"] == "sts.amazonaws.com"
    assert doc["Provider"] == world.placeholders("healthy")["ISSUER"]


STS_CASES = {
    "sa-role-arn-malformed": (400, "ValidationError", "Request ARN is invalid"),
    "token-audience-custom": (400, "InvalidIdentityToken", "Incorrect token audience"),
    "oidc-client-id-missing": (400, "InvalidIdentityToken", "Incorrect token audience"),
    "token-issuer-mismatch": (
        400,
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://kubernetes.default.svc",
    ),
    "oidc-provider-missing": (
        400,
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for {ISSUER}",
    ),
    "oidc-provider-old-cluster": (
        400,
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for {ISSUER}",
    ),
    "token-key-not-in-jwks": (400, "InvalidIdentityToken", NO_KEY),
    "trust-sub-wrong-namespace": (403, "AccessDenied", NOT_AUTHORIZED),
    "trust-stringequals-wildcard": (403, "AccessDenied", NOT_AUTHORIZED),
    "trust-condition-key-https": (403, "AccessDenied", NOT_AUTHORIZED),
    "sts-action-assumerole": (403, "AccessDenied", NOT_AUTHORIZED),
    "sts-role-missing": (403, "AccessDenied", NOT_AUTHORIZED),
    "sts-region-disabled": (
        403,
        "RegionDisabledException",
        "STS is not activated in this region for account:123456789012. Your account "
        "administrator can activate STS in this region using the IAM Console.",
    ),
}


@pytest.mark.parametrize("name", sorted(STS_CASES))
def test_sts_errors_are_exactly_what_aws_says(world: LabWorld, name: str) -> None:
    status, code, message = STS_CASES[name]
    out = act_as_pod(world, name)
    assert (out.sts_status, out.sts_code, out.sts_message) == (
        status,
        code,
        message.format(ISSUER=world.placeholders(name)["ISSUER"]),
    )


S3_CASES = {
    "s3-listbucket-on-objects-arn": "because no identity-based policy allows the s3:ListBucket action",
    "s3-bucket-policy-deny": "with an explicit deny in a resource-based policy",
    "s3-scp-region-deny": "with an explicit deny in a service control policy",
    "s3-permissions-boundary": "because no permissions boundary allows the s3:ListBucket action",
}


@pytest.mark.parametrize("name", sorted(S3_CASES))
def test_s3_denials_name_the_policy_that_denies(world: LabWorld, name: str) -> None:
    out = act_as_pod(world, name)
    names = world.placeholders(name)
    assert out.sts_code is None
    assert (out.s3_status, out.s3_code) == (403, "AccessDenied")
    assert out.s3_message == (
        f"User: arn:aws:sts::123456789012:assumed-role/{names['ROLE_NAME']}/botocore-session-1 is not authorized "
        f'to perform: s3:ListBucket on resource: "arn:aws:s3:::{names["BUCKET"]}" {S3_CASES[name]}'
    )


def test_s3_bucket_missing_is_nosuchbucket(world: LabWorld) -> None:
    out = act_as_pod(world, "s3-bucket-missing")
    assert (out.s3_status, out.s3_code) == (404, "NoSuchBucket")


def test_s3_bucket_in_other_region_redirects(world: LabWorld) -> None:
    from botocore.config import Config

    # boto3 follows S3's 301 by itself (so the pod works); a raw client pinned to the region shows it.
    out = act_as_pod(world, "s3-bucket-other-region")
    assert len(out.keys) == 3
    names = world.placeholders("s3-bucket-other-region")
    url = f"{world.env['AWS_ENDPOINT_URL']}/{names['BUCKET']}?list-type=2"
    token = str(out.token)
    from botocore import UNSIGNED

    sts = boto3.client("sts", config=Config(signature_version=UNSIGNED))
    creds = sts.assume_role_with_web_identity(
        RoleArn=names["ROLE_ARN"], RoleSessionName="s1", WebIdentityToken=token
    )["Credentials"]
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method="GET", url=url)
    SigV4Auth(
        Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]), "s3", "eu-west-1"
    ).add_auth(req)
    resp = httpx.get(url, headers=dict(req.headers.items()))
    assert resp.status_code == 301 and resp.headers["x-amz-bucket-region"] == "us-east-1"
    assert (
        "<Code>PermanentRedirect</Code>" in resp.text and f"<Bucket>{names['BUCKET']}</Bucket>" in resp.text
    )


def test_eks_and_iam_answer_from_the_scenario(world: LabWorld) -> None:
    names = world.placeholders("healthy")
    cluster = boto3.client("eks").describe_cluster(name="lab-healthy")["cluster"]
    assert cluster["identity"]["oidc"]["issuer"] == names["ISSUER"]
    assert cluster["endpoint"] == names["KUBE_URL"] and cluster["status"] == "ACTIVE"
    assert cluster["arn"] == "arn:aws:eks:eu-west-1:123456789012:cluster/lab-healthy"
    iam = boto3.client("iam")
    role = iam.get_role(RoleName="payments-api")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"]["Federated"] == names["PROVIDER_ARN"]
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=names["PROVIDER_ARN"])
    assert provider["ClientIDList"] == ["sts.amazonaws.com"] and len(provider["ThumbprintList"][0]) == 40
    assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_request_log_shows_reads_and_token_request_only(world: LabWorld) -> None:
    act_as_pod(world, "trust-sub-wrong-namespace")
    log = world.requests("trust-sub-wrong-namespace")
    writes = {(m, p) for m, p in log if m != "GET"}
    assert writes == {("POST", "/api/v1/namespaces/payments/serviceaccounts/api/token")}
    assert ("GET", "/api/v1/namespaces/payments/pods/api-7d9f8c6b5-x2x4z") in log


_STOP_SCRIPT = """
import json, os, socket, threading
from irsa_tui.lab.world import LabWorld
from tests.lab.conftest import act_as_pod

def listening(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0

before = set(threading.enumerate())
lab = LabWorld.start(["healthy", "s3-bucket-missing"])
ports = [lab.front.server.port, lab.kube.server.port, lab.issuer.server.port, int(lab.moto.url.rsplit(":", 1)[1])]
os.environ.update(lab.env)
os.environ.pop("AWS_CA_BUNDLE", None)
out = act_as_pod(lab, "healthy")  # leaves keep-alive connections open on purpose
up = [listening(p) for p in ports]
try:
    LabWorld.start(["healthy"])
    second = "started"
except RuntimeError as exc:
    second = str(exc)
lab.stop()
lab.stop()
print(json.dumps({"keys": len(out.keys), "up": up, "down": [not listening(p) for p in ports],
                  "threads": [t.name for t in threading.enumerate() if t not in before],
                  "kubeconfig_gone": not os.path.exists(lab.env["KUBECONFIG"]), "second": second,
                  "started_in": lab.started_in}))
"""


def test_stop_frees_ports_and_threads() -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KUBECONFIG", "SSL_CERT"))}
    proc = subprocess.run(
        [sys.executable, "-c", _STOP_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    assert doc["keys"] == 3
    assert doc["up"] == [True] * 4 and doc["down"] == [True] * 4
    assert doc["threads"] == []
    assert doc["kubeconfig_gone"]
    assert "already running" in doc["second"]


def test_unknown_scenario_raises_keyerror_with_hint() -> None:
    with pytest.raises(KeyError, match="did you mean: healthy"):
        LabWorld.start(["helthy"])
