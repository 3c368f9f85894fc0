"""The one catalogue of finding codes.

Checks emit ``Finding(code, args)``; the message, explanation and fix come from here,
so wording lives in one place and ``docs/codes.md`` is generated from it
(``python -m irsa_tui.chain.codes > docs/codes.md``). Codes are stable: never renumber,
only add. Prefix per link: SA, INJ, TOK, OIDC, TRUST, STS, S3. Within a link, 0xx are
passes, 1xx warnings, 2xx failures (the default status of the finding).

Templates use ``{name}`` placeholders filled from the finding's args; a missing arg is
left visible as ``{name}`` rather than raising.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from irsa_tui.chain.model import LinkId, Status

__all__ = ["CODES", "Code", "codes_for", "render_markdown"]


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Code:
    id: str
    link: LinkId
    status: Status
    title: str
    """Short name of the situation, for docs and lists."""
    message: str
    """One-line template, the finding's summary."""
    why: str
    """Why it matters / what is going on (a few sentences)."""
    fix: str | None = None
    """Template of the exact fix; None when nothing needs fixing."""

    @staticmethod
    def render(template: str, args: Mapping[str, str]) -> str:
        return string.Formatter().vformat(template, (), _Missing({k: str(v) for k, v in args.items()}))


_S = LinkId.SERVICE_ACCOUNT
_I = LinkId.INJECTION
_T = LinkId.TOKEN
_O = LinkId.OIDC_PROVIDER
_P = LinkId.TRUST_POLICY
_STS = LinkId.STS
_S3 = LinkId.S3
P, W, F = Status.PASS, Status.WARN, Status.FAIL

_ALL: list[Code] = [
    # --- service-account (begin) ---
    # --- service-account (end) ---
    # --- injection (begin) ---
    # --- injection (end) ---
    # --- token (begin) ---
    # --- token (end) ---
    # --- oidc-provider (begin) ---
    Code(
        "OIDC-001",
        _O,
        P,
        "Provider trusts the issuer",
        "IAM OIDC provider {provider_arn} trusts issuer {issuer} with client id {audience}; JWKS verifies the token",
        "STS accepts a web-identity token only when the role's account has an IAM OIDC provider whose URL "
        "equals the token's `iss`, whose client ID list contains the token's `aud`, and whose issuer serves "
        "the public key (JWKS) that signed the token. All three hold.",
    ),
    Code(
        "OIDC-002",
        _O,
        P,
        "Provider trusts the issuer (signature not checked)",
        "IAM OIDC provider {provider_arn} trusts issuer {issuer} with client id {audience}; "
        "signature not checked ({reason})",
        "The role's account has an IAM OIDC provider for the token's issuer and its client IDs include the "
        "token audience. The token's signature could not be checked against the issuer's JWKS here, so a "
        "key problem would only show in the live STS call.",
    ),
    Code(
        "OIDC-101",
        _O,
        W,
        "Provider thumbprint does not match the issuer's CA",
        "provider {provider_arn} thumbprints {thumbprints} do not include the issuer's top CA {thumbprint}",
        "The thumbprint is the SHA-1 of the top CA certificate of the JWKS host. Since 2023 IAM validates the "
        "JWKS host's certificate against its own library of trusted root CAs and uses thumbprints only when "
        "the chain does not end in one of those, so for EKS issuers (public CAs) a mismatch normally does not "
        "break IRSA. Keeping it current avoids 'HTTPS certificate doesn't match configured thumbprint' should "
        "IAM ever fall back to it.",
        "aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn {provider_arn} "
        "--thumbprint-list {thumbprint}",
    ),
    Code(
        "OIDC-201",
        _O,
        F,
        "No IAM OIDC provider for the issuer",
        "no IAM OIDC provider for {issuer} in account {account}; STS will answer InvalidIdentityToken: "
        "No OpenIDConnect provider found in your account for {issuer}",
        "IAM trusts tokens from an OIDC issuer only after an IAM OIDC provider with exactly that URL exists "
        "in the account that owns the role. EKS creates the issuer with the cluster, but not the IAM "
        "provider: someone has to associate it once per cluster (and again for a re-created cluster, which "
        "gets a new issuer id).",
        "eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
        "# or, without eksctl:\n"
        "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-202",
        _O,
        F,
        "Provider URL is a near miss",
        "account {account} has provider {near_arn}, which differs from issuer {issuer} by {difference}; "
        "STS needs an exact match and will answer InvalidIdentityToken: No OpenIDConnect provider found",
        "STS looks the provider up by the token's `iss` claim, character for character (without "
        "`https://`). A provider created with a trailing slash, different case or a typo is a different "
        "provider, so tokens from the real issuer find none.",
        "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}\n"
        "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn {near_arn}",
    ),
    Code(
        "OIDC-203",
        _O,
        F,
        "Provider exists only for another (old) cluster",
        "account {account} has an OIDC provider for another cluster issuer ({near_arn}) but none for "
        "{issuer}; STS will answer InvalidIdentityToken: No OpenIDConnect provider found",
        "Every EKS cluster gets its own issuer id (`/id/<32 hex>`); a re-created or migrated cluster gets a "
        "new one. A provider made for the old cluster does not trust tokens of the new cluster, and trust "
        "policies that name the old provider must be updated too.",
        "eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
        "# or, without eksctl:\n"
        "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-204",
        _O,
        F,
        "Cross-account role: provider missing in the role's account",
        "role is in account {account} but the cluster is in {cluster_account}; account {account} has no "
        "OIDC provider for {issuer} (the provider must be in the role's account)",
        "STS checks the token against OIDC providers of the account that owns the role, not the cluster's "
        "account. For a cross-account role, create a provider for the cluster's issuer in the role's "
        "account (eksctl only creates it in the cluster's account).",
        "# with credentials for account {account}:\n"
        "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-205",
        _O,
        F,
        "Provider client IDs lack the token audience",
        "provider {provider_arn} client IDs [{client_ids}] lack the token audience {audience}; STS will "
        "answer InvalidIdentityToken: Incorrect token audience",
        "The provider's client ID list is the set of audiences IAM accepts. The pod's projected token "
        "carries `aud` = the ServiceAccount's eks.amazonaws.com/audience (default sts.amazonaws.com); if "
        "that value is not a client ID of the provider, STS rejects every token.",
        "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider_arn} "
        "--client-id {audience}",
    ),
    Code(
        "OIDC-206",
        _O,
        F,
        "Issuer does not serve its discovery document or keys",
        "issuer {issuer} does not serve its {what}: {error}; STS will answer InvalidIdentityToken: "
        "Couldn't retrieve verification key from your identity provider",
        "STS fetches `<issuer>/.well-known/openid-configuration` and then the `jwks_uri` to get the key that "
        "signed the token. If the issuer answers 404, 5xx or garbage, STS cannot verify any token. For EKS "
        "this is AWS-hosted; for self-managed issuers (S3 bucket, kOps) check the published files.",
        "curl -sS {issuer}/.well-known/openid-configuration\ncurl -sS {issuer}/keys",
    ),
    Code(
        "OIDC-207",
        _O,
        F,
        "Discovery document names another issuer",
        "discovery document of {issuer} says issuer {discovered}, not {issuer}",
        "OIDC requires the `issuer` in the discovery document to equal the URL it was fetched from and the "
        "token's `iss`. When they differ, STS cannot match the token to the provider and rejects it. "
        "This usually means the apiserver's --service-account-issuer and the published discovery "
        "document disagree (self-managed issuers).",
        '# republish the discovery document with "issuer": "{issuer}", or set the apiserver\'s\n'
        "# --service-account-issuer to {discovered} and recreate the IAM provider to match",
    ),
    Code(
        "OIDC-208",
        _O,
        F,
        "JWKS lacks the token's signing key",
        "JWKS of {issuer} has no key with kid {kid}; STS will answer InvalidIdentityToken: Couldn't retrieve "
        "verification key from your identity provider",
        "STS picks the verification key by the token header's `kid`. The issuer's JWKS does not publish that "
        "key: the token was signed by a key the issuer does not (or no longer) serve, e.g. after a signing "
        "key change on a self-managed issuer, or the token comes from another cluster.",
        "curl -sS {issuer}/keys  # compare the kids with the token's kid {kid}",
    ),
    Code(
        "OIDC-209",
        _O,
        F,
        "Token signature does not verify",
        "the token's signature does not verify against the JWKS of {issuer} ({detail})",
        "The issuer publishes a key with the token's `kid`, but the signature does not verify with it. "
        "STS will reject the token. The token was not signed by this issuer's key (tampered, or minted by "
        "another apiserver that reuses the kid).",
        "kubectl -n {namespace} delete pod {pod}  # let the kubelet mint a fresh token, then re-run",
    ),
    Code(
        "OIDC-210",
        _O,
        F,
        "More than 5 thumbprints",
        "provider {provider_arn} reports {count} thumbprints; IAM allows at most 5",
        "IAM's ThumbprintList holds at most 5 entries, so this provider description is corrupt or did not "
        "come from IAM. Re-read the provider and reset the list.",
        "aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn {provider_arn} "
        "--thumbprint-list {thumbprint}",
    ),
    # --- oidc-provider (end) ---
    # --- trust-policy (begin) ---
    Code(
        "TRUST-001",
        _P,
        P,
        "Trust policy allows the token",
        "statement {statement} allows {sub} (aud {aud}) from {provider} to assume {role}{note}",
        "STS grants sts:AssumeRoleWithWebIdentity only if a statement of the role's trust policy names the "
        "token's IAM OIDC provider as Principal.Federated, allows that Action, and its conditions on "
        "`<issuer>:sub` / `<issuer>:aud` hold for the token, with no Deny statement matching. irsa-tui "
        "evaluated the policy against the pod's token claims the way STS does.",
    ),
    Code(
        "TRUST-101",
        _P,
        W,
        "Allow statement is too broad",
        "statement {statement} is too broad: {reason}",
        "A trust policy statement for an EKS issuer that does not pin `<issuer>:sub` to one ServiceAccount "
        '(or that trusts Principal "*") lets other identities assume the role: any pod of the cluster '
        "whose ServiceAccount is annotated with this role ARN gets its permissions. Pin :sub with "
        "StringEquals (or a namespace with StringLike system:serviceaccount:NS:*).",
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json\n"
        "# trust.json:\n{policy}",
    ),
    Code(
        "TRUST-102",
        _P,
        W,
        "ForAllValues condition is over-permissive",
        "statement {statement} uses {operator} on {key}: true when the key is absent, so it restricts nothing",
        "ForAllValues: is true when the request has no value for the key (an empty set satisfies 'all "
        "values'), so a trust condition written with it lets tokens without that claim through. For the "
        "single-valued :sub and :aud keys use plain StringEquals / StringLike.",
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json\n"
        "# trust.json:\n{policy}",
    ),
    Code(
        "TRUST-103",
        _P,
        W,
        "Trust policy note",
        "trust policy: {warning}",
        "The evaluator noticed something in the trust policy that does not block this token but is unusual "
        "or fragile (e.g. a missing or old Version, which disables policy variables).",
    ),
    Code(
        "TRUST-201",
        _P,
        F,
        "No statement allows the token",
        "trust policy of {role} does not allow this token: statement {statement}: {reason}",
        "STS allows sts:AssumeRoleWithWebIdentity only when a statement's Principal.Federated is the "
        "token's provider ARN, its Action covers sts:AssumeRoleWithWebIdentity, and every condition holds "
        "for the token's claims (keys `<issuer>:sub`, `<issuer>:aud`). No Allow statement matches, so STS "
        "answers AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity.",
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json\n"
        "# trust.json = your current statements + the one this pod needs (last); drop statement "
        "{statement} if it was meant for this pod:\n{policy}",
    ),
    Code(
        "TRUST-202",
        _P,
        F,
        "A Deny statement matches the token",
        "statement {statement} of the trust policy of {role} explicitly denies this token",
        "An explicit Deny in the trust policy wins over every Allow. The Deny statement matches this "
        "token's provider and claims, so STS answers AccessDenied: Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity.",
        "aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument\n"
        "# remove or narrow statement {statement}, then:\n"
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    # --- trust-policy (end) ---
    # --- sts (begin) ---
    Code(
        "STS-001",
        _STS,
        P,
        "AssumeRoleWithWebIdentity works",
        "assumed {role} as {assumed_role_arn} (endpoint {endpoint})",
        "irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's token and role, exactly as the AWS SDK "
        "in the pod does, and STS returned credentials. The whole web-identity part of the chain works.",
    ),
    Code(
        "STS-101",
        _STS,
        W,
        "Live success disagrees with a static failure",
        "live result disagrees with static prediction ({links} predicted a failure): live wins",
        "STS accepted the token although the static checks predicted a refusal. The live call is the truth; "
        "likely reasons: a policy changed between reads (IAM is eventually consistent), a condition or "
        "provider match we model more strictly than STS, or facts read from another account or cluster.",
    ),
    Code(
        "STS-102",
        _STS,
        W,
        "Live failure disagrees with the static prediction",
        "live result disagrees with the static prediction (static checks passed); live wins",
        "The static checks of the token, OIDC provider and trust policy predicted success, but STS refused. "
        "Likely reasons: an SCP or RCP denying sts:AssumeRoleWithWebIdentity, condition keys irsa-tui does "
        "not model, or eventual consistency of a just-changed policy or provider (wait a minute and retry).",
    ),
    Code(
        "STS-201",
        _STS,
        F,
        "STS refused: OIDC provider problem",
        "STS refused: {error_code}: {error_message} — points at oidc-provider ({cause})",
        "STS could not match the token to a usable IAM OIDC provider in the role's account: the provider is "
        "missing or names another issuer, its client IDs lack the token audience, or STS could not fetch "
        "the issuer's signing keys. The oidc-provider link shows which.",
        "# see the oidc-provider link; the usual fixes:\n"
        "eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
        "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider_arn} "
        "--client-id {audience}",
    ),
    Code(
        "STS-202",
        _STS,
        F,
        "STS refused: trust policy (or missing role)",
        "STS refused: {error_code}: {error_message} — points at trust-policy ({cause})",
        "STS answers 'Not authorized to perform sts:AssumeRoleWithWebIdentity' when no statement of the "
        "role's trust policy allows this token (wrong Federated provider, wrong :sub/:aud value, wrong "
        "Action) and also when the role does not exist. The trust-policy link shows the closest statement.",
        "aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument\n"
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "STS-203",
        _STS,
        F,
        "STS refused: token problem",
        "STS refused: {error_code}: {error_message} — points at token ({cause})",
        "STS rejected the token itself: it had expired, its issuer or a claim was not acceptable, or the "
        "identity provider rejected it. The kubelet refreshes the projected token well before expiry; an "
        "expired token usually means a stuck kubelet, a skewed node clock, or a token copied elsewhere.",
        "kubectl -n {namespace} delete pod {pod}  # a new pod gets a freshly minted token",
    ),
    Code(
        "STS-204",
        _STS,
        F,
        "STS refused: malformed role ARN",
        "STS refused: {error_code}: {error_message} — points at service-account ({cause})",
        "The webhook copies the ServiceAccount's eks.amazonaws.com/role-arn annotation into AWS_ROLE_ARN "
        "without rejecting malformed values (it only logs a warning), so STS receives an ARN it cannot "
        "parse. Fix the annotation, then recreate the pods: the webhook only runs at pod creation.",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn=arn:aws:iam::"
        "<account-id>:role/<role-name> --overwrite\n"
        "kubectl -n {namespace} rollout restart {owner_kind}/{owner_name}",
    ),
    Code(
        "STS-205",
        _STS,
        F,
        "STS is not activated in the region",
        "STS refused: {error_code}: {error_message} — STS is deactivated in this region for the account "
        "(endpoint {endpoint})",
        "Each account can deactivate regional STS endpoints (IAM > Account settings). A pod using the "
        "regional endpoint of a deactivated region gets RegionDisabledException for every call.",
        "# IAM console > Account settings > Security Token Service (STS) > Endpoints: activate {region}\n"
        "# or point the SDK elsewhere, e.g. set AWS_STS_REGIONAL_ENDPOINTS=legacy on the workload",
    ),
    Code(
        "STS-206",
        _STS,
        F,
        "STS refused the request",
        "STS refused: {error_code}: {error_message} — points at sts ({cause})",
        "STS rejected the request itself rather than the token or the trust: e.g. DurationSeconds above the "
        "role's MaxSessionDuration, an invalid session name, a session policy that is malformed or too "
        "large, or a signing/endpoint mismatch.",
        "aws iam get-role --role-name {role} --query Role.MaxSessionDuration\n"
        "# compare with the SDK settings of the workload (AWS_ROLE_SESSION_NAME, duration, session policy)",
    ),
    # --- sts (end) ---
    # --- s3 (begin) ---
    Code(
        "S3-001",
        _S3,
        P,
        "S3 access works",
        "{operation} on {target} works ({seen})",
        "With the credentials STS returned for the pod's role, irsa-tui made the same S3 call an application "
        "would make and S3 answered. The role's permissions reach S3.",
    ),
    Code(
        "S3-101",
        _S3,
        W,
        "No bucket to probe; ListBuckets denied",
        "ListBuckets denied ({error_code}) and no bucket is known: pass --bucket to probe the bucket the app uses",
        "Neither --bucket nor the role's identity policies name a bucket, so irsa-tui fell back to "
        "ListBuckets, which most application roles rightly lack. This says nothing about access to the "
        "bucket the application really uses.",
        "irsa-tui check {namespace}/{pod} --bucket <bucket-name>",
    ),
    Code(
        "S3-201",
        _S3,
        F,
        "s3:ListBucket granted on objects, not on the bucket",
        "role {role} grants s3:ListBucket only on {object_arn} (objects); ListObjectsV2 needs it on the bucket "
        "ARN {bucket_arn}",
        "s3:ListBucket is a bucket-level action: IAM matches it against the bucket ARN arn:aws:s3:::BUCKET, "
        "never against object ARNs arn:aws:s3:::BUCKET/*. A statement granting it only on BUCKET/* matches "
        "nothing, so S3 answers AccessDenied: no identity-based policy allows the s3:ListBucket action.",
        "# add the missing statement {statement}\n"
        "aws iam put-role-policy --role-name {role} --policy-name s3-list-{bucket} --policy-document '{document}'",
    ),
    Code(
        "S3-202",
        _S3,
        F,
        "No identity-based policy allows the action",
        "no identity-based policy of role {role} allows {action} on {resource}",
        "IAM allows a call only if an identity-based policy of the role (inline or attached) has an Allow "
        "statement whose Action and Resource match it. None of the role's policies does, so S3 denies it "
        "with an implicit deny.",
        "aws iam put-role-policy --role-name {role} --policy-name {policy_name} --policy-document '{document}'",
    ),
    Code(
        "S3-203",
        _S3,
        F,
        "Explicit deny in an identity-based policy",
        "an identity-based policy of role {role} explicitly denies {action} on {resource}",
        "An explicit Deny always beats an Allow. One of the role's own policies (inline or attached) has a "
        "Deny statement matching this call, possibly through a condition such as aws:SourceVpc.",
        "aws iam list-role-policies --role-name {role}\n"
        "aws iam list-attached-role-policies --role-name {role}  # find the Deny statement naming {action}",
    ),
    Code(
        "S3-204",
        _S3,
        F,
        "Bucket policy denies the role",
        "the bucket policy of s3://{bucket} explicitly denies {action} to role {role}",
        "A Deny in the bucket's resource-based policy beats any Allow in the role's policies. Typical "
        "causes: conditions on aws:SourceVpce / aws:SourceVpc (the pod does not go through that VPC "
        "endpoint), aws:PrincipalOrgID, or an explicit list of allowed principals.",
        "aws s3api get-bucket-policy --bucket {bucket} --query Policy --output text"
        "  # find the Deny statement and its conditions",
    ),
    Code(
        "S3-205",
        _S3,
        F,
        "Service control policy denies the action",
        "an AWS Organizations policy (SCP/RCP) explicitly denies {action} on {resource} to role {role}",
        "Service control policies (SCPs) and resource control policies (RCPs) of AWS Organizations cap what "
        "principals and resources of the account allow, whatever the role's and bucket's own policies say. "
        "One of them denies this call; only the organization's administrators can change that.",
        "# ask your AWS Organizations administrator; from the management account:\n"
        "aws organizations list-policies-for-target --target-id {account} --filter SERVICE_CONTROL_POLICY",
    ),
    Code(
        "S3-206",
        _S3,
        F,
        "Permissions boundary does not allow the action",
        "the permissions boundary {boundary} of role {role} does not allow {action}",
        "A permissions boundary caps the role's effective permissions: an action must be allowed by both the "
        "identity policies and the boundary. The boundary does not allow this one.",
        "aws iam get-role --role-name {role} --query Role.PermissionsBoundary\n"
        "# add {action} on {resource} to the boundary policy, or remove the boundary:\n"
        "aws iam delete-role-permissions-boundary --role-name {role}",
    ),
    Code(
        "S3-207",
        _S3,
        F,
        "Session policy does not allow the action",
        "a session policy of the assumed-role session does not allow {action} on {resource}",
        "When a session is created with a session policy (Policy or PolicyArns on AssumeRole*), the "
        "session's permissions are the intersection of the role's policies and that session policy. "
        "IRSA sessions created by the SDK have none, so this comes from the caller's configuration.",
        "# remove or widen the session policy passed to AssumeRoleWithWebIdentity by the workload",
    ),
    Code(
        "S3-208",
        _S3,
        F,
        "Access denied (cause not stated)",
        "S3 denied {action} on {resource}: {error_message}",
        "S3 answered AccessDenied without saying which policy denied the call, and the role's identity "
        "policies do seem to allow it. Look at the bucket policy, SCPs, the permissions boundary, KMS key "
        "policy (SSE-KMS buckets) and Block Public Access / ACL settings.",
        "aws s3api get-bucket-policy --bucket {bucket} --query Policy --output text\n"
        "aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names {action} "
        "--resource-arns {resource}",
    ),
    Code(
        "S3-209",
        _S3,
        F,
        "Bucket does not exist",
        "bucket {bucket} does not exist (NoSuchBucket)",
        "S3 says there is no bucket with this name in any account. The name (from {origin}) is mistyped, or "
        "the bucket was deleted.",
        "aws s3api list-buckets --query 'Buckets[].Name'  # find the intended bucket name",
    ),
    Code(
        "S3-210",
        _S3,
        F,
        "Bucket is in another region",
        "bucket {bucket} is in {bucket_region}, the client used {client_region} ({error_code})",
        "S3 requests must be signed for the bucket's region. Clients configured for another region get a "
        "301 PermanentRedirect or AuthorizationHeaderMalformed instead of the data; most SDKs do not follow "
        "these for signed requests.",
        "# configure the S3 client for the bucket's region, e.g.\n"
        "boto3.client('s3', region_name='{bucket_region}')  # or AWS_REGION={bucket_region} for that workload",
    ),
    Code(
        "S3-211",
        _S3,
        F,
        "S3 refused the call",
        "S3 refused {operation} on {target}: {error_code}: {error_message}",
        "S3 answered with an error that is not a permission problem of the role (for example "
        "AllAccessDisabled: the bucket has been disabled, or InvalidAccessKeyId / ExpiredToken for the "
        "session credentials). The message names the cause.",
        "aws s3api head-bucket --bucket {bucket}",
    ),
    # --- s3 (end) ---
]

CODES: dict[str, Code] = {}
for _code in _ALL:
    if _code.id in CODES:  # pragma: no cover - guarded by tests
        raise ValueError(f"duplicate code {_code.id}")
    CODES[_code.id] = _code


def codes_for(link: LinkId) -> list[Code]:
    return [c for c in _ALL if c.link is link]


def render_markdown() -> str:
    """The body of docs/codes.md."""
    out = [
        "# Finding codes",
        "",
        "Generated from `irsa_tui/chain/codes.py` by `make docs`; do not edit by hand.",
        "Each finding irsa-tui reports carries one of these stable codes.",
        "",
    ]
    for link in LinkId:
        out += [f"## `{link.value}` — {link.label}", "", "| code | status | situation | message |", "|---|---|---|---|"]
        for c in codes_for(link):
            msg = c.message.replace("|", "\\|")
            out.append(f"| `{c.id}` | {c.status.value} | {c.title} | {msg} |")
        out.append("")
        for c in codes_for(link):
            out += [f"### {c.id}: {c.title}", "", c.why, ""]
            if c.fix:
                out += ["Fix:", "", "```", c.fix, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown())
