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
    Code(
        "SA-001",
        _S,
        P,
        "ServiceAccount names a role",
        "ServiceAccount {namespace}/{sa} names role {role_arn}",
        "IRSA starts at the pod's ServiceAccount: the pod identity webhook reads its "
        "eks.amazonaws.com/role-arn annotation when the pod is created and injects that ARN as AWS_ROLE_ARN. "
        "The ServiceAccount exists and the annotation holds a well-formed role ARN.",
    ),
    Code(
        "SA-101",
        _S,
        W,
        "Role existence not confirmed",
        "could not confirm that role {role} exists: caller lacks {permission}",
        "irsa-tui asks IAM (GetRole) whether the annotated role exists, but the identity it runs as may not "
        "read it. The annotation itself is well-formed; a missing role would show later as STS AccessDenied.",
        "aws iam get-role --role-name {role} --query Role.Arn  # run as someone with {permission}",
    ),
    Code(
        "SA-102",
        _S,
        W,
        "sts-regional-endpoints annotation is not a boolean",
        "annotation eks.amazonaws.com/sts-regional-endpoints={value} on ServiceAccount {namespace}/{sa} is not "
        "a boolean; the webhook ignores it",
        "The webhook parses this annotation with Go's strconv.ParseBool (true/false, 1/0, t/f, TRUE/True...). "
        "Any other value is silently ignored and the webhook's default applies, so AWS_STS_REGIONAL_ENDPOINTS "
        "may not be injected and older SDKs then call the global STS endpoint.",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/sts-regional-endpoints=true "
        "--overwrite\n{restart}",
    ),
    Code(
        "SA-201",
        _S,
        F,
        "ServiceAccount has no role annotation",
        "ServiceAccount {namespace}/{sa} has no eks.amazonaws.com/role-arn annotation: the pod gets no IRSA "
        "and the SDK falls back to the node role via IMDS",
        "The pod identity webhook injects AWS_ROLE_ARN and the token only for pods whose ServiceAccount "
        "carries eks.amazonaws.com/role-arn. Without it nothing is injected and the AWS SDK walks its credential "
        "chain down to the instance metadata service, silently acting as the node's role (or failing where "
        "IMDS is blocked). Annotate the ServiceAccount, then recreate the pods: the webhook only acts on "
        "pod creation.",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
        "--overwrite\n{restart}",
    ),
    Code(
        "SA-202",
        _S,
        F,
        "ServiceAccount does not exist",
        "ServiceAccount {namespace}/{sa} used by pod {pod} does not exist",
        "The pod runs as a ServiceAccount that is not (or no longer) in the namespace: it was deleted after "
        "the pod started, or the pod was created from a manifest applied before the ServiceAccount. The "
        "webhook found no annotation to inject and the kubelet cannot mint new tokens for a missing "
        "ServiceAccount. Create it with the role annotation and recreate the pod.",
        "kubectl -n {namespace} create serviceaccount {sa}\n"
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn}\n"
        "{restart}",
    ),
    Code(
        "SA-203",
        _S,
        F,
        "Pod runs as 'default' while another ServiceAccount has the role",
        "pod {pod} runs as ServiceAccount 'default', which names no role; ServiceAccount {suggestion} in "
        "{namespace} names {role_arn} - did you mean it?",
        "A pod without spec.serviceAccountName runs as the namespace's 'default' ServiceAccount. The role "
        "annotation is on another ServiceAccount of the namespace, which this pod does not use, so nothing "
        "is injected. Set serviceAccountName in the pod template (a pod's ServiceAccount cannot be changed "
        "in place; the controller rolls out new pods).",
        "{patch}",
    ),
    Code(
        "SA-204",
        _S,
        F,
        "Role annotation key is misspelt",
        "ServiceAccount {namespace}/{sa} has annotation {key} ({difference}), not eks.amazonaws.com/role-arn; "
        "the webhook ignores it",
        "The webhook looks for the exact key eks.amazonaws.com/role-arn (annotation keys are case-sensitive "
        "and whitespace counts). A near miss is just an unrelated annotation to it, so the pod gets no IRSA "
        "and the SDK falls back to the node role.",
        "kubectl -n {namespace} annotate serviceaccount {sa} {remove} eks.amazonaws.com/role-arn={role_arn}\n"
        "{restart}",
    ),
    Code(
        "SA-205",
        _S,
        F,
        "Role ARN annotation is malformed",
        "eks.amazonaws.com/role-arn of {namespace}/{sa} is not a valid role ARN: {value} {problem}; "
        "STS will answer ValidationError: Request ARN is invalid",
        "The webhook checks the ARN against a regex but only logs a warning: it injects the value verbatim "
        "as AWS_ROLE_ARN, and STS rejects AssumeRoleWithWebIdentity with ValidationError 'Request ARN is "
        "invalid'. A role ARN has the form arn:aws:iam::<12-digit account>:role/<name> (aws-cn / aws-us-gov "
        "in those partitions).",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
        "--overwrite\n{restart}",
    ),
    Code(
        "SA-206",
        _S,
        F,
        "Role ARN partition does not match the region",
        "role ARN {value} is in partition {partition} but region {region} is in partition {expected}",
        "AWS partitions (aws, aws-cn, aws-us-gov...) are separate worlds: a pod in a region gets STS and IAM "
        "of that region's partition and cannot assume a role ARN of another partition. The ARN was probably "
        "copied from another environment.",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
        "--overwrite\n{restart}",
    ),
    Code(
        "SA-207",
        _S,
        F,
        "Annotated role does not exist",
        "role {role} does not exist in account {account} (annotation of {namespace}/{sa})",
        "IAM has no role with this name in the account named by the ARN: it was never created, deleted, or "
        "the name or account is mistyped. STS answers AccessDenied (Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity) for a missing role, which looks like a trust-policy problem. Create "
        "the role, or annotate the ServiceAccount with the right ARN.",
        "aws iam list-roles --query \"Roles[?contains(RoleName, '{role}')].Arn\"  # a similar name?\n"
        "# or create it:\n"
        "cat > trust.json <<'EOF'\n{trust}\nEOF\n"
        "aws iam create-role --role-name {role} --assume-role-policy-document file://trust.json",
    ),
    # --- service-account (end) ---
    # --- injection (begin) ---
    Code(
        "INJ-001",
        _I,
        P,
        "Webhook injected every container",
        "all {count} containers have AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and the aws-iam-token mount",
        "When the pod was created, the pod identity webhook added AWS_ROLE_ARN (the ServiceAccount's role), "
        "AWS_WEB_IDENTITY_TOKEN_FILE and a projected ServiceAccount token volume (aws-iam-token) mounted "
        "read-only at /var/run/secrets/eks.amazonaws.com/serviceaccount. The AWS SDK finds these and calls "
        "sts:AssumeRoleWithWebIdentity with the token.",
    ),
    Code(
        "INJ-002",
        _I,
        P,
        "Pod uses hostNetwork (note)",
        "pod {pod} uses hostNetwork: IRSA works as for any pod, but without it the SDK would reach the "
        "node's instance metadata and run as the node role",
        "Web identity comes before instance metadata (IMDS) in every AWS SDK's default credential chain, so "
        "a hostNetwork pod with IRSA uses the IRSA role. What differs is the fallback: a hostNetwork pod "
        "shares the node's network, so it reaches IMDS whatever the IMDSv2 hop limit; if IRSA ever goes "
        "missing (annotation removed, webhook skipped, pod recreated) it silently runs as the node's "
        "instance role, and AccessDenied errors then name that role instead. Other pods are cut off from "
        "IMDSv2 when the node's hop limit is 1.",
    ),
    Code(
        "INJ-003",
        _I,
        P,
        "Pod runs on Fargate (note)",
        "pod {pod} runs on Fargate ({how}): there is no instance metadata, so IRSA is its only AWS identity",
        "IRSA works on Fargate exactly as on nodes: the same webhook, the same projected token, the same "
        "STS call. What differs: Fargate has no instance metadata service, so a pod without IRSA gets no "
        "credentials at all ('Unable to locate credentials') rather than a node role, and the Fargate pod "
        "execution role is used by Fargate itself (image pulls, logging), never by the application. EKS Pod "
        "Identity is not available on Fargate either, so IRSA is the way to give these pods a role.",
    ),
    Code(
        "INJ-101",
        _I,
        W,
        "Webhook configuration not readable",
        "could not check the pod identity webhook configuration: {error}",
        "irsa-tui lists MutatingWebhookConfigurations to tell a missing webhook from one that did not act, "
        "and the caller may not read them. The diagnosis below is the likely cause, not a certainty.",
        "kubectl get mutatingwebhookconfigurations pod-identity-webhook -o yaml  # as a cluster admin",
    ),
    Code(
        "INJ-102",
        _I,
        W,
        "AWS_ROLE_ARN / token file set by hand",
        "container {container} sets {variables} itself (matching the ServiceAccount), so the webhook did not "
        "inject them",
        "When a container already defines AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE, the webhook injects "
        "neither. The values match today, but they no longer follow the ServiceAccount: change the "
        "annotation and this container keeps the old role. Let the webhook own these variables.",
        "# remove AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from container {container} in the manifest, then\n"
        "{restart}",
    ),
    Code(
        "INJ-103",
        _I,
        W,
        "skip-containers entry has a leading space",
        "eks.amazonaws.com/skip-containers entry {entry} has a leading space and matches no container, so "
        "container {container} IS mutated",
        "The webhook parses eks.amazonaws.com/skip-containers with Go's encoding/csv, which keeps spaces "
        "after a comma: 'a, b' yields 'a' and ' b'. ' b' matches no container, so the container you meant "
        "to skip is mutated after all. Write the list without spaces.",
        '# in the pod template set the annotation eks.amazonaws.com/skip-containers: "{fixed}" (no spaces), '
        "then\n{restart}",
    ),
    Code(
        "INJ-104",
        _I,
        W,
        "Static access keys override IRSA",
        "container {container} has AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ({origin}): the SDK uses these "
        "keys, not the IRSA role",
        "The AWS SDKs look for credentials in a fixed order; in botocore: environment keys, assume-role "
        "profile, web identity (IRSA), SSO, shared files, credential_process, container provider, IMDS. "
        "Static keys in the environment come first, so they silently win over IRSA and the pod acts as "
        "the keys' IAM user. Remove them to use the role.",
        "# remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from container "
        "{container}, then\n{restart}",
    ),
    Code(
        "INJ-105",
        _I,
        W,
        "Other credential settings in the environment",
        "container {container} sets {variables}: {effect}",
        "Besides IRSA's variables, the SDK credential chain reads AWS_PROFILE (an assume-role profile with "
        "role_arn + source_profile comes before web identity, and a profile's own web_identity_token_file or "
        "role_arn may differ), AWS_SHARED_CREDENTIALS_FILE (keys used only if web identity is not "
        "configured) and AWS_CONTAINER_CREDENTIALS_* (ECS / Pod Identity endpoint, after web identity). "
        "They make the identity the pod ends up with depend on the SDK and its version.",
        "# check why container {container} sets {variables}; remove them unless needed, then\n{restart}",
    ),
    Code(
        "INJ-106",
        _I,
        W,
        "Pod uses EKS Pod Identity instead of IRSA",
        "pod {pod} got EKS Pod Identity ({evidence}), not IRSA: the role annotation {role_arn} is not used",
        "When an EKS Pod Identity association exists for the namespace and ServiceAccount, the webhook "
        "injects only the Pod Identity variables (AWS_CONTAINER_CREDENTIALS_FULL_URI and the "
        "eks-pod-identity-token volume), never the IRSA ones, even if the ServiceAccount is annotated. The "
        "pod gets the association's role. Remove the association to use IRSA, or drop the annotation.",
        "aws eks list-pod-identity-associations --cluster-name {cluster} --namespace {namespace} "
        "--service-account {sa}",
    ),
    Code(
        "INJ-107",
        _I,
        W,
        "Token volume lifetime below 10 minutes",
        "token volume aws-iam-token asks for expirationSeconds {seconds}, below the 600 s minimum",
        "The API server rejects projected token lifetimes under 10 minutes and the webhook raises its own "
        "annotation values to 600. A hand-written volume with a smaller value will not produce a token.",
        "# set expirationSeconds: 86400 (the IRSA default) on the aws-iam-token volume, then\n{restart}",
    ),
    Code(
        "INJ-108",
        _I,
        W,
        "Token file may not be readable by a non-root user",
        "containers {containers} run as non-root without a pod fsGroup on Kubernetes {version}: the token "
        "file may be mode 0600 and unreadable",
        "The projected token is written by the kubelet. Since Kubernetes 1.19 (kubernetes#89193) it is "
        "0644, or 0600 chowned to the containers' common runAsUser, or 0640 with fsGroup, so any container "
        "can read it. Older kubelets wrote 0600 root-owned files and non-root containers got 'permission "
        "denied' reading the token; the old fix was securityContext.fsGroup.",
        "# add to the pod template: spec.securityContext.fsGroup: 65534, then\n{restart}",
    ),
    Code(
        "INJ-109",
        _I,
        W,
        "No region in the environment",
        "container {container} has neither AWS_REGION nor AWS_DEFAULT_REGION: the SDK may not know its region",
        "IRSA does not need a region to get credentials from the global STS endpoint, but the regional STS "
        "endpoint and every regional AWS client do. The EKS webhook normally injects both with the "
        "cluster's region; without them the SDK falls back to its config file or fails with NoRegionError.",
        "# set AWS_REGION={region} in container {container} (or let the webhook inject it), then\n{restart}",
    ),
    Code(
        "INJ-110",
        _I,
        W,
        "Region differs from the cluster's",
        "container {container} sets {variable}={value}, the cluster is in {region}",
        "The SDK calls STS and other services in the region from AWS_REGION / AWS_DEFAULT_REGION. A region "
        "other than the cluster's is legal (cross-region access) but often a copied manifest: it adds "
        "latency and can hit a region where STS is deactivated (RegionDisabledException).",
        "# check {variable} of container {container}; the cluster is in {region}",
    ),
    Code(
        "INJ-111",
        _I,
        W,
        "No pod identity webhook now",
        "pod {pod} was mutated, but no pod identity webhook is configured now: new pods will not get IRSA",
        "The env and volume were injected when this pod was created, but no MutatingWebhookConfiguration "
        "for the pod identity webhook exists any more. The next pod (rollout, eviction, scaling) will start "
        "without IRSA and fall back to the node role.",
        "kubectl get mutatingwebhookconfigurations  # on EKS the control plane's pod-identity-webhook "
        "must be listed",
    ),
    Code(
        "INJ-201",
        _I,
        F,
        "Pod opted out of the webhook",
        "pod {pod} has label eks.amazonaws.com/skip-pod-identity-webhook={value}: the webhook skips it",
        "The webhook's objectSelector excludes pods carrying the label eks.amazonaws.com/skip-pod-identity-"
        "webhook (any value), so this pod was never mutated and has no AWS_ROLE_ARN or token.",
        "# remove the label eks.amazonaws.com/skip-pod-identity-webhook from the pod template, then\n{restart}",
    ),
    Code(
        "INJ-202",
        _I,
        F,
        "Pod older than the role annotation",
        "pod {pod} was created before ServiceAccount {sa} got the role annotation (pod created {pod_created}, "
        "annotation set {annotation_set})",
        "The webhook mutates a pod only when it is created. Annotating the ServiceAccount later does not "
        "change running pods: they keep running without AWS_ROLE_ARN and the token, and the SDK uses the "
        "node role. Recreate the pods.",
        "{restart}",
    ),
    Code(
        "INJ-203",
        _I,
        F,
        "No pod identity webhook in the cluster",
        "no pod identity webhook in this cluster (self-managed?): nothing injects AWS_ROLE_ARN or the token",
        "IRSA needs the amazon-eks-pod-identity-webhook to add the env and token volume. EKS runs it on the "
        "control plane (MutatingWebhookConfiguration pod-identity-webhook); self-managed, kOps or kind "
        "clusters must deploy it themselves, along with an OIDC issuer IAM can reach.",
        "# EKS: the control plane webhook should exist; open a support case if it was deleted. Self-managed:\n"
        "# deploy https://github.com/aws/amazon-eks-pod-identity-webhook (deploy/), then\n{restart}",
    ),
    Code(
        "INJ-204",
        _I,
        F,
        "Webhook present but pod not mutated",
        "webhook {webhook} exists but pod {pod} has no AWS_ROLE_ARN, token file or aws-iam-token volume",
        "The webhook has failurePolicy Ignore: if it was down or slow when the pod was created, the API "
        "server created the pod unmutated without any error. It also skips pods whose ServiceAccount it had "
        "not seen yet (created just before the pod). Recreating the pod usually fixes it.",
        "{restart}",
    ),
    Code(
        "INJ-205",
        _I,
        F,
        "Container listed in skip-containers",
        "container {container} is listed in eks.amazonaws.com/skip-containers: it gets no AWS_ROLE_ARN, "
        "token file or mount",
        "The pod annotation eks.amazonaws.com/skip-containers tells the webhook not to mutate the named "
        "containers. That container cannot use IRSA and its SDK falls back to the node role.",
        "# remove {container} from eks.amazonaws.com/skip-containers (now {value}) in the pod template, then\n"
        "{restart}",
    ),
    Code(
        "INJ-206",
        _I,
        F,
        "Pod still uses the old role",
        "container {container} still uses the old role {old}; ServiceAccount {sa} now names {new}",
        "AWS_ROLE_ARN was injected from the annotation when the pod was created. The annotation changed "
        "since, but running pods are never updated, so this pod assumes the old role. Recreate it.",
        "{restart}",
    ),
    Code(
        "INJ-207",
        _I,
        F,
        "Hand-set IRSA variables are wrong",
        "container {container} sets {variable}={value} itself: {problem}",
        "When a container already defines AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE, the webhook injects "
        "neither of them, so whatever the manifest says is what the SDK uses. Here it does not match the "
        "ServiceAccount or the projected token.",
        "# remove AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from container {container} so the webhook "
        "injects them, then\n{restart}",
    ),
    Code(
        "INJ-208",
        _I,
        F,
        "Token not mounted where the env points",
        "container {container} has AWS_WEB_IDENTITY_TOKEN_FILE={path} but {problem}",
        "The SDK reads the token from AWS_WEB_IDENTITY_TOKEN_FILE on every credential refresh. Without the "
        "aws-iam-token volume mounted at that directory the file does not exist and the SDK fails with "
        "'No such file or directory' (or falls through to another credential source).",
        "# mount volume aws-iam-token at {directory} (readOnly) in container {container}, or let the "
        "webhook add it, then\n{restart}",
    ),
    Code(
        "INJ-209",
        _I,
        F,
        "Token path holds something else",
        "{what}: the webhook leaves it as is and the file is not a kubelet-projected ServiceAccount token",
        "The webhook does not replace an existing volume named aws-iam-token or a mount at the token "
        "directory. If it is a hostPath, secret or anything but a projected serviceAccountToken, the SDK "
        "reads a stale or foreign token and STS rejects it (or it is missing).",
        "# remove volume {volume} (and its mounts) from the pod template so the webhook adds the projected "
        "token, then\n{restart}",
    ),
    Code(
        "INJ-210",
        _I,
        F,
        "Token volume audience differs",
        "token volume aws-iam-token has audience {actual}, expected {expected}",
        "The token's aud claim comes from the projected volume's audience; STS accepts it only if the IAM "
        "OIDC provider lists it as a client ID and the trust policy's :aud condition allows it. The webhook "
        "sets it from eks.amazonaws.com/audience (default sts.amazonaws.com); a hand-written volume or an "
        "annotation changed later makes them disagree. (No audience means the API server's default, the "
        "issuer URL.)",
        "# set audience: {expected} on the aws-iam-token volume (or remove the volume so the webhook adds "
        "it), then\n{restart}",
    ),
    Code(
        "INJ-211",
        _I,
        F,
        "Container not mutated",
        "container {container} has no AWS_ROLE_ARN and no AWS_WEB_IDENTITY_TOKEN_FILE, unlike {others}",
        "The webhook mutates every init and regular container it is not told to skip. A container without "
        "the variables while others have them was hand-edited or the others' variables were set by hand; "
        "this container uses whatever its SDK finds next (usually the node role).",
        "{restart}  # then check that the webhook mutated every container",
    ),
    # --- injection (end) ---
    # --- token (begin) ---
    Code(
        "TOK-001",
        _T,
        P,
        "Token claims are right",
        "token for {sub}, aud {aud}, issuer {iss}, valid {minutes} more minutes",
        "The kubelet mints the projected token through the TokenRequest API: `sub` names the pod's "
        "ServiceAccount, `aud` the audience STS and the IAM OIDC provider expect, `iss` the cluster's OIDC "
        "issuer, and `exp` lies in the future. STS checks exactly these claims against the provider and the "
        "role's trust policy. The token's lifetime is not the credentials' lifetime: the STS session lasts "
        "DurationSeconds (the SDKs ask for 1 h by default; the role's MaxSessionDuration, 1-12 h, is only "
        "the upper bound), and the SDK renews it by re-reading the token file, so a 24 h token never means "
        "24 h credentials and a short one does not shorten the session.",
    ),
    Code(
        "TOK-002",
        _T,
        P,
        "Unusual token lifetime (note)",
        "token volume lifetime is {seconds} s: {note}",
        "The kubelet refreshes a projected token when it is older than 80 % of its lifetime or 24 hours, "
        "and the SDK re-reads the file on every credential refresh, so any lifetime from 10 minutes up "
        "works. Very short ones mean more TokenRequests; longer than 24 h buys nothing.",
    ),
    Code(
        "TOK-101",
        _T,
        W,
        "Clock skew between the API server and this machine",
        "token iat is {seconds} s {direction} this machine's clock: one of the clocks is off",
        "The API server stamps `iat` with its own clock when it issues the token; irsa-tui requested it "
        "moments before. A large difference means this machine's or the control plane's clock is wrong, "
        "which makes expiry judgements here unreliable. STS uses its own clock and tolerates 5 minutes "
        "after `exp`.",
        "date -u  # compare with an NTP source; on nodes: chronyc tracking",
    ),
    Code(
        "TOK-102",
        _T,
        W,
        "token-expiration annotation below 10 minutes",
        "{owner} annotation eks.amazonaws.com/token-expiration={value} is below 600; the webhook raises it "
        "to 600 s",
        "The webhook enforces a 600-second minimum on the projected token lifetime (the API server refuses "
        "shorter ones). The annotation's value is not what the pod gets, which is confusing when debugging "
        "token expiry.",
        "kubectl -n {namespace} annotate {kind} {name} eks.amazonaws.com/token-expiration=600 --overwrite",
    ),
    Code(
        "TOK-103",
        _T,
        W,
        "token-expiration annotation is not a number",
        "{owner} annotation eks.amazonaws.com/token-expiration={value} is not an integer; the webhook ignores it",
        "The webhook parses the token lifetime annotation as an integer number of seconds; anything else "
        "is ignored and the default (86400 s on EKS) applies.",
        "kubectl -n {namespace} annotate {kind} {name} eks.amazonaws.com/token-expiration=86400 --overwrite",
    ),
    Code(
        "TOK-201",
        _T,
        F,
        "Token subject is not the pod's ServiceAccount",
        "token sub is {actual}, expected {expected}",
        "The `sub` claim names the ServiceAccount the token was minted for; trust policies match it with "
        "`<issuer>:sub`. A token for another ServiceAccount will be checked against the wrong identity. "
        "The pod's serviceAccountName and the ServiceAccount irsa-tui inspected disagree.",
        "kubectl -n {namespace} get pod {pod} -o jsonpath='{{.spec.serviceAccountName}}'",
    ),
    Code(
        "TOK-202",
        _T,
        F,
        "Token audience is not the expected one",
        "token aud is {actual}, expected it to contain {expected} ({source})",
        "The `aud` claim must be a client ID of the IAM OIDC provider and match the trust policy's "
        "`<issuer>:aud` condition (sts.amazonaws.com for IRSA). The kubelet copies it from the projected "
        "volume's audience, which the webhook sets from eks.amazonaws.com/audience.",
        "# set eks.amazonaws.com/audience (or remove it for sts.amazonaws.com) on ServiceAccount "
        "{namespace}/{sa}, then\n{restart}",
    ),
    Code(
        "TOK-203",
        _T,
        F,
        "Token issuer differs from the cluster's",
        "token issuer {actual} differs from the cluster's current issuer {expected} (cluster re-created?)",
        "The `iss` claim is the API server's --service-account-issuer; STS looks up the IAM OIDC provider by "
        "it. EKS reports a different issuer for this cluster: the kubeconfig context and --cluster point at "
        "different clusters, or the cluster was re-created and its issuer changed.",
        "aws eks describe-cluster --name {cluster} --region {region} --query cluster.identity.oidc.issuer\n"
        "kubectl config current-context  # must be cluster {cluster}",
    ),
    Code(
        "TOK-204",
        _T,
        F,
        "Token expired",
        "token expired {ago} ago (exp {exp}); STS will answer ExpiredTokenException",
        "STS rejects a token whose `exp` has passed (plus up to 5 minutes of tolerance). The kubelet normally "
        "refreshes the projected token long before; an expired one means the kubelet could not refresh it "
        "(it keeps serving the old token on failure) or a clock is badly off.",
        "kubectl -n {namespace} delete pod {pod}  # fresh pod, fresh token; then check kubelet logs on the node",
    ),
    Code(
        "TOK-205",
        _T,
        F,
        "Custom audience not accepted by the OIDC provider",
        "token audience {actual} (set by {source}) is not a client ID of provider {provider}; "
        "STS will answer InvalidIdentityToken: Incorrect token audience",
        "The `eks.amazonaws.com/audience` annotation changes the `aud` claim of the projected token. STS only "
        "accepts a token whose audience is in the IAM OIDC provider's client ID list (and the trust policy's "
        "`:aud` condition usually expects `sts.amazonaws.com` too). Either drop the custom audience or add it "
        "to the provider and the trust policy.",
        "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/audience-  # back to sts.amazonaws.com\n"
        "{restart}\n"
        "# or keep it: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider} "
        "--client-id {actual}",
    ),
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
        "OIDC-102",
        _O,
        W,
        "Cluster not readable; issuer taken from the token",
        "could not read EKS cluster {cluster} ({error}); judged the token's issuer {issuer} instead",
        "irsa-tui compares the token's issuer with the cluster's own (EKS DescribeCluster) to catch a "
        "re-created cluster whose tokens come from a new issuer. That call failed, so the token's `iss` claim "
        "stood in: the provider checks still hold for that issuer, but a wrong `--cluster`/`--region` or a "
        "missing eks:DescribeCluster permission hides the issuer comparison.",
        "aws eks describe-cluster --name {cluster} --region {region} --query cluster.identity.oidc.issuer",
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
        "cat > trust.json <<'EOF'\n{policy}\nEOF\n"
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
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
        "cat > trust.json <<'EOF'\n{policy}\nEOF\n"
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
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
        "# your current statements + the one this pod needs (last); drop statement {statement} if it was "
        "meant for this pod\n"
        "cat > trust.json <<'EOF'\n{policy}\nEOF\n"
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
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
    Code(
        "STS-207",
        _STS,
        F,
        "STS refused: the annotated role is not there",
        "STS refused: {error_code}: {error_message} — points at service-account ({cause})",
        "STS gives the same 'Not authorized to perform sts:AssumeRoleWithWebIdentity' for a role that does "
        "not exist as named (deleted, or an ARN copied from another account or partition) as for a trust "
        "policy that says no. The service-account link found that the annotated ARN cannot name this "
        "role, so fix the annotation (or create the role), not the trust policy.",
        "# the service-account link's fix:\n{sa_fix}",
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
        "S3-002",
        _S3,
        P,
        "Object readable",
        "GetObject on {target} works ({read} byte read; {encryption})",
        "With the role's credentials irsa-tui asked S3 for the first byte of the object named by --object "
        "(Range: bytes=0-0; nothing is changed, the byte is not shown). S3 served it, so s3:GetObject and, "
        "for an SSE-KMS object, kms:Decrypt on its key are allowed.",
    ),
    Code(
        "S3-102",
        _S3,
        W,
        "Bucket in another region (redirect followed)",
        "bucket {bucket} is in {bucket_region}, the pod signs for {client_region}: S3 answered {redirect_code} "
        "and boto3 retried in the right region",
        "S3 answers a request signed for the wrong region with 301 PermanentRedirect or 400 "
        "AuthorizationHeaderMalformed (naming the bucket's region). boto3/botocore follow both and re-sign "
        "for the bucket's region, at the cost of an extra round trip. SDKs or code that do not follow S3 "
        "region redirects (AWS SDK for Java 2.x unless crossRegionAccessEnabled, JavaScript v3 unless "
        "followRegionRedirects, hand-signed requests) fail with that error instead.",
        "# give the workload the bucket's region for S3, e.g.\n"
        "boto3.client('s3', region_name='{bucket_region}')  # or AWS_REGION={bucket_region} for that workload",
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
    Code(
        "S3-212",
        _S3,
        F,
        "kms:Decrypt missing for an SSE-KMS object",
        "role {role} may not kms:Decrypt key {kms_key_arn}, which encrypts {target} (SSE-KMS): "
        "no identity-based policy allows it",
        "The object is encrypted with SSE-KMS. To serve it S3 asks KMS to decrypt the object's data key on "
        "the caller's behalf, so GetObject needs kms:Decrypt on that key as well as s3:GetObject. S3 answers "
        "403 AccessDenied naming kms:Decrypt and the key ARN. The role's policies grant no kms:Decrypt on "
        "the key; note: {key_policy_note}.",
        "cat > kms-decrypt.json <<'EOF'\n{kms_document}\nEOF\n"
        "aws iam put-role-policy --role-name {role} --policy-name {policy_name} "
        "--policy-document file://kms-decrypt.json\n"
        "# key policy (account {kms_account}): {key_policy_note}\n"
        "aws kms get-key-policy --key-id {kms_key_arn} --policy-name default --query Policy --output text",
    ),
    Code(
        "S3-213",
        _S3,
        F,
        "KMS key policy does not allow kms:Decrypt",
        "the key policy of {kms_key_arn} does not let role {role} kms:Decrypt, so {target} (SSE-KMS) is "
        "unreadable",
        "The object is encrypted with SSE-KMS and KMS refused to decrypt its data key for this role: the "
        "key's own (resource-based) policy neither names the role nor delegates to IAM policies of its "
        "account, or denies it. A role policy alone cannot fix this; the key policy must allow the role "
        "(the key is in account {kms_account}; {key_policy_note}).",
        "# from account {kms_account}: read the key policy, add this statement to its Statement list\n"
        "#   {key_statement}\n"
        "aws kms get-key-policy --key-id {kms_key_arn} --policy-name default --query Policy --output text "
        "> key-policy.json\n"
        "aws kms put-key-policy --key-id {kms_key_arn} --policy-name default --policy file://key-policy.json",
    ),
    Code(
        "S3-214",
        _S3,
        F,
        "Object does not exist",
        "object {key} does not exist in bucket {bucket} (NoSuchKey)",
        "S3 answered 404 NoSuchKey: the key is not in the bucket (S3 says so only to callers allowed "
        "s3:ListBucket; others get 403 AccessDenied). The key is mistyped, has another prefix or case, or "
        "was never written or has been deleted. The role's access itself works.",
        "aws s3api list-objects-v2 --bucket {bucket} --prefix {prefix_q} --max-items 20 --query 'Contents[].Key'"
        "  # find the intended key",
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
    from irsa_tui.chain.registry import all_specs

    for link in all_specs():
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
