"""The catalogue of error shapes ``irsa-tui explain`` recognises (pure data).

Each shape is one way an SDK, the AWS CLI, Terraform, AWS itself or the EKS Pod Identity agent
words a credential failure, with the real text it was taken from and the public source of that
text. ``docs/errors.md`` is generated from it (``python -m irsa_tui.explain.shapes``). Codes are
stable: never renumber, only add. The hundreds say who wrote the words: 0xx AWS services (any SDK
relays them), 1xx botocore/boto3 (1xx from 150: the AWS CLI's own words), 2xx Go v1, 3xx Go v2, 4xx Java v1, 5xx Java v2,
6xx JS v3, 7xx Rust, 8xx Terraform, 9xx the Pod Identity agent.

``kind``: a ``cause`` names why the call failed; a ``wrapper`` only says which step failed (the
cause, when printed, is usually on the same or the next line). ``by_principal``: the mechanism and
link come from the principal the text names (an AccessDenied naming the node role is an identity
problem, not a permission problem).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

__all__ = [
    "FAMILIES",
    "LINKS",
    "MECHANISMS",
    "SHAPES",
    "Shape",
    "render_markdown",
]

Mechanism = Literal["irsa", "pod-identity", "node-role", "static-keys", "none", "unknown"]
Kind = Literal["cause", "wrapper"]

MECHANISMS: tuple[str, ...] = ("irsa", "pod-identity", "node-role", "static-keys", "none", "unknown")

# The link ids of both mechanisms, in the order a request walks them (nearest the root first):
# IRSA service-account → injection → token → oidc-provider → trust-policy → sts → s3;
# Pod Identity service-account → association → injection → token → agent → trust-policy → eks-auth → s3.
LINKS: tuple[str, ...] = (
    "service-account",
    "association",
    "injection",
    "token",
    "oidc-provider",
    "agent",
    "trust-policy",
    "sts",
    "eks-auth",
    "s3",
)

# family id -> (label, hundreds of its codes)
FAMILIES: dict[str, tuple[str, int]] = {
    "aws": ("AWS service text (any SDK relays it)", 0),
    "botocore": ("botocore / boto3 (the AWS CLI prints the same words)", 1),
    "aws-cli": ("AWS CLI", 1),
    "go-v1": ("aws-sdk-go (v1)", 2),
    "go-v2": ("aws-sdk-go-v2", 3),
    "java-v1": ("aws-sdk-java (v1)", 4),
    "java-v2": ("aws-sdk-java-v2", 5),
    "js-v3": ("aws-sdk-js-v3", 6),
    "rust": ("aws-sdk-rust", 7),
    "terraform": ("terraform-provider-aws", 8),
    "agent": ("eks-pod-identity-agent", 9),
}


@dataclass(frozen=True)
class Shape:
    code: str
    family: str
    """Who wrote the words (a key of ``FAMILIES``)."""
    mechanism: Mechanism
    """The credential mechanism the text shows (refined by the principal when ``by_principal``)."""
    link: str | None
    """The link it implicates (one of ``LINKS``); None when the text cannot say."""
    pattern: str
    """Case-insensitive regular expression searched for in one line."""
    title: str
    meaning: str
    """One line: what the text means for the chain."""
    source: str
    """The public source the text was taken from (URL or owner/repo#issue)."""
    example: str
    """The real text, as printed in the source (tokens and ids shortened there already)."""
    kind: Kind = "cause"
    by_principal: bool = False
    next: tuple[str, ...] = field(default=())
    """Next commands beyond ``irsa-tui check``; ``{role}`` filled when the text names the role."""
    unless: tuple[str, ...] = field(default=())
    """Codes that, found on the same line, say the same more precisely (this match is then dropped)."""

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)

    @cached_property
    def needles(self) -> tuple[str, ...]:
        """Lower-case literal texts, one of which every match contains (a fast pre-filter)."""
        return tuple(_needle(alternative) for alternative in _top_level_alternatives(self.pattern))


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _needle(pattern: str) -> str:
    """The longest run of literal characters outside groups, classes and optional atoms."""
    runs, run, depth, i = [], "", 0, 0
    while i < len(pattern):
        ch = pattern[i]
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            runs.append(run)
            run = ""
            i += 1
            continue
        if depth:
            i += 1 + (ch == "\\")
            continue
        if ch == "\\":
            if nxt.isalnum():  # \d \s \b \w ...: not literal
                runs.append(run)
                run = ""
            else:
                run += nxt
            i += 2
            continue
        if ch in "?*{":
            run = run[:-1]
            runs.append(run)
            run = ""
        elif ch in ".+^$|":
            runs.append(run)
            run = ""
        else:
            run += ch
        i += 1
    runs.append(run)
    return max(runs, key=len).lower()


_TRUST = ("aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument",)
_OIDC = (
    "aws iam list-open-id-connect-providers",
    "aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer",
)
_PI_ASSOC = ("aws eks list-pod-identity-associations --cluster-name <cluster> --namespace <namespace>",)
_PI_AGENT = ("kubectl -n kube-system get daemonset eks-pod-identity-agent -o wide",)
_ENV = ("kubectl -n <namespace> get pod <pod> -o jsonpath='{.spec.containers[*].env}'",)

_C: list[Shape] = [
    # --- AWS services: STS AssumeRoleWithWebIdentity -------------------------------------------
    Shape(
        "ERR-001", "aws", "irsa", "trust-policy",
        r"Not authorized to perform sts:AssumeRoleWithWebIdentity",
        "STS refused the web identity: trust policy",
        "STS refused AssumeRoleWithWebIdentity: the role's trust policy does not allow this token "
        "(provider ARN, sub or aud condition, action), or the role does not exist",
        "kubernetes-sigs/aws-load-balancer-controller#1935",
        "WebIdentityErr: failed to retrieve credentials\\ncaused by: AccessDenied: Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity\\n\\tstatus code: 403, request id: 5c3f9ce5-ba7d-495e-98b1-ffcd5cf85133",
        next=_TRUST,
    ),
    Shape(
        "ERR-002", "aws", "irsa", "oidc-provider",
        r"No OpenIDConnect provider found in your account for",
        "No IAM OIDC provider for the token's issuer",
        "the role's account has no IAM OIDC provider for the cluster's issuer (not created, deleted, or "
        "the role is in another account)",
        "kubernetes-sigs/aws-load-balancer-controller#2315",
        "Could not initialize EKS CloudWatch client: WebIdentityErr: failed to retrieve credentials\n"
        "caused by: InvalidIdentityToken: No OpenIDConnect provider found in your account for "
        "https://oidc.eks.us-east-1.amazonaws.com/id/***",
        next=_OIDC,
        unless=("ERR-012",),
    ),
    Shape(
        "ERR-003", "aws", "irsa", "oidc-provider",
        r"Incorrect token audience",
        "Token audience is not a client ID of the provider",
        "the token's aud (normally sts.amazonaws.com) is not in the IAM OIDC provider's client ID list",
        "kubernetes-sigs/aws-load-balancer-controller#3410",
        '"error":"WebIdentityErr: failed to retrieve credentials\\ncaused by: InvalidIdentityToken: Incorrect '
        'token audience\\n\\tstatus code: 400, request id: 188-4eed-bb0b-deafe73caef7"}',
        next=_OIDC,
    ),
    Shape(
        "ERR-004", "aws", "irsa", "oidc-provider",
        r"Couldn't retrieve verification key from your identity provider",
        "STS could not get the issuer's signing key",
        "STS could not fetch or use the issuer's signing keys (discovery document or JWKS unreachable, "
        "or no key for the token's kid)",
        "awslabs/aws-sdk-rust#827",
        "<Code>InvalidIdentityToken</Code>\\n    <Message>Couldn't retrieve verification key from your "
        "identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements</Message>",
        next=_OIDC,
    ),
    Shape(
        "ERR-005", "aws", "irsa", "token",
        r"Token expired: current date/time \d+ must be before the expiration date/time",
        "The projected token has expired",
        "STS saw an expired token: the SDK read the token file once and kept it (old SDK, or a token "
        "copied at start-up) or the node clock is off",
        "awslabs/aws-orbit-workbench#707",
        "An error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation: "
        "Token expired: current date/time 1624482533 must be before the expiration date/time1624482335",
    ),
    Shape(
        "ERR-006", "aws", "irsa", "sts",
        r"IDPCommunicationError",
        "STS could not reach the identity provider",
        "STS could not reach the cluster's OIDC issuer to verify the token (transient, on AWS's side; retry)",
        "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
        "An error occurred (IDPCommunicationError) when calling the AssumeRoleWithWebIdentity operation: The "
        "request could not be fulfilled because the identity provider (IDP) that was asked to verify the "
        "incoming identity token could not be reached.",
    ),
    Shape(
        "ERR-007", "aws", "irsa", "token",
        r"IDPRejectedClaim",
        "The identity provider rejected a claim of the token",
        "STS's identity provider check refused a claim of the token (revoked or invalid claim: look at the "
        "token's claims, then retry)",
        "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
        "An error occurred (IDPRejectedClaim) when calling the AssumeRoleWithWebIdentity operation: The "
        "identity provider (IdP) reported that authentication failed. This might be because the claim is invalid.",
    ),
    Shape(
        "ERR-031", "aws", "irsa", "oidc-provider",
        r"OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
        "The provider's thumbprints do not match the issuer's certificate",
        "STS checked the issuer's TLS certificate against the IAM OIDC provider's thumbprint list (the CA is "
        "not one IAM trusts by itself) and none matched",
        "https://repost.aws/knowledge-center/eks-troubleshoot-irsa-errors",
        "InvalidIdentityToken: OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
        next=_OIDC,
    ),
    Shape(
        "ERR-032", "aws", "irsa", "sts",
        r"\bThrottling\b.*Rate exceeded|Rate exceeded.*\bThrottling\b",
        "STS throttled the call",
        "STS refused the call for its per-account request rate: every pod assuming roles at once, or an SDK "
        "not caching credentials",
        "https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html",
        "An error occurred (Throttling) when calling the AssumeRoleWithWebIdentity operation: Rate exceeded",
    ),
    Shape(
        "ERR-033", "aws", "irsa", "sts",
        r"\bServiceUnavailable\b",
        "STS is unavailable on that endpoint",
        "the STS endpoint the pod calls answered 503 ServiceUnavailable: an outage of that endpoint (regional "
        "endpoints keep pods independent of the global one)",
        "https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html",
        "An error occurred (ServiceUnavailable) when calling the AssumeRoleWithWebIdentity operation: "
        "Service Unavailable",
    ),
    Shape(
        "ERR-008", "aws", "irsa", "service-account",
        r"Request ARN is invalid",
        "The role ARN is malformed",
        "the role ARN given to STS (eks.amazonaws.com/role-arn, injected as AWS_ROLE_ARN) is malformed",
        "https://repost.aws/knowledge-center/eks-troubleshoot-irsa-errors",
        "An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: Request ARN is invalid",
    ),
    Shape(
        "ERR-009", "aws", "unknown", "sts",
        r"STS is not activated in (?:this|the requested) region|RegionDisabledException",
        "STS is off in the region",
        "the regional STS endpoint the SDK called is deactivated for the account",
        "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
        "RegionDisabledException: STS is not activated in this region for account:123456789012. Your account "
        "administrator can activate STS in this region using the IAM Console.",
    ),
    Shape(
        "ERR-010", "aws", "unknown", "sts",
        r"Credential should be scoped to a valid region",
        "STS endpoint and signing region disagree",
        "the SDK signed for one region but called another STS endpoint (regional vs global sts.amazonaws.com)",
        "https://docs.aws.amazon.com/eks/latest/userguide/security-iam-troubleshoot.html",
        "SignatureDoesNotMatch: Credential should be scoped to a valid region.",
    ),
    Shape(
        "ERR-011", "aws", "irsa", "token",
        r"\(InvalidIdentityToken\)|\bInvalidIdentityToken(?:Exception)?: ",
        "STS rejected the token",
        "STS rejected the web identity token itself (not a valid JWT, wrong issuer or claims)",
        "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
        "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: The ID "
        "Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
        unless=("ERR-002", "ERR-003", "ERR-004", "ERR-005", "ERR-012", "ERR-014", "ERR-031"),
    ),
    Shape(
        "ERR-012", "aws", "irsa", "token",
        r"No OpenIDConnect provider found in your account for https://kubernetes\.default\.svc",
        "Token issued by the cluster-internal default issuer",
        "the token's issuer is https://kubernetes.default.svc: it is not an EKS-issued projected token (a "
        "legacy Secret token, or a cluster whose service-account issuer is not the public OIDC URL)",
        "noobaa/noobaa-operator doc/dev_guide/troubleshoot_aws_sts_cluster.md",
        "could not use AWS AssumeRoleWithWebIdentity with role <role-ARN> and web identity token file "
        "/var/run/secrets/openshift/serviceaccount/token, InvalidIdentityToken: No OpenIDConnect provider found "
        "in your account for https://kubernetes.default.svc\\n\\tstatus code: 400, request id: <request-id>",
    ),
    Shape(
        "ERR-013", "aws", "irsa", "sts",
        r"at 'roleSessionName' failed to satisfy constraint",
        "Role session name rejected",
        "the role session name (AWS_ROLE_SESSION_NAME or the app's own) has characters STS refuses "
        "(allowed: letters, digits, +=,.@-; 2-64 long)",
        "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
        "ValidationError: 1 validation error detected: Value 'payments api/v1' at 'roleSessionName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        next=_ENV,
    ),
    Shape(
        "ERR-014", "aws", "irsa", "token",
        r"Token too old",
        "The token is too old for STS",
        "STS refused a web identity token issued too long ago (a token read once and kept by the app)",
        "mozilla-iam/mozilla-aws-cli#155",
        "<Code>ExpiredTokenException</Code>\n    <Message>Token too old: 153938</Message>",
        unless=(),
    ),
    Shape(
        "ERR-015", "aws", "unknown", "sts",
        r"The requested DurationSeconds exceeds the MaxSessionDuration set for this role",
        "Session duration above the role's maximum",
        "the app asked for a longer session than the role's MaxSessionDuration (botocore's IRSA provider never "
        "asks; an app or a profile's duration_seconds does)",
        "kreuzwerker/awsu#27",
        "ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.\n"
        "\tstatus code: 400, request id: 3ff3d68f-6d61-11e8-83f8-014ef402c6d5",
    ),
    # --- AWS services: the caller's own identity and permissions ------------------------------
    Shape(
        "ERR-020", "aws", "pod-identity", "trust-policy",
        r"is not authorized to perform: sts:TagSession",
        "Role chaining from Pod Identity needs sts:TagSession",
        "Pod Identity sessions carry transitive tags: the next role's trust policy must allow sts:TagSession",
        "mattrobinsonsre/terrapod#1546",
        "is not authorized to perform: sts:TagSession on resource: arn:aws:iam::444455556666:role/automation",
        next=_TRUST,
    ),
    Shape(
        "ERR-021", "aws", "unknown", "trust-policy",
        r"is not authorized to perform: sts:AssumeRole\b",
        "Caller may not assume the next role",
        "the caller may not sts:AssumeRole the named role (its trust policy, or the caller's permissions)",
        "Netflix/security_monkey#77",
        "<Message>User: arn:aws:sts::\"my account number\":assumed-role/SecurityMonkeyInstanceProfile/i-e68888 "
        "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\"another account "
        "number\":role/SecurityMonkey</Message>",
        by_principal=True,
    ),
    Shape(
        "ERR-022", "aws", "unknown", "s3",
        r"is not authorized to perform: [a-z0-9-]+:[A-Za-z0-9*]+",
        "Caller is not authorized for the action",
        "the caller's policies do not allow the action",
        "kubernetes-sigs/external-dns#1684",
        "User: arn:aws:sts::123456789012:assumed-role/eks-node-group-NodeInstanceRole-ABC/i-0abc123def456 is "
        "not authorized to perform: route53:ListHostedZones",
        by_principal=True,
        unless=("ERR-020", "ERR-021"),
    ),
    Shape(
        "ERR-023", "aws", "pod-identity", "trust-policy",
        r"EKS does not have permissions to assume the associated role",
        "EKS Auth may not assume the associated role",
        "EKS Auth could not assume the association's role: its trust policy lacks pods.eks.amazonaws.com "
        "with sts:AssumeRole and sts:TagSession, or a condition fails",
        "aws/eks-pod-identity-agent#139",
        "Unauthorized Exception! EKS does not have permissions to assume the associated role., fault: client",
        next=_TRUST,
    ),
    Shape(
        "ERR-024", "aws", "pod-identity", "trust-policy",
        r"Trust policy of the role provided is invalid",
        "Association refused: role not trusted by Pod Identity",
        "EKS refused the Pod Identity association: the role's trust policy does not trust "
        "pods.eks.amazonaws.com (an IRSA-only role)",
        "hashicorp/terraform-provider-aws#41483",
        "InvalidParameterException: Trust policy of the role provided is invalid",
        next=_TRUST,
    ),
    Shape(
        "ERR-025", "aws", "pod-identity", "token",
        r"\(ExpiredTokenException\): The token included in the request is expired",
        "EKS Auth saw an expired Pod Identity token",
        "EKS Auth refused an expired Pod Identity token: the SDK read the token file once (botocore "
        "1.32.0-1.34.40 did; upgrade) or the token was cached",
        "boto/botocore#3117",
        "Error when retrieving credentials from container-role: Error retrieving metadata: Received non 200 "
        "response 400 from container metadata: [<id>]: (ExpiredTokenException): The token included in the "
        "request is expired: current date/time ... must be before the expiration date/time ...., fault: client",
    ),
    Shape(
        "ERR-026", "aws", "unknown", "s3",
        r"NoSuchBucket|The specified bucket does not exist",
        "The bucket does not exist",
        "the credentials worked; the bucket name is wrong or the bucket was deleted",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html",
        "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist",
    ),
    Shape(
        "ERR-027", "aws", "unknown", "s3",
        r"NoSuchKey|The specified key does not exist",
        "The object does not exist",
        "the credentials worked; the object key is wrong (with s3:ListBucket S3 says NoSuchKey, without it AccessDenied)",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html",
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.",
    ),
    Shape(
        "ERR-028", "aws", "unknown", "s3",
        r"PermanentRedirect|AuthorizationHeaderMalformed|must be addressed using the specified endpoint",
        "Request went to the bucket's wrong region",
        "the client's region (AWS_REGION / AWS_DEFAULT_REGION) is not the bucket's region",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html",
        "An error occurred (PermanentRedirect) when calling the ListObjects operation: The bucket you are "
        "attempting to access must be addressed using the specified endpoint. Please send all future requests "
        "to this endpoint.",
        next=_ENV,
    ),
    Shape(
        "ERR-029", "aws", "pod-identity", "s3",
        r"PackedPolicyTooLarge",
        "Session policy and tags too large",
        "the session's tags and policy exceed STS's packed size: with Pod Identity, the six session tags; "
        "disabling them (disableSessionTags) breaks aws:PrincipalTag conditions in the role's policies",
        "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html",
        "PackedPolicyTooLarge",
        next=_PI_ASSOC,
    ),
    Shape(
        "ERR-030", "aws", "unknown", None,
        r"The security token included in the request is invalid",
        "The credentials themselves are invalid",
        "AWS does not know the access key the SDK signed with (deleted or rotated static keys, keys of another "
        "partition, or a session key sent without its token); which provider supplied them the text does not say",
        "aws-azure-login/aws-azure-login#251",
        "<Code>InvalidClientTokenId</Code>\n    <Message>The security token included in the request is "
        "invalid</Message>",
        next=_ENV,
    ),
    # --- botocore / boto3 / AWS CLI -------------------------------------------------------------
    Shape(
        "ERR-101", "botocore", "irsa", "sts",
        r"when calling the AssumeRoleWithWebIdentity operation",
        "botocore: AssumeRoleWithWebIdentity failed",
        "botocore's web identity provider (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE) called STS and was refused",
        "sentry-kubernetes/charts#514",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
        kind="wrapper",
    ),
    Shape(
        "ERR-102", "botocore", "none", "injection",
        r"Unable to locate credentials",
        "botocore found no credentials at all",
        "no provider in botocore's chain had credentials: the container has no IRSA/Pod Identity env, no "
        "keys, and IMDS is blocked (hop limit 1 / IMDSv2 required)",
        "boto/botocore#1965",
        "NoCredentialsError('Unable to locate credentials')",
        next=_ENV,
        unless=("ERR-150",),
    ),
    Shape(
        "ERR-103", "botocore", "pod-identity", "agent",
        r"container metadata: (?:Could not connect to the|Connect timeout on) endpoint URL: "
        r"\"http://(?:169\.254\.170\.23|\[fd00:ec2::23\])",
        "botocore could not reach the Pod Identity agent",
        "nothing answers on 169.254.170.23 for this pod: agent DaemonSet missing or not Ready on the node, "
        "or a NetworkPolicy/iptables rule drops the traffic",
        "aws-samples/containers-blog-maelstrom#123",
        "botocore.exceptions.CredentialRetrievalError: Error when retrieving credentials from container-role: "
        "Error retrieving metadata: Received error when attempting to retrieve container metadata: Connect "
        "timeout on endpoint URL: \"http://169.254.170.23/v1/credentials\"",
        next=_PI_AGENT,
    ),
    Shape(
        "ERR-104", "botocore", "pod-identity", "agent",
        r"Unsupported host '169\.254\.170\.23'",
        "botocore too old for Pod Identity",
        "this botocore predates Pod Identity (< 1.32.0): it refuses the agent's address; upgrade boto3/botocore "
        "to >= 1.34.41",
        "boto/botocore botocore/utils.py (before commit 54a09c7d0)",
        "Unsupported host '169.254.170.23'.  Can only retrieve metadata from these hosts: 169.254.170.2, "
        "localhost, 127.0.0.1",
    ),
    Shape(
        "ERR-105", "botocore", "pod-identity", "agent",
        r"Error when retrieving credentials from container-role",
        "botocore: container credentials failed",
        "botocore's container provider (AWS_CONTAINER_CREDENTIALS_FULL_URI, Pod Identity) failed",
        "boto/botocore#3117",
        "Error when retrieving credentials from container-role: Error retrieving metadata: Received non 200 "
        "response 400 from container metadata",
        kind="wrapper",
        unless=("ERR-103", "ERR-104"),
    ),
    Shape(
        "ERR-106", "botocore", "pod-identity", "token",
        r"Auth token value is not a legal header value",
        "Pod Identity token file is not a clean header value",
        "the file in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE holds CR/LF (hand-written token or a copy with "
        "a trailing newline)",
        "boto/botocore botocore/credentials.py (ContainerProvider._validate_auth_token)",
        "ValueError: Auth token value is not a legal header value",
    ),
    Shape(
        "ERR-107", "botocore", "irsa", "injection",
        r"assume role with web identity but has no role ARN configured",
        "Token file without AWS_ROLE_ARN",
        "the container has AWS_WEB_IDENTITY_TOKEN_FILE but no AWS_ROLE_ARN: injection is incomplete "
        "(hand-set env, or a container the webhook skipped)",
        "boto/botocore botocore/credentials.py (AssumeRoleWithWebIdentityProvider)",
        "botocore.exceptions.InvalidConfigError: The provided profile or the current environment is configured "
        "to assume role with web identity but has no role ARN configured. Ensure that the profile has the "
        "role_arnconfiguration set or the AWS_ROLE_ARN env var is set.",
        next=_ENV,
    ),
    Shape(
        "ERR-150", "aws-cli", "none", "injection",
        r"Unable to locate credentials\. You can configure credentials by running \"aws configure\"",
        "The AWS CLI found no credentials at all",
        "no provider in the CLI's chain (botocore's) had credentials: in a pod, no IRSA/Pod Identity env and "
        "IMDS blocked",
        "aws/aws-cli#4684",
        "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
        next=_ENV,
    ),
    # --- aws-sdk-go (v1) ------------------------------------------------------------------------
    Shape(
        "ERR-201", "go-v1", "irsa", "sts",
        r"WebIdentityErr: failed to retrieve credentials",
        "Go v1: web identity credentials failed",
        "aws-sdk-go's web identity provider called STS and was refused (the cause is on the 'caused by:' line)",
        "kubernetes-sigs/aws-load-balancer-controller#1935",
        "WebIdentityErr: failed to retrieve credentials",
        kind="wrapper",
    ),
    Shape(
        "ERR-202", "go-v1", "none", "injection",
        r"NoCredentialProviders: no valid providers in chain",
        "Go v1 found no credentials at all",
        "no provider in aws-sdk-go's chain had credentials: no IRSA/Pod Identity env understood, no keys, "
        "IMDS blocked",
        "kubernetes/kubernetes#13858",
        "error listing AWS instances: NoCredentialProviders: no valid providers in chain",
        next=_ENV,
    ),
    Shape(
        "ERR-203", "go-v1", "irsa", "injection",
        r"WebIdentityErr: role ARN is not set",
        "Go v1: token file without AWS_ROLE_ARN",
        "the container has AWS_WEB_IDENTITY_TOKEN_FILE but no AWS_ROLE_ARN: injection is incomplete",
        "aws/amazon-eks-pod-identity-webhook#67",
        "E! [EC2] getting new session info:  WebIdentityErr: role ARN is not set",
        next=_ENV,
    ),
    Shape(
        "ERR-204", "go-v1", "pod-identity", "agent",
        r"invalid endpoint host, \\?\"169\.254\.170\.23\\?\", only loopback hosts are allowed",
        "Go SDK too old for Pod Identity",
        "this aws-sdk-go predates Pod Identity (Go v1 < 1.47.11, Go v2 < 2023-11-14): it ignores the agent's "
        "address; upgrade the SDK",
        "kubernetes-sigs/external-dns#4353",
        "Ignoring, HTTP credential provider invalid endpoint host, \"169.254.170.23\", only loopback hosts are allowed.",
    ),
    # --- aws-sdk-go-v2 --------------------------------------------------------------------------
    Shape(
        "ERR-301", "go-v2", "irsa", "sts",
        r"operation error STS: AssumeRoleWithWebIdentity",
        "Go v2: AssumeRoleWithWebIdentity failed",
        "aws-sdk-go-v2's web identity provider called STS and was refused (the cause follows on the line)",
        "namespacelabs/foundation#801",
        "failed to retrieve credentials: failed to refresh cached credentials, failed to retrieve credentials, "
        "operation error STS: AssumeRoleWithWebIdentity, exceeded maximum number of attempts, 3, https response "
        "error StatusCode: 400, RequestID: 15810d8a-d7cf-4cf6-a789-344247a93714, InvalidIdentityToken: No "
        "OpenIDConnect provider found in your account for {redacted}",
        kind="wrapper",
    ),
    Shape(
        "ERR-302", "go-v2", "none", "injection",
        r"no EC2 IMDS role found",
        "Go v2 fell through to IMDS and found no role",
        "aws-sdk-go-v2 found no web identity or container env and IMDS gave no role: the pod has no injected "
        "identity and cannot use the node's",
        "aws/aws-sdk-go#5138",
        "failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, no EC2 "
        "IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded",
        next=_ENV,
    ),
    Shape(
        "ERR-303", "go-v2", "pod-identity", "agent",
        r"Get \"http://(?:169\.254\.170\.23|\[fd00:ec2::23\])/v1/credentials\": (?:context deadline exceeded|dial tcp)",
        "Go: the Pod Identity agent did not answer",
        "nothing answered on the Pod Identity agent's address for this pod: agent missing or not Ready on the "
        "node, or egress to 169.254.170.23 blocked",
        "aws/secrets-store-csi-driver-provider-aws#537",
        "Get \"http://169.254.170.23/v1/credentials\": context deadline exceeded (Client.Timeout exceeded while "
        "awaiting headers)",
        next=_PI_AGENT,
    ),
    # --- aws-sdk-java (v1) ----------------------------------------------------------------------
    Shape(
        "ERR-401", "java-v1", "irsa", "sts",
        r"AWSSecurityTokenServiceException",
        "Java v1: STS refused the call",
        "aws-sdk-java's STS client was refused (with WebIdentityTokenCredentialsProvider: the web identity exchange)",
        "kubeflow/spark-operator#1129",
        "No AWS Credentials provided by WebIdentityTokenCredentialsProvider : "
        "com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity (Service: AWSSecurityTokenService; Status Code: 403; Error Code: "
        "AccessDenied; Request ID: ID; Proxy: null)",
        kind="wrapper",
    ),
    Shape(
        "ERR-402", "java-v1", "none", "injection",
        r"Unable to load AWS credentials from any provider in the chain",
        "Java v1 found no credentials at all",
        "no provider in aws-sdk-java's chain had credentials (also when the aws-java-sdk-sts module is missing, "
        "so the web identity provider cannot run)",
        "aws/aws-sdk-java#1324",
        "com.amazonaws.SdkClientException: Unable to load AWS credentials from any provider in the chain",
        next=_ENV,
    ),
    # --- aws-sdk-java-v2 ------------------------------------------------------------------------
    Shape(
        "ERR-501", "java-v2", "irsa", "sts",
        r"\(Service: Sts, Status Code: \d+",
        "Java v2: STS refused the call",
        "aws-sdk-java-v2's STS client was refused; note Java v2's default chain then falls through to the next "
        "provider (container, then IMDS: the node role)",
        "aws/aws-sdk-java-v2#1470",
        "software.amazon.awssdk.services.sts.model.StsException: Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity (Service: Sts, Status Code: 403, Request ID: "
        "d8ee3773-3046-41d0-9b95-373ec1ae7b07, Extended Request ID: null)",
        kind="wrapper",
    ),
    Shape(
        "ERR-502", "java-v2", "none", "injection",
        r"Unable to load credentials from any of the providers in the chain",
        "Java v2 found no credentials at all",
        "no provider in aws-sdk-java-v2's chain had credentials (the 'sts' module missing from the classpath "
        "disables web identity)",
        "aws/aws-sdk-java-v2#5294",
        "software.amazon.awssdk.core.exception.SdkClientException: Unable to load credentials from any of the "
        "providers in the chain.",
        next=_ENV,
    ),
    Shape(
        "ERR-503", "java-v2", "irsa", "injection",
        r"To use web identity tokens, the 'sts' service module must be on the class path",
        "Java v2 without the sts module",
        "the application lacks software.amazon.awssdk:sts, so IRSA is skipped (and the chain moves on, often "
        "to the node role)",
        "aws/aws-sdk-java#2136",
        "To use web identity tokens, the 'sts' service module must be on the class path.",
    ),
    # --- aws-sdk-js-v3 --------------------------------------------------------------------------
    Shape(
        "ERR-601", "js-v3", "pod-identity", "agent",
        r"169\.254\.170\.23 is not a valid container metadata service hostname",
        "JS v3 too old for Pod Identity",
        "this aws-sdk-js-v3 predates Pod Identity (< 3.458.0): it refuses the agent's address; upgrade",
        "aws/aws-sdk-js-v3#5709",
        "CredentialsProviderError: 169.254.170.23 is not a valid container metadata service hostname",
    ),
    Shape(
        "ERR-602", "js-v3", "none", "injection",
        r"Could not load credentials from any providers",
        "JS found no credentials at all",
        "no provider in the JS SDK's chain had credentials (v2 and v3 word it the same)",
        "aws/aws-sdk-js#3672",
        "Could not load credentials from any providers",
        next=_ENV,
    ),
    Shape(
        "ERR-603", "js-v3", "irsa", "sts",
        r"de_AssumeRoleWithWebIdentityCommandError",
        "JS v3: AssumeRoleWithWebIdentity failed",
        "aws-sdk-js-v3's fromTokenFile provider called STS and was refused",
        "aws/aws-sdk-js-v3#5083",
        "    at de_AssumeRoleWithWebIdentityCommandError "
        "(/path/node_modules/@aws-sdk/client-sts/dist-cjs/protocols/Aws_query.js:219:25)",
        kind="wrapper",
    ),
    # --- aws-sdk-rust ---------------------------------------------------------------------------
    Shape(
        "ERR-701", "rust", "none", "injection",
        r"no providers in chain provided credentials",
        "Rust found no credentials at all",
        "no provider in aws-config's default chain had credentials",
        "awslabs/aws-sdk-rust#988 (aws-config src/meta/credentials/chain.rs)",
        "no providers in chain provided credentials",
        next=_ENV,
    ),
    Shape(
        "ERR-702", "rust", "pod-identity", "agent",
        r"invalid full URI for ECS provider \(URI did not refer to the loopback interface\)",
        "Rust SDK too old for Pod Identity",
        "this aws-config predates Pod Identity (< release-2024-03-13): it refuses the agent's address; upgrade",
        "vectordotdev/helm-charts#452",
        "provider failed to provide credentials provider=EcsContainer error=the credentials provider was not "
        "properly configured: invalid full URI for ECS provider (URI did not refer to the loopback interface): "
        "http://169.254.170.23/v1/credentials",
    ),
    # --- terraform-provider-aws -----------------------------------------------------------------
    Shape(
        "ERR-801", "terraform", "none", "injection",
        r"no valid credential sources for Terraform AWS Provider found|No valid credential sources found",
        "Terraform found no credentials at all",
        "the AWS provider's chain found no credentials (in a pod: no injected identity and no node role)",
        "hashicorp/terraform-provider-aws#34234",
        "Error: error configuring Terraform AWS Provider: no valid credential sources for Terraform AWS "
        "Provider found.",
        next=_ENV,
    ),
    Shape(
        "ERR-802", "terraform", "node-role", "injection",
        r"AWS Auth provider used: \"EC2RoleProvider\"",
        "Terraform in a pod used the node role",
        "Terraform took the node's instance role from IMDS: the pod's IRSA/Pod Identity was not used "
        "(not injected, or an old provider)",
        "hashicorp/terraform-provider-aws#19045",
        "2021/04/20 11:30:35 [INFO] AWS Auth provider used: \"EC2RoleProvider\"",
        next=_ENV,
    ),
    # --- eks-pod-identity-agent -----------------------------------------------------------------
    Shape(
        "ERR-901", "agent", "pod-identity", "token",
        r"Service account token cannot be parsed",
        "Agent could not parse the token",
        "the client sent something that is not the projected token (a 'Bearer ' prefix, a stale or edited copy)",
        "n8n-io/n8n#23584",
        "Service account token cannot be parsed: token is malformed: could not base64 decode header: illegal "
        "base64 data at input byte 6",
    ),
    Shape(
        "ERR-902", "agent", "pod-identity", "token",
        r"Service account token failed basic claim validations",
        "Agent saw an expired or not-yet-valid token",
        "the token the client sent is expired (read once and cached, e.g. botocore < 1.34.41) or the clock is off",
        "boto/botocore#3480",
        "Received non 200 response 400 from container metadata: Service account token failed basic claim "
        "validations: token is expired",
    ),
    Shape(
        "ERR-903", "agent", "pod-identity", "token",
        r"Service account token cannot be empty",
        "Agent got no token",
        "the client sent no Authorization header: the token file is empty or unreadable, or the app calls the "
        "agent without it",
        "aws/eks-pod-identity-agent internal/validation/request.go",
        "Service account token cannot be empty",
    ),
    Shape(
        "ERR-904", "agent", "pod-identity", "agent",
        r"Called agent through invalid address",
        "Agent called through a wrong address",
        "the client reached the agent through another host name or IP than 169.254.170.23 / fd00:ec2::23 "
        "(hand-set URI, proxy)",
        "aws/eks-pod-identity-agent internal/validation/request.go",
        "Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23] "
        "address not localhost",
    ),
    Shape(
        "ERR-905", "agent", "pod-identity", "agent",
        r"listen tcp \[fd00:ec2::23\]:80: bind: cannot assign requested address",
        "Agent cannot start without IPv6",
        "the agent crashes on nodes without IPv6; set the add-on's agent argument -b 169.254.170.23",
        "aws/eks-pod-identity-agent#16",
        "Unable to start server: listen tcp [fd00:ec2::23]:80: bind: cannot assign requested address",
        next=_PI_AGENT,
    ),
    Shape(
        "ERR-906", "agent", "pod-identity", "agent",
        r"unable to fetch credentials from EKS Auth",
        "Agent could not call EKS Auth",
        "the agent could not get credentials from EKS Auth (no route or eks-auth VPC endpoint, proxy, or the "
        "node role lacks eks-auth:AssumeRoleForPodIdentity)",
        "aws/secrets-store-csi-driver-provider-aws#465",
        "Error fetching credentials: error getting credentials to cache: unable to fetch credentials from EKS "
        "Auth: operation error EKS Auth: AssumeRoleForPodIdentity, https response error StatusCode: 0, "
        "RequestID: , canceled, context canceled",
        next=_PI_AGENT,
    ),
]

SHAPES: dict[str, Shape] = {s.code: s for s in _C}


def render_markdown() -> str:
    """The body of docs/errors.md."""
    out = [
        "# Error shapes",
        "",
        "Generated from `irsa_tui/explain/shapes.py` by `make docs`; do not edit by hand.",
        "`irsa-tui explain` recognises these texts (see the README). A *wrapper* only says which step",
        "failed; a *cause* says why. Where the mechanism reads *by principal*, the ARN in the text decides",
        "(`…/i-…` node role, `…/botocore-session-…` IRSA, `…/eks-…` Pod Identity, `:user/` static keys).",
        "",
    ]
    for family, (label, _) in FAMILIES.items():
        shapes = [s for s in SHAPES.values() if s.family == family]
        if not shapes:
            continue
        out += [f"## {label}", "", "| code | mechanism | link | kind | meaning | source |", "|---|---|---|---|---|---|"]
        for s in shapes:
            mech = "by principal" if s.by_principal else s.mechanism
            source = s.source if s.source.startswith("http") else f"`{s.source}`"
            out.append(
                f"| `{s.code}` | {mech} | {s.link or '—'} | {s.kind} | {s.meaning.replace('|', '/')} | {source} |"
            )
        out.append("")
        for s in shapes:
            out += [f"### {s.code}: {s.title}", "", "```", s.example, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown())
