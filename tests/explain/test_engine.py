"""``explain`` on real error texts (as printed in public issues), logs holding several errors,
unknown text and hostile input."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from irsa_tui.explain.engine import MAX_CHARS, explain, render_text

NODE = "arn:aws:sts::123456789012:assumed-role/eks-node-group-NodeInstanceRole-1XYZ/i-0abc123def4567890"


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    code: str
    mechanism: str
    link: str | None
    principal: str | None = None


CASES = [
    Case(  # kubernetes-sigs/aws-load-balancer-controller#1935 (Go v1, JSON log)
        "go-v1-json-trust",
        '{"level":"error","ts":1657324768.868449,"msg":"Reconciler error","error":"WebIdentityErr: failed to '
        'retrieve credentials\\ncaused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity'
        '\\n\\tstatus code: 403, request id: 5c3f9ce5-ba7d-495e-98b1-ffcd5cf85133"}',
        "ERR-001", "irsa", "trust-policy",
    ),
    Case(  # sentry-kubernetes/charts#514 (botocore traceback)
        "botocore-traceback-trust",
        "Traceback (most recent call last):\n"
        '  File "/usr/local/lib/python3.6/site-packages/botocore/credentials.py", line 863, in _get_credentials\n'
        "    return client.assume_role_with_web_identity(**kwargs)\n"
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n"
        "19:26:45 [WARNING] botocore.credentials: Refreshing temporary credentials failed during mandatory "
        "refresh period.",
        "ERR-001", "irsa", "trust-policy",
    ),
    Case(  # aws/aws-sdk-java-v2#1470
        "java-v2-trust",
        "software.amazon.awssdk.services.sts.model.StsException: Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity (Service: Sts, Status Code: 403, Request ID: "
        "d8ee3773-3046-41d0-9b95-373ec1ae7b07, Extended Request ID: null)\n"
        "        at software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleErrorResponse"
        "(CombinedResponseHandler.java:123)",
        "ERR-001", "irsa", "trust-policy",
    ),
    Case(  # kubeflow/spark-operator#1129 (Java v1 through hadoop s3a)
        "java-v1-trust",
        "Caused by: org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException: No AWS Credentials provided by "
        "WebIdentityTokenCredentialsProvider : com.amazonaws.services.securitytoken.model."
        "AWSSecurityTokenServiceException: Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: "
        "AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: ID; Proxy: null)",
        "ERR-001", "irsa", "trust-policy",
    ),
    Case(  # namespacelabs/foundation#801 (Go v2)
        "go-v2-no-provider",
        "2022/07/25 13:14:05.131213 failed to retrieve credentials: failed to refresh cached credentials, failed "
        "to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, exceeded maximum number of "
        "attempts, 3, https response error StatusCode: 400, RequestID: 15810d8a-d7cf-4cf6-a789-344247a93714, "
        "InvalidIdentityToken: No OpenIDConnect provider found in your account for {redacted}",
        "ERR-002", "irsa", "oidc-provider",
    ),
    Case(  # aws/aws-sdk-js-v3#5083 (JS v3 stack)
        "js-v3-no-provider",
        "InvalidIdentityTokenException: No OpenIDConnect provider found in your account for "
        "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/<ID>\n"
        "    at de_InvalidIdentityTokenExceptionRes (/path/node_modules/@aws-sdk/client-sts/dist-cjs/protocols/"
        "Aws_query.js:436:23)\n"
        "    at de_AssumeRoleWithWebIdentityCommandError (/path/node_modules/@aws-sdk/client-sts/dist-cjs/"
        "protocols/Aws_query.js:219:25)",
        "ERR-002", "irsa", "oidc-provider",
    ),
    Case(  # kubernetes-sigs/aws-load-balancer-controller#3410
        "go-v1-audience",
        "Warning  FailedBuildModel  2m53s  ingress  Failed build model due to WebIdentityErr: failed to "
        "retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience\n  status code: 400",
        "ERR-003", "irsa", "oidc-provider",
    ),
    Case(  # noobaa/noobaa-operator troubleshoot_aws_sts_cluster.md
        "default-issuer",
        'level=warning msg="Temporary Error: could not use AWS AssumeRoleWithWebIdentity with role <role-ARN> '
        "and web identity token file /var/run/secrets/openshift/serviceaccount/token, InvalidIdentityToken: No "
        'OpenIDConnect provider found in your account for https://kubernetes.default.svc\\n\\tstatus code: 400"',
        "ERR-012", "irsa", "token",
    ),
    Case(  # kubernetes-sigs/external-dns#1684 shape: the node role, an identity problem
        "node-role-denied",
        f"time=\"2020-08-10T10:00:00Z\" level=error msg=\"AccessDenied: User: {NODE} is not authorized to "
        "perform: route53:ListHostedZones\\n\\tstatus code: 403, request id: 8f3a\"",
        "ERR-022", "node-role", "injection", NODE,
    ),
    Case(  # prowler-cloud/prowler#243 shape: botocore's default IRSA session, a permission problem
        "irsa-permission",
        "An error occurred (AccessDenied) when calling the GetObject operation: User: "
        "arn:aws:sts::123456789012:assumed-role/payments-api/botocore-session-1699999999 is not authorized to "
        'perform: s3:GetObject on resource: "arn:aws:s3:::payments-invoices/2024/01.pdf" because no '
        "identity-based policy allows the s3:GetObject action",
        "ERR-022", "irsa", "s3",
        "arn:aws:sts::123456789012:assumed-role/payments-api/botocore-session-1699999999",
    ),
    Case(  # EKS Auth session name eks-<cluster>-<pod>-<uuid> (pod-identity.md §1.5)
        "pod-identity-permission",
        "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/payments-pi/eks-prod-api-7d9f8-"
        "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9 is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::payments-out/x"',
        "ERR-022", "pod-identity", "s3",
        "arn:aws:sts::123456789012:assumed-role/payments-pi/eks-prod-api-7d9f8-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    ),
    Case(  # nccgroup/aws-inventory#34: an IAM user (static keys)
        "static-keys",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRole "
        "operation: User: arn:aws:iam::123456789012:user/aws-user is not authorized to perform: sts:AssumeRole "
        "on resource: arn:aws:iam::210987654321:role/cross-account-assume-role",
        "ERR-021", "static-keys", "injection", "arn:aws:iam::123456789012:user/aws-user",
    ),
    Case(  # aws/aws-sdk-js-v3#5709
        "js-v3-too-old-for-pod-identity",
        "CredentialsProviderError: 169.254.170.23 is not a valid container metadata service hostname",
        "ERR-601", "pod-identity", "agent",
    ),
    Case(  # kubernetes-sigs/external-dns#4353: the specific line wins over "no credentials"
        "go-v1-too-old-then-no-credentials",
        'level=info msg="Ignoring, HTTP credential provider invalid endpoint host, \\"169.254.170.23\\", only '
        'loopback hosts are allowed."\n'
        'level=fatal msg="records retrieval failed: NoCredentialProviders: no valid providers in chain"',
        "ERR-204", "pod-identity", "agent",
    ),
    Case(  # boto/botocore#3117
        "botocore-pod-identity-expired",
        "botocore.exceptions.CredentialRetrievalError: Error when retrieving credentials from container-role: "
        "Error retrieving metadata: Received non 200 response 400 from container metadata: [2f5c]: "
        "(ExpiredTokenException): The token included in the request is expired: current date/time 1707130232 "
        "must be before the expiration date/time 1707130096, fault: client",
        "ERR-025", "pod-identity", "token",
    ),
    Case(  # aws-samples/containers-blog-maelstrom#123
        "botocore-agent-unreachable",
        "botocore.exceptions.CredentialRetrievalError: Error when retrieving credentials from container-role: "
        "Error retrieving metadata: Received error when attempting to retrieve container metadata: Connect "
        'timeout on endpoint URL: "http://169.254.170.23/v1/credentials"',
        "ERR-103", "pod-identity", "agent",
    ),
    Case(  # hashicorp/terraform-provider-aws#34234
        "terraform-no-credentials",
        "│ Error: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: "
        "GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed",
        "ERR-302", "none", "injection",
    ),
    Case(  # n8n-io/n8n#23584 (agent)
        "agent-token-unparsable",
        "Service account token cannot be parsed: token is malformed: could not base64 decode header: illegal "
        "base64 data at input byte 6",
        "ERR-901", "pod-identity", "token",
    ),
    Case(  # aws/eks-pod-identity-agent#16
        "agent-ipv6",
        "Unable to start server: listen tcp [fd00:ec2::23]:80: bind: cannot assign requested address",
        "ERR-905", "pod-identity", "agent",
    ),
    Case(  # the lab's STS front (real wording): an STS-side fault, mechanism from the wrapper
        "region-disabled-with-wrapper",
        "botocore.exceptions.ClientError: An error occurred (RegionDisabledException) when calling the "
        "AssumeRoleWithWebIdentity operation: STS is not activated in this region for account:123456789012.",
        "ERR-009", "irsa", "sts",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_real_text(case: Case) -> None:
    result = explain(case.text)
    assert result.root is not None, render_text(result)
    assert (result.root.shape.code, result.mechanism, result.link) == (case.code, case.mechanism, case.link), (
        render_text(result)
    )
    assert (result.principal.arn if result.principal else None) == case.principal
    assert result.next[0] == "irsa-tui check <namespace>/<pod>"
    doc = result.as_dict()
    assert {"mechanism", "link", "principal", "meaning", "next", "matches"} <= set(doc)
    assert all(m["line"] and m["code"] for m in doc["matches"])


def test_java_fallthrough_log_blames_the_web_identity_not_the_node_role() -> None:
    """Java v2's chain falls through to IMDS: the node-role AccessDenied is the consequence."""
    log = (
        "DEBUG AwsCredentialsProviderChain: Unable to load credentials from WebIdentityTokenCredentialsProvider(): "
        "Not authorized to perform sts:AssumeRoleWithWebIdentity (Service: Sts, Status Code: 403, Request ID: 1)\n"
        f"ERROR S3Exception: User: {NODE} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::b/k" (Service: S3, Status Code: 403)\n'
    )
    result = explain(log)
    assert (result.mechanism, result.link) == ("irsa", "trust-policy")
    assert {m.shape.code: m.mechanism for m in result.matches} == {"ERR-001": "irsa", "ERR-501": "irsa",
                                                                   "ERR-022": "node-role"}


def test_log_with_several_errors_lists_each_once_with_counts() -> None:
    line = "WebIdentityErr: failed to retrieve credentials\ncaused by: InvalidIdentityToken: Incorrect token audience"
    log = "\n".join(["starting", line, "retrying", line, line, "NoCredentialProviders: no valid providers in chain"])
    result = explain(log)
    by_code = {m.shape.code: m for m in result.matches}
    assert set(by_code) == {"ERR-201", "ERR-003", "ERR-202"}
    assert (by_code["ERR-003"].count, by_code["ERR-003"].line_number) == (3, 3)
    assert by_code["ERR-202"].line_number == 9
    assert result.root is by_code["ERR-003"]  # the injected mechanism's cause beats "no credentials"
    assert [m.line_number for m in result.matches] == sorted(m.line_number for m in result.matches)


def test_specific_shape_hides_the_generic_one_on_the_same_line() -> None:
    result = explain("InvalidIdentityTokenException: No OpenIDConnect provider found in your account for https://x")
    assert [m.shape.code for m in result.matches] == ["ERR-002"]


@pytest.mark.parametrize(
    "text",
    [
        "Error: connection refused (ECONNREFUSED) 10.0.0.1:5432",
        "AccessDenied",  # too little to say anything
        "user is not authorized",  # no action named
        "\x00\x01\x02 binary \xff\xfe",
    ],
)
def test_unknown_text_is_unknown(text: str) -> None:
    result = explain(text)
    assert not result.recognised
    assert (result.mechanism, result.link, result.principal, result.root) == ("unknown", None, None, None)
    assert result.as_dict()["matches"] == []


def test_matched_lines_never_echo_credentials() -> None:
    jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cDphIn0.c2lnbmF0dXJlc2ln"
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    session = "FwoGZXIvYXdzEBYaDHhQ" + "b" * 200
    text = (
        f"WebIdentityToken={jwt} AWS_SECRET_ACCESS_KEY={secret} token {session} key AKIAIOSFODNN7EXAMPLE "
        f"{secret} An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: "
        f"Not authorized to perform sts:AssumeRoleWithWebIdentity Authorization: Bearer {jwt}"
    )
    result = explain(text)
    assert result.recognised
    rendered = render_text(result) + str(result.as_dict())
    for leaked in (jwt, jwt.split(".")[2], secret, "FwoGZXIvYXdz", "AKIAIOSFODNN7EXAMPLE", "K7MDENG"):
        assert leaked not in rendered, leaked


def test_ansi_colours_and_control_characters_are_ignored() -> None:
    text = (
        "\x1b[31mERROR\x1b[0m \x1b[1mbotocore.exceptions.NoCredentialsError\x1b[0m: Unable to \x1b[4mlocate\x1b[0m"
        " credentials\r\n"
    )
    result = explain(text)
    assert result.root is not None and result.root.shape.code == "ERR-102"
    assert "\x1b" not in result.root.line and "\r" not in result.root.line


def test_binary_noise_around_an_error_line() -> None:
    noise = bytes(range(256)).decode("latin-1") * 200
    result = explain(noise + "\nWebIdentityErr: role ARN is not set\n" + noise)
    assert result.root is not None and result.root.shape.code == "ERR-203"


def test_huge_input_keeps_the_latest_lines() -> None:
    filler = "INFO nothing to see here\n" * (MAX_CHARS // 24)
    tail = "Unable to locate credentials\n"
    result = explain(filler + tail)
    assert result.truncated and result.root is not None and result.root.shape.code == "ERR-102"
    head_only = explain("Unable to locate credentials\n" + filler)
    assert head_only.truncated and not head_only.recognised


def test_one_endless_line_is_bounded() -> None:
    """A needle repeated on one 12 MB line: matched in windows, never the whole line at once."""
    result = explain("is not authorized to perform: " * 400_000)
    assert not result.recognised


def test_excerpt_is_one_logical_line_of_an_escaped_log() -> None:
    result = explain(CASES[0].text)
    assert result.root is not None
    assert result.root.line == "caused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
