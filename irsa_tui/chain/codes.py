"""The one catalogue of finding codes.

Checks emit ``Finding(code, args)``; the message, explanation and fix come from here,
so wording lives in one place and ``docs/codes.md`` is generated from it
(``python -m irsa_tui.chain.codes > docs/codes.md``). Codes are stable: never renumber,
only add. Each is declared with keyword arguments, ``Code("SA-201", title=..., message=..., why=...,
fix=...)``; the link follows from the prefix (SA, INJ, TOK, OIDC, TRUST, STS, S3: ``LinkId.code_prefix``)
and the status from the number: within a link, 0xx are passes, 1xx warnings, 2xx failures.

Templates use ``{name}`` placeholders filled from the finding's args; a missing arg is
left visible as ``{name}`` rather than raising.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from irsa_tui.chain.model import LinkId, Status, link_for_code

__all__ = ["CODES", "Code", "codes_for", "render_markdown"]


_STATUS_BY_HUNDREDS = {0: Status.PASS, 1: Status.WARN, 2: Status.FAIL}


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Code:
    """One finding code, e.g. ``Code("TRUST-201", title=..., message=..., why=..., fix=...)``.

    The id says the rest: its prefix names the link (``TRUST`` -> trust-policy, ``LinkId.code_prefix``)
    and its hundreds the status (0xx pass, 1xx warn, 2xx fail).
    """

    id: str
    title: str
    """Short name of the situation, for docs and lists."""
    message: str
    """One-line template, the finding's summary."""
    why: str
    """Why it matters / what is going on (a few sentences)."""
    fix: str | None = None
    """Template of the exact fix; None when nothing needs fixing."""
    link: LinkId = field(init=False)
    status: Status = field(init=False)

    def __post_init__(self) -> None:
        number = self.id.rsplit("-", 1)[-1]
        status = _STATUS_BY_HUNDREDS.get(int(number) // 100) if number.isdigit() and len(number) == 3 else None
        if status is None:
            raise ValueError(f"code {self.id!r}: the number must be 0xx (pass), 1xx (warn) or 2xx (fail)")
        object.__setattr__(self, "link", link_for_code(self.id))
        object.__setattr__(self, "status", status)

    @staticmethod
    def render(template: str, args: Mapping[str, str]) -> str:
        return string.Formatter().vformat(template, (), _Missing({k: str(v) for k, v in args.items()}))


_ALL: list[Code] = [
    # --- service-account (begin) ---
    Code(
        "SA-001",
        title="ServiceAccount names a role",
        message="ServiceAccount {namespace}/{sa} names role {role_arn}",
        why="IRSA starts at the pod's ServiceAccount: the pod identity webhook reads its "
            "eks.amazonaws.com/role-arn annotation when the pod is created and injects that ARN as AWS_ROLE_ARN. "
            "The ServiceAccount exists and the annotation holds a well-formed role ARN.",
    ),
    Code(
        "SA-101",
        title="Role existence not confirmed",
        message="could not confirm that role {role} exists: caller lacks {permission}",
        why="irsa-tui asks IAM (GetRole) whether the annotated role exists, but the identity it runs as may not "
            "read it. The annotation itself is well-formed; a missing role would show later as STS AccessDenied.",
        fix="aws iam get-role --role-name {role} --query Role.Arn  # run as someone with {permission}",
    ),
    Code(
        "SA-102",
        title="sts-regional-endpoints annotation is not a boolean",
        message="annotation eks.amazonaws.com/sts-regional-endpoints={value} on ServiceAccount {namespace}/{sa} is not "
            "a boolean; the webhook ignores it",
        why="The webhook parses this annotation with Go's strconv.ParseBool (true/false, 1/0, t/f, TRUE/True...). "
            "Any other value is silently ignored and the webhook's default applies, so AWS_STS_REGIONAL_ENDPOINTS "
            "may not be injected and older SDKs then call the global STS endpoint.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/sts-regional-endpoints=true "
            "--overwrite\n{restart}",
    ),
    Code(
        "SA-201",
        title="ServiceAccount has no role annotation",
        message="ServiceAccount {namespace}/{sa} has no eks.amazonaws.com/role-arn annotation: the pod gets no IRSA "
            "and the SDK falls back to the node role via IMDS",
        why="The pod identity webhook injects AWS_ROLE_ARN and the token only for pods whose ServiceAccount "
            "carries eks.amazonaws.com/role-arn. Without it nothing is injected and the AWS SDK walks its credential "
            "chain down to the instance metadata service, silently acting as the node's role (or failing where "
            "IMDS is blocked). Annotate the ServiceAccount, then recreate the pods: the webhook only acts on "
            "pod creation.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
            "--overwrite\n{restart}",
    ),
    Code(
        "SA-202",
        title="ServiceAccount does not exist",
        message="ServiceAccount {namespace}/{sa} used by pod {pod} does not exist",
        why="The pod runs as a ServiceAccount that is not (or no longer) in the namespace: it was deleted after "
            "the pod started, or the pod was created from a manifest applied before the ServiceAccount. The "
            "webhook found no annotation to inject and the kubelet cannot mint new tokens for a missing "
            "ServiceAccount. Create it with the role annotation and recreate the pod.",
        fix="kubectl -n {namespace} create serviceaccount {sa}\n"
            "kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn}\n"
            "{restart}",
    ),
    Code(
        "SA-203",
        title="Pod runs as 'default' while another ServiceAccount has the role",
        message="pod {pod} runs as ServiceAccount 'default', which names no role; ServiceAccount {suggestion} in "
            "{namespace} names {role_arn} - did you mean it?",
        why="A pod without spec.serviceAccountName runs as the namespace's 'default' ServiceAccount. The role "
            "annotation is on another ServiceAccount of the namespace, which this pod does not use, so nothing "
            "is injected. Set serviceAccountName in the pod template (a pod's ServiceAccount cannot be changed "
            "in place; the controller rolls out new pods).",
        fix="{patch}",
    ),
    Code(
        "SA-204",
        title="Role annotation key is misspelt",
        message="ServiceAccount {namespace}/{sa} has annotation {key} ({difference}), not eks.amazonaws.com/role-arn; "
            "the webhook ignores it",
        why="The webhook looks for the exact key eks.amazonaws.com/role-arn (annotation keys are case-sensitive "
            "and whitespace counts). A near miss is just an unrelated annotation to it, so the pod gets no IRSA "
            "and the SDK falls back to the node role.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} {remove} eks.amazonaws.com/role-arn={role_arn}\n"
            "{restart}",
    ),
    Code(
        "SA-205",
        title="Role ARN annotation is malformed",
        message="eks.amazonaws.com/role-arn of {namespace}/{sa} is not a valid role ARN: {value} {problem}; "
            "STS will answer ValidationError: Request ARN is invalid",
        why="The webhook checks the ARN against a regex but only logs a warning: it injects the value verbatim "
            "as AWS_ROLE_ARN, and STS rejects AssumeRoleWithWebIdentity with ValidationError 'Request ARN is "
            "invalid'. A role ARN has the form arn:aws:iam::<12-digit account>:role/<name> (aws-cn / aws-us-gov "
            "in those partitions).",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
            "--overwrite\n{restart}",
    ),
    Code(
        "SA-206",
        title="Role ARN partition does not match the region",
        message="role ARN {value} is in partition {partition} but region {region} is in partition {expected}",
        why="AWS partitions (aws, aws-cn, aws-us-gov...) are separate worlds: a pod in a region gets STS and IAM "
            "of that region's partition and cannot assume a role ARN of another partition. The ARN was probably "
            "copied from another environment.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
            "--overwrite\n{restart}",
    ),
    Code(
        "SA-207",
        title="Annotated role does not exist",
        message="role {role} does not exist in account {account} (annotation of {namespace}/{sa})",
        why="IAM has no role with this name in the account named by the ARN: it was never created, deleted, or "
            "the name or account is mistyped. STS answers AccessDenied (Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity) for a missing role, which looks like a trust-policy problem. Create "
            "the role, or annotate the ServiceAccount with the right ARN.",
        fix="aws iam list-roles --query \"Roles[?contains(RoleName, '{role}')].Arn\"  # a similar name?\n"
            "# or create it:\n"
            "cat > trust.json <<'EOF'\n{trust}\nEOF\n"
            "aws iam create-role --role-name {role} --assume-role-policy-document file://trust.json",
    ),
    Code(
        "SA-002",
        title="Role confirmed by the live STS call",
        message="role {role} exists and accepts this pod's token: live STS issued credentials (irsa-tui could not read it: "
            "{unread})",
        why="irsa-tui could not read the role itself (the identity it runs as lacks the permission), but STS "
            "accepted the pod's token for it, which proves the role exists and trusts this ServiceAccount. "
            "The live answer settles what the static read could not.",
    ),
    Code(
        "SA-208",
        title="Live STS answer points at the role annotation",
        message="live STS answered {error_code}: {error_message} (endpoint {endpoint}); the static check alone judged "
            "this link {static_status}",
        why="A live answer overrules a static prediction: irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's own token and role, the very call the pod's SDK makes, and STS's answer names this link. The static check judged it from what irsa-tui could read, which differs from what STS sees: {differ}.",
        fix="{fix}",
    ),
    # scan: findings about many ServiceAccounts at once (irsa-tui scan)
    Code(
        "SA-250",
        title="Annotated role does not exist (scan)",
        message="role {role_arn} named by {count} ServiceAccount(s) ({service_accounts}) does not exist",
        why="IAM answered NoSuchEntity for a role that eks.amazonaws.com/role-arn annotations name. Every pod of "
            "these ServiceAccounts (and any started later) fails at STS with AccessDenied (Not authorized to "
            "perform sts:AssumeRoleWithWebIdentity). A scan lists each such role once, whether pods use it or not: "
            "a typo in the ARN, a role deleted with its stack, or a role in another account.",
        fix="aws iam get-role --role-name {role}  # NoSuchEntity: create the role, or fix the annotations:\n"
            "# kubectl -n NS annotate serviceaccount SA eks.amazonaws.com/role-arn=<existing role ARN> --overwrite",
    ),
    Code(
        "SA-251",
        title="Association names a ServiceAccount that does not exist (scan)",
        message="Pod Identity association {association} names {namespace}/{sa}: the {missing} does not exist",
        why="EKS lets you create a Pod Identity association for any namespace and ServiceAccount name; it does "
            "not check that they exist. Pods get the association's role only when they run as exactly that "
            "ServiceAccount in that namespace, so this association serves nobody: a typo, or a workload that "
            "was renamed or deleted.",
        fix="aws eks delete-pod-identity-association --cluster-name {cluster} --association-id {association}\n"
            "# or create {namespace}/{sa} for the workload meant to use it",
    ),
    Code(
        "SA-003",
        title="ServiceAccount exists (Pod Identity)",
        message="ServiceAccount {namespace}/{sa} exists; EKS Pod Identity names the role in an association, not on it",
        why="With EKS Pod Identity the ServiceAccount carries no annotation: the association in the EKS API maps "
            "the namespace and ServiceAccount name to an IAM role. The pod runs as this ServiceAccount, which "
            "exists, so the kubelet can mint its tokens and EKS Auth can find the association by its name.",
    ),
    Code(
        "SA-209",
        title="The pod has no AWS identity of its own",
        message="pod {pod} has no AWS identity of its own: ServiceAccount {namespace}/{sa} names no IAM role "
            "and no EKS Pod Identity association exists for it{assoc_note}",
        why="Neither mechanism is set up for this pod: no eks.amazonaws.com/role-arn annotation on its "
            "ServiceAccount (IRSA) and no Pod Identity association for its namespace and ServiceAccount. Nothing "
            "is injected, so every AWS SDK walks its credential chain down to the instance metadata service and "
            "acts as the node's instance role (see the credentials section), or finds no credentials at all "
            "where IMDS is blocked from pods. Give the pod a role with either mechanism, then recreate it.",
        fix="{fix}",
    ),
    Code(
        "SA-210",
        title="ServiceAccount does not exist (Pod Identity)",
        message="ServiceAccount {namespace}/{sa} used by pod {pod} does not exist",
        why="The pod runs as a ServiceAccount that is not (or no longer) in the namespace. The kubelet cannot "
            "mint the pods.eks.amazonaws.com token for a missing ServiceAccount, so the agent has nothing to "
            "present to EKS Auth. Create it (no annotation is needed with Pod Identity) and recreate the pod.",
        fix="kubectl -n {namespace} create serviceaccount {sa}\n{restart}",
    ),
    # --- service-account (end) ---
    # --- injection (begin) ---
    Code(
        "INJ-001",
        title="Webhook injected every container",
        message="{containers}: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and the aws-iam-token mount are in place",
        why="When the pod was created, the pod identity webhook added AWS_ROLE_ARN (the ServiceAccount's role), "
            "AWS_WEB_IDENTITY_TOKEN_FILE and a projected ServiceAccount token volume (aws-iam-token) mounted "
            "read-only at /var/run/secrets/eks.amazonaws.com/serviceaccount. The AWS SDK finds these and calls "
            "sts:AssumeRoleWithWebIdentity with the token.",
    ),
    Code(
        "INJ-002",
        title="Pod uses hostNetwork (note)",
        message="pod {pod} uses hostNetwork: IRSA works as for any pod, but without it the SDK would reach the "
            "node's instance metadata and run as the node role",
        why="Web identity comes before instance metadata (IMDS) in every AWS SDK's default credential chain, so "
            "a hostNetwork pod with IRSA uses the IRSA role. What differs is the fallback: a hostNetwork pod "
            "shares the node's network, so it reaches IMDS whatever the IMDSv2 hop limit; if IRSA ever goes "
            "missing (annotation removed, webhook skipped, pod recreated) it silently runs as the node's "
            "instance role, and AccessDenied errors then name that role instead. Other pods are cut off from "
            "IMDSv2 when the node's hop limit is 1.",
    ),
    Code(
        "INJ-003",
        title="Pod runs on Fargate (note)",
        message="pod {pod} runs on Fargate ({how}): there is no instance metadata, so IRSA is its only AWS identity",
        why="IRSA works on Fargate exactly as on nodes: the same webhook, the same projected token, the same "
            "STS call. What differs: Fargate has no instance metadata service, so a pod without IRSA gets no "
            "credentials at all ('Unable to locate credentials') rather than a node role, and the Fargate pod "
            "execution role is used by Fargate itself (image pulls, logging), never by the application. EKS Pod "
            "Identity is not available on Fargate either, so IRSA is the way to give these pods a role.",
    ),
    Code(
        "INJ-101",
        title="Webhook configuration not readable",
        message="could not check the pod identity webhook configuration: {error}",
        why="irsa-tui lists MutatingWebhookConfigurations to tell a missing webhook from one that did not act, "
            "and the caller may not read them. The diagnosis below is the likely cause, not a certainty.",
        fix="kubectl get mutatingwebhookconfigurations pod-identity-webhook -o yaml  # as a cluster admin",
    ),
    Code(
        "INJ-102",
        title="AWS_ROLE_ARN / token file set by hand",
        message="container {container} sets {variables} itself (matching the ServiceAccount), so the webhook did not "
            "inject them",
        why="When a container already defines AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE, the webhook injects "
            "neither. The values match today, but they no longer follow the ServiceAccount: change the "
            "annotation and this container keeps the old role. Let the webhook own these variables.",
        fix="# remove AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from container {container} in the manifest, then\n"
            "{restart}",
    ),
    Code(
        "INJ-103",
        title="skip-containers entry has a leading space",
        message="eks.amazonaws.com/skip-containers entry {entry} has a leading space and matches no container, so "
            "container {container} IS mutated",
        why="The webhook parses eks.amazonaws.com/skip-containers with Go's encoding/csv, which keeps spaces "
            "after a comma: 'a, b' yields 'a' and ' b'. ' b' matches no container, so the container you meant "
            "to skip is mutated after all. Write the list without spaces.",
        fix='# in the pod template set the annotation eks.amazonaws.com/skip-containers: "{fixed}" (no spaces), '
            "then\n{restart}",
    ),
    Code(
        "INJ-104",
        title="Static access keys override IRSA",
        message="container {container} has AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ({origin}): the SDK uses these "
            "keys, not the IRSA role",
        why="The AWS SDKs look for credentials in a fixed order; in botocore: environment keys, assume-role "
            "profile, web identity (IRSA), SSO, shared files, credential_process, container provider, IMDS. "
            "Static keys in the environment come first, so they silently win over IRSA and the pod acts as "
            "the keys' IAM user. Remove them to use the role.",
        fix="# remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from container "
            "{container}, then\n{restart}",
    ),
    Code(
        "INJ-105",
        title="Other credential settings in the environment",
        message="container {container} sets {variables}: {effect}",
        why="Besides IRSA's variables, the SDK credential chain reads AWS_PROFILE (an assume-role profile with "
            "role_arn + source_profile comes before web identity, and a profile's own web_identity_token_file or "
            "role_arn may differ), AWS_SHARED_CREDENTIALS_FILE (keys used only if web identity is not "
            "configured) and AWS_CONTAINER_CREDENTIALS_* (ECS / Pod Identity endpoint, after web identity). "
            "They make the identity the pod ends up with depend on the SDK and its version.",
        fix="# check why container {container} sets {variables}; remove them unless needed, then\n{restart}",
    ),
    Code(
        "INJ-106",
        title="Pod uses EKS Pod Identity instead of IRSA",
        message="pod {pod} got EKS Pod Identity ({evidence}), not IRSA: the role annotation {role_arn} is not used",
        why="When an EKS Pod Identity association exists for the namespace and ServiceAccount, the webhook "
            "injects only the Pod Identity variables (AWS_CONTAINER_CREDENTIALS_FULL_URI and the "
            "eks-pod-identity-token volume), never the IRSA ones, even if the ServiceAccount is annotated. The "
            "pod gets the association's role. Remove the association to use IRSA, or drop the annotation.",
        fix="aws eks list-pod-identity-associations --cluster-name {cluster} --namespace {namespace} "
            "--service-account {sa}",
    ),
    Code(
        "INJ-107",
        title="Token volume lifetime below 10 minutes",
        message="token volume aws-iam-token asks for expirationSeconds {seconds}, below the 600 s minimum",
        why="The API server rejects projected token lifetimes under 10 minutes and the webhook raises its own "
            "annotation values to 600. A hand-written volume with a smaller value will not produce a token.",
        fix="# set expirationSeconds: 86400 (the IRSA default) on the aws-iam-token volume, then\n{restart}",
    ),
    Code(
        "INJ-108",
        title="Token file may not be readable by a non-root user",
        message="containers {containers} run as non-root without a pod fsGroup on Kubernetes {version}: the token "
            "file may be mode 0600 and unreadable",
        why="The projected token is written by the kubelet. Since Kubernetes 1.19 (kubernetes#89193) it is "
            "0644, or 0600 chowned to the containers' common runAsUser, or 0640 with fsGroup, so any container "
            "can read it. Older kubelets wrote 0600 root-owned files and non-root containers got 'permission "
            "denied' reading the token; the old fix was securityContext.fsGroup.",
        fix="# add to the pod template: spec.securityContext.fsGroup: 65534, then\n{restart}",
    ),
    Code(
        "INJ-109",
        title="No region in the environment",
        message="container {container} has neither AWS_REGION nor AWS_DEFAULT_REGION: the SDK may not know its region",
        why="IRSA does not need a region to get credentials from the global STS endpoint, but the regional STS "
            "endpoint and every regional AWS client do. The EKS webhook normally injects both with the "
            "cluster's region; without them the SDK falls back to its config file or fails with NoRegionError.",
        fix="# set AWS_REGION={region} in container {container} (or let the webhook inject it), then\n{restart}",
    ),
    Code(
        "INJ-110",
        title="Region differs from the cluster's",
        message="container {container} sets {variable}={value}, the cluster is in {region}",
        why="The SDK calls STS and other services in the region from AWS_REGION / AWS_DEFAULT_REGION. A region "
            "other than the cluster's is legal (cross-region access) but often a copied manifest: it adds "
            "latency and can hit a region where STS is deactivated (RegionDisabledException).",
        fix="# check {variable} of container {container}; the cluster is in {region}",
    ),
    Code(
        "INJ-111",
        title="No pod identity webhook now",
        message="pod {pod} was mutated, but no pod identity webhook is configured now: new pods will not get IRSA",
        why="The env and volume were injected when this pod was created, but no MutatingWebhookConfiguration "
            "for the pod identity webhook exists any more. The next pod (rollout, eviction, scaling) will start "
            "without IRSA and fall back to the node role.",
        fix="kubectl get mutatingwebhookconfigurations  # on EKS the control plane's pod-identity-webhook "
            "must be listed",
    ),
    Code(
        "INJ-201",
        title="Pod opted out of the webhook",
        message="pod {pod} has label eks.amazonaws.com/skip-pod-identity-webhook={value}: the webhook skips it",
        why="The webhook's objectSelector excludes pods carrying the label eks.amazonaws.com/skip-pod-identity-"
            "webhook (any value), so this pod was never mutated and has no AWS_ROLE_ARN or token.",
        fix="# remove the label eks.amazonaws.com/skip-pod-identity-webhook from the pod template, then\n{restart}",
    ),
    Code(
        "INJ-202",
        title="Pod older than the role annotation",
        message="pod {pod} was created before ServiceAccount {sa} got the role annotation (pod created {pod_created}, "
            "annotation set {annotation_set})",
        why="The webhook mutates a pod only when it is created. Annotating the ServiceAccount later does not "
            "change running pods: they keep running without AWS_ROLE_ARN and the token, and the SDK uses the "
            "node role. Recreate the pods.",
        fix="{restart}",
    ),
    Code(
        "INJ-203",
        title="No pod identity webhook in the cluster",
        message="no pod identity webhook in this cluster (self-managed?): nothing injects AWS_ROLE_ARN or the token",
        why="IRSA needs the amazon-eks-pod-identity-webhook to add the env and token volume. EKS runs it on the "
            "control plane (MutatingWebhookConfiguration pod-identity-webhook); self-managed, kOps or kind "
            "clusters must deploy it themselves, along with an OIDC issuer IAM can reach.",
        fix="# EKS: the control plane webhook should exist; open a support case if it was deleted. Self-managed:\n"
            "# deploy https://github.com/aws/amazon-eks-pod-identity-webhook (deploy/), then\n{restart}",
    ),
    Code(
        "INJ-204",
        title="Webhook present but pod not mutated",
        message="webhook {webhook} exists but pod {pod} has no AWS_ROLE_ARN, token file or aws-iam-token volume",
        why="The webhook has failurePolicy Ignore: if it was down or slow when the pod was created, the API "
            "server created the pod unmutated without any error. It also skips pods whose ServiceAccount it had "
            "not seen yet (created just before the pod). Recreating the pod usually fixes it.",
        fix="{restart}",
    ),
    Code(
        "INJ-205",
        title="Container listed in skip-containers",
        message="container {container} is listed in eks.amazonaws.com/skip-containers: it gets no AWS_ROLE_ARN, "
            "token file or mount",
        why="The pod annotation eks.amazonaws.com/skip-containers tells the webhook not to mutate the named "
            "containers. That container cannot use IRSA and its SDK falls back to the node role.",
        fix="# remove {container} from eks.amazonaws.com/skip-containers (now {value}) in the pod template, then\n"
            "{restart}",
    ),
    Code(
        "INJ-206",
        title="Pod still uses the old role",
        message="container {container} still uses the old role {old}; ServiceAccount {sa} now names {new}",
        why="AWS_ROLE_ARN was injected from the annotation when the pod was created. The annotation changed "
            "since, but running pods are never updated, so this pod assumes the old role. Recreate it.",
        fix="{restart}",
    ),
    Code(
        "INJ-207",
        title="Hand-set IRSA variables are wrong",
        message="container {container} sets {variable}={value} itself: {problem}",
        why="When a container already defines AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE, the webhook injects "
            "neither of them, so whatever the manifest says is what the SDK uses. Here it does not match the "
            "ServiceAccount or the projected token.",
        fix="# remove AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from container {container} so the webhook "
            "injects them, then\n{restart}",
    ),
    Code(
        "INJ-208",
        title="Token not mounted where the env points",
        message="container {container} has AWS_WEB_IDENTITY_TOKEN_FILE={path} but {problem}",
        why="The SDK reads the token from AWS_WEB_IDENTITY_TOKEN_FILE on every credential refresh. Without the "
            "aws-iam-token volume mounted at that directory the file does not exist and the SDK fails with "
            "'No such file or directory' (or falls through to another credential source).",
        fix="# mount volume aws-iam-token at {directory} (readOnly) in container {container}, or let the "
            "webhook add it, then\n{restart}",
    ),
    Code(
        "INJ-209",
        title="Token path holds something else",
        message="{what}: the webhook leaves it as is and the file is not a kubelet-projected ServiceAccount token",
        why="The webhook does not replace an existing volume named aws-iam-token or a mount at the token "
            "directory. If it is a hostPath, secret or anything but a projected serviceAccountToken, the SDK "
            "reads a stale or foreign token and STS rejects it (or it is missing).",
        fix="# remove volume {volume} (and its mounts) from the pod template so the webhook adds the projected "
            "token, then\n{restart}",
    ),
    Code(
        "INJ-210",
        title="Token volume audience differs",
        message="token volume aws-iam-token has audience {actual}, expected {expected}",
        why="The token's aud claim comes from the projected volume's audience; STS accepts it only if the IAM "
            "OIDC provider lists it as a client ID and the trust policy's :aud condition allows it. The webhook "
            "sets it from eks.amazonaws.com/audience (default sts.amazonaws.com); a hand-written volume or an "
            "annotation changed later makes them disagree. (No audience means the API server's default, the "
            "issuer URL.)",
        fix="# set audience: {expected} on the aws-iam-token volume (or remove the volume so the webhook adds "
            "it), then\n{restart}",
    ),
    Code(
        "INJ-211",
        title="Container not mutated",
        message="container {container} has no AWS_ROLE_ARN and no AWS_WEB_IDENTITY_TOKEN_FILE, unlike {others}",
        why="The webhook mutates every init and regular container it is not told to skip. A container without "
            "the variables while others have them was hand-edited or the others' variables were set by hand; "
            "this container uses whatever its SDK finds next (usually the node role).",
        fix="{restart}  # then check that the webhook mutated every container",
    ),
    Code(
        "INJ-112",
        title="Some SDKs use other credentials before the role",
        message="container {container}: {what} comes before the IRSA role in {families}; the role in {role_families}",
        why="AWS SDKs search for credentials in different orders (pod-identity.md §3): JS v3 reads the ini profile "
            "(AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE / AWS_PROFILE: keys, credential_process, role) before "
            "web identity; botocore reads an assume-role profile named by AWS_PROFILE before web identity, keys "
            "and credential_process after; Go v2 and Java v2 use web identity first. Which identity this pod "
            "really has therefore depends on the SDK its code uses. A credentials file mounted from a Secret is "
            "typical of a Helm chart default (credentials.useSecret) left on after moving to IRSA.",
        fix="# remove the setting from container {container} unless it is meant to replace the role, then\n{restart}",
    ),
    Code(
        "INJ-212",
        title="The app container does not use the role",
        message="container {container} does not use the IRSA role: every SDK picks {what} first",
        why="AWS SDKs take the first credentials they find. In every SDK family (botocore, Go v2, Java v2, JS v3) "
            "environment access keys come before web identity, so the pod acts as the keys' IAM user, whatever "
            "the role allows. A live STS success with the role proves the role, not this pod. Remove the keys to "
            "use the role.",
        fix="# remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from container "
            "{container}, then\n{restart}",
    ),
    Code(
        "INJ-213",
        title="Live STS answer points at the token's audience",
        message="live STS answered {error_code}: {error_message} (endpoint {endpoint}); the token audience {audience} "
            "is the side that differs; the static check alone judged this link {static_status}",
        why="A live answer overrules a static prediction: irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's own token and role, the very call the pod's SDK makes, and STS's answer names this link. The static check judged it from what irsa-tui could read, which differs from what STS sees: {differ}.",
        fix="{fix}",
    ),
    Code(
        "INJ-214",
        title="Token audience differs from what the provider and trust policy share",
        message="token volume audience {audience} differs from {expected}, which the OIDC provider's client IDs and the "
            "trust policy's :aud agree on",
        why="The audience is not fixed to sts.amazonaws.com: kOps uses amazonaws.com, EKS Anywhere and "
            "self-managed webhooks may use others (--token-audience, eks.amazonaws.com/audience). What matters "
            "is that the projected volume's audience, the IAM OIDC provider's client IDs and the trust policy's "
            ":aud condition agree. Here the provider and the trust policy agree and the pod's token volume is the "
            "side that differs.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/audience={expected} --overwrite\n"
            "{restart}",
    ),
    # scan: findings about many pods at once (irsa-tui scan)
    Code(
        "INJ-150",
        title="Pods need a restart to pick up their identity (scan)",
        message="{count} pod(s) of {workload} started before {change}: restart them to pick it up",
        why="The pod identity webhook injects credentials only when a pod is created. A pod started before its "
            "ServiceAccount's role annotation was set or changed, or before its Pod Identity association was "
            "created or changed, keeps what it was given then (nothing, or the old role) until it is recreated.",
        fix="kubectl -n {namespace} rollout restart {kind_lower}/{name}  # bare pods and Jobs: delete and recreate",
    ),
    Code(
        "INJ-004",
        title="Pod Identity env and token volume injected",
        message="every container has AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
            "and the eks-pod-identity-token volume",
        why="At pod CREATE the EKS pod identity webhook looks up the association for the pod's namespace and "
            "ServiceAccount and injects AWS_CONTAINER_CREDENTIALS_FULL_URI (the node-local agent, "
            "http://169.254.170.23/v1/credentials), AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and a projected token "
            "volume for audience pods.eks.amazonaws.com. Every SDK's container-credentials provider then asks "
            "the agent for credentials.",
    ),
    Code(
        "INJ-215",
        title="Pod created before the association (Pod Identity not injected)",
        message="pod {pod} was created at {pod_created}, before association {association} ({assoc_created}): the "
            "webhook injects only at pod CREATE, so the pod has no Pod Identity env",
        why="The webhook mutates pods only when they are created, and associations are eventually consistent "
            "(a pod created seconds after the association can miss it too). This pod predates the association, "
            "so it has no AWS_CONTAINER_CREDENTIALS_FULL_URI and its SDK falls back to the node role through IMDS. "
            "Recreate the pod.",
        fix="{restart}",
    ),
    Code(
        "INJ-216",
        title="Pod carries the skip label",
        message="pod {pod} carries the label eks.amazonaws.com/skip-pod-identity-webhook: the webhook skipped it, "
            "so Pod Identity was not injected",
        why="The pod identity webhook's objectSelector excludes pods labelled "
            "eks.amazonaws.com/skip-pod-identity-webhook, whatever its value. The association exists but this pod "
            "never got the container-credentials env. Remove the label from the pod template and recreate the pod.",
        fix="{unlabel}\n{restart}",
    ),
    Code(
        "INJ-217",
        title="Containers skipped by annotation (Pod Identity)",
        message="container {containers} listed in eks.amazonaws.com/skip-containers got no Pod Identity env",
        why="The webhook leaves the containers named in the pod annotation eks.amazonaws.com/skip-containers "
            "alone: they have no AWS_CONTAINER_CREDENTIALS_FULL_URI and their SDK falls back to the node role. "
            "Remove them from the annotation in the pod template if they call AWS, then recreate the pod.",
        fix="# remove {containers} from the eks.amazonaws.com/skip-containers annotation of the pod template\n{restart}",
    ),
    Code(
        "INJ-218",
        title="Container pre-sets container-credentials env",
        message="container {container} sets {name}={value} itself: the webhook never overwrites it, so the "
            "Pod Identity agent is not used there",
        why="If a container already defines AWS_CONTAINER_CREDENTIALS_FULL_URI or "
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, the webhook injects neither into it. The value set in the "
            "manifest wins: it points somewhere else than the agent (http://169.254.170.23/v1/credentials) or at "
            "a token file that is not mounted. Remove both variables from the container spec and recreate the pod.",
        fix="# delete {name} from the env of container {container} in the pod template\n{restart}",
    ),
    Code(
        "INJ-219",
        title="Pod Identity not injected",
        message="pod {pod} has no AWS_CONTAINER_CREDENTIALS_FULL_URI although association {association} exists: "
            "the webhook did not inject it",
        why="The association existed when the pod was created, the pod is not labelled to be skipped and no "
            "container pre-sets the env, yet nothing was injected: the webhook failed open (failurePolicy "
            "Ignore: a timeout or an unreachable webhook lets the pod through unmutated). Recreate the pod; if "
            "it happens again, look at the API server's webhook errors.",
        fix="{restart}",
    ),
    Code(
        "INJ-220",
        title="Pod Identity token file not mounted",
        message="container {container}: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE={path} is not under a mounted "
            "eks-pod-identity-token volume",
        why="The SDK reads the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE on every credentials refresh; "
            "when that path is not mounted (the volume or its mount is missing) it fails with "
            "FileNotFoundError / no such file. Recreate the pod so the webhook injects env and volume together.",
        fix="{restart}",
    ),
    Code(
        "INJ-221",
        title="The app's log shows it calling AWS as another identity",
        message="the log of container {container} shows {who} ({code}, {when}): the app does not use the pod's role, "
            "though the chain gives it one",
        why="A live answer overrules a static guess: the chain read from the pod's spec says the container gets "
            "its IRSA role, but the app's own log (check --logs: its last lines, known error shapes only) shows a "
            "call made as {who}. A container's image and environment do not change while it runs, so the log "
            "speaks for this container: the SDK in it picks other credentials first (access keys, a profile, a "
            "credentials file), is too old to read AWS_WEB_IDENTITY_TOKEN_FILE (the user guide's minimums: boto3 "
            "1.9.220 / botocore 1.12.200, aws-sdk-go 1.23.13, Java v1 1.11.704, Java v2 2.10.11, JS 2.525.0), or "
            "the code builds its own client from the node's instance profile. Matched line: {line}",
        fix="# find what the container uses: its env and mounted credential files, then its SDK version\n"
            "kubectl -n {namespace} get pod {pod} -o jsonpath='{{.spec.containers[?(@.name==\"{container}\")].env}}'\n"
            "# upgrade the SDK or remove the other credentials, then restart the pod",
    ),
    # --- injection (end) ---
    # --- token (begin) ---
    Code(
        "TOK-001",
        title="Token claims are right",
        message="token for {sub}, aud {aud}, issuer {iss}, valid {minutes} more minutes",
        why="The kubelet mints the projected token through the TokenRequest API: `sub` names the pod's "
            "ServiceAccount, `aud` the audience STS and the IAM OIDC provider expect, `iss` the cluster's OIDC "
            "issuer, and `exp` lies in the future. STS checks exactly these claims against the provider and the "
            "role's trust policy. The token's lifetime is not the credentials' lifetime: the STS session lasts "
            "DurationSeconds (the SDKs ask for 1 h by default; the role's MaxSessionDuration, 1-12 h, is only "
            "the upper bound), and the SDK renews it by re-reading the token file, so a 24 h token never means "
            "24 h credentials and a short one does not shorten the session.",
    ),
    Code(
        "TOK-002",
        title="Unusual token lifetime (note)",
        message="token volume lifetime is {seconds} s: {note}",
        why="The kubelet refreshes a projected token when it is older than 80 % of its lifetime or 24 hours, "
            "and the SDK re-reads the file on every credential refresh, so any lifetime from 10 minutes up "
            "works. Very short ones mean more TokenRequests; longer than 24 h buys nothing.",
    ),
    Code(
        "TOK-101",
        title="Clock skew between the API server and this machine",
        message="token iat is {seconds} s {direction} this machine's clock: one of the clocks is off",
        why="The API server stamps `iat` with its own clock when it issues the token; irsa-tui requested it "
            "moments before. A large difference means this machine's or the control plane's clock is wrong, "
            "which makes expiry judgements here unreliable. STS uses its own clock and tolerates 5 minutes "
            "after `exp`.",
        fix="date -u  # compare with an NTP source; on nodes: chronyc tracking",
    ),
    Code(
        "TOK-102",
        title="token-expiration annotation below 10 minutes",
        message="{owner} annotation eks.amazonaws.com/token-expiration={value} is below 600; the webhook raises it "
            "to 600 s",
        why="The webhook enforces a 600-second minimum on the projected token lifetime (the API server refuses "
            "shorter ones). The annotation's value is not what the pod gets, which is confusing when debugging "
            "token expiry.",
        fix="kubectl -n {namespace} annotate {kind} {name} eks.amazonaws.com/token-expiration=600 --overwrite",
    ),
    Code(
        "TOK-103",
        title="token-expiration annotation is not a number",
        message="{owner} annotation eks.amazonaws.com/token-expiration={value} is not an integer; the webhook ignores it",
        why="The webhook parses the token lifetime annotation as an integer number of seconds; anything else "
            "is ignored and the default (86400 s on EKS) applies.",
        fix="kubectl -n {namespace} annotate {kind} {name} eks.amazonaws.com/token-expiration=86400 --overwrite",
    ),
    Code(
        "TOK-201",
        title="Token subject is not the pod's ServiceAccount",
        message="token sub is {actual}, expected {expected}",
        why="The `sub` claim names the ServiceAccount the token was minted for; trust policies match it with "
            "`<issuer>:sub`. A token for another ServiceAccount will be checked against the wrong identity. "
            "The pod's serviceAccountName and the ServiceAccount irsa-tui inspected disagree.",
        fix="kubectl -n {namespace} get pod {pod} -o jsonpath='{{.spec.serviceAccountName}}'",
    ),
    Code(
        "TOK-202",
        title="Token audience is not the expected one",
        message="token aud is {actual}, expected it to contain {expected} ({source})",
        why="The `aud` claim must be a client ID of the IAM OIDC provider and match the trust policy's "
            "`<issuer>:aud` condition (sts.amazonaws.com for IRSA). The kubelet copies it from the projected "
            "volume's audience, which the webhook sets from eks.amazonaws.com/audience.",
        fix="# set eks.amazonaws.com/audience (or remove it for sts.amazonaws.com) on ServiceAccount "
            "{namespace}/{sa}, then\n{restart}",
    ),
    Code(
        "TOK-203",
        title="Token issuer differs from the cluster's",
        message="token issuer {actual} differs from the cluster's current issuer {expected} (cluster re-created?)",
        why="The `iss` claim is the API server's --service-account-issuer; STS looks up the IAM OIDC provider by "
            "it. EKS reports a different issuer for this cluster: the kubeconfig context and --cluster point at "
            "different clusters, or the cluster was re-created and its issuer changed.",
        fix="aws eks describe-cluster --name {cluster} --region {region} --query cluster.identity.oidc.issuer\n"
            "kubectl config current-context  # must be cluster {cluster}",
    ),
    Code(
        "TOK-204",
        title="Token expired",
        message="token expired {ago} ago (exp {exp}); STS will answer ExpiredTokenException",
        why="STS rejects a token whose `exp` has passed (plus up to 5 minutes of tolerance). The kubelet normally "
            "refreshes the projected token long before; an expired one means the kubelet could not refresh it "
            "(it keeps serving the old token on failure) or a clock is badly off.",
        fix="kubectl -n {namespace} delete pod {pod}  # fresh pod, fresh token; then check kubelet logs on the node",
    ),
    Code(
        "TOK-205",
        title="Custom audience not accepted by the OIDC provider",
        message="token audience {actual} (set by {source}) is not a client ID of provider {provider}; "
            "STS will answer InvalidIdentityToken: Incorrect token audience",
        why="The `eks.amazonaws.com/audience` annotation changes the `aud` claim of the projected token. STS only "
            "accepts a token whose audience is in the IAM OIDC provider's client ID list (and the trust policy's "
            "`:aud` condition usually expects `sts.amazonaws.com` too). Either drop the custom audience or add it "
            "to the provider and the trust policy.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/audience-  # back to sts.amazonaws.com\n"
            "{restart}\n"
            "# or keep it: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider} "
            "--client-id {actual}",
    ),
    Code(
        "TOK-206",
        title="Live STS answer points at the token",
        message="live STS answered {error_code}: {error_message} (endpoint {endpoint}); the static check alone judged "
            "this link {static_status}",
        why="A live answer overrules a static prediction: irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's own token and role, the very call the pod's SDK makes, and STS's answer names this link. The static check judged it from what irsa-tui could read, which differs from what STS sees: {differ}.",
        fix="{fix}",
    ),
    Code(
        "TOK-003",
        title="Pod Identity token has the right audience",
        message="token for {sa}: audience pods.eks.amazonaws.com, {expiry}",
        why="The agent presents the pod's projected token to EKS Auth, which accepts only the audience "
            "pods.eks.amazonaws.com and an unexpired token. The kubelet refreshes it before it expires.",
    ),
    Code(
        "TOK-207",
        title="Pod Identity token volume has the wrong audience",
        message="the eks-pod-identity-token volume asks for audience {audience}, not pods.eks.amazonaws.com",
        why="EKS Auth rejects a token whose audience is not pods.eks.amazonaws.com (InvalidTokenException). "
            "The webhook always sets that audience: a different one means the volume was written by hand in "
            "the manifest. Remove it and recreate the pod so the webhook injects it.",
        fix="# remove the eks-pod-identity-token volume and its mounts from the pod template\n{restart}",
    ),
    Code(
        "TOK-208",
        title="Pod Identity token expired or not yet valid",
        message="the pods.eks.amazonaws.com token for {sa} is not valid now: {problem}",
        why="EKS Auth answers ExpiredTokenException for an expired token. The kubelet rotates projected "
            "tokens; an expired one points at a stopped kubelet or a clock problem on the node.",
        fix="{restart}",
    ),
    # --- token (end) ---
    # --- oidc-provider (begin) ---
    Code(
        "OIDC-001",
        title="Provider trusts the issuer",
        message="IAM OIDC provider {provider_arn} trusts issuer {issuer} with client id {audience}; JWKS verifies the token",
        why="STS accepts a web-identity token only when the role's account has an IAM OIDC provider whose URL "
            "equals the token's `iss`, whose client ID list contains the token's `aud`, and whose issuer serves "
            "the public key (JWKS) that signed the token. All three hold.",
    ),
    Code(
        "OIDC-002",
        title="Provider trusts the issuer (signature not checked)",
        message="IAM OIDC provider {provider_arn} trusts issuer {issuer} with client id {audience}; "
            "signature not checked ({reason})",
        why="The role's account has an IAM OIDC provider for the token's issuer and its client IDs include the "
            "token audience. The token's signature could not be checked against the issuer's JWKS here, so a "
            "key problem would only show in the live STS call.",
    ),
    Code(
        "OIDC-102",
        title="Cluster not readable; issuer taken from the token",
        message="could not read EKS cluster {cluster} ({error}); judged the token's issuer {issuer} instead",
        why="irsa-tui compares the token's issuer with the cluster's own (EKS DescribeCluster) to catch a "
            "re-created cluster whose tokens come from a new issuer. That call failed, so the token's `iss` claim "
            "stood in: the provider checks still hold for that issuer, but a wrong `--cluster`/`--region` or a "
            "missing eks:DescribeCluster permission hides the issuer comparison.",
        fix="aws eks describe-cluster --name {cluster} --region {region} --query cluster.identity.oidc.issuer",
    ),
    Code(
        "OIDC-101",
        title="Provider thumbprint does not match the issuer's CA",
        message="provider {provider_arn} thumbprints {thumbprints} do not include the issuer's top CA {thumbprint}",
        why="The thumbprint is the SHA-1 of the top CA certificate of the JWKS host. Since 2023 IAM validates the "
            "JWKS host's certificate against its own library of trusted root CAs and uses thumbprints only when "
            "the chain does not end in one of those, so for EKS issuers (public CAs) a mismatch normally does not "
            "break IRSA. Keeping it current avoids 'HTTPS certificate doesn't match configured thumbprint' should "
            "IAM ever fall back to it.",
        fix="aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn {provider_arn} "
            "--thumbprint-list {thumbprint}",
    ),
    Code(
        "OIDC-201",
        title="No IAM OIDC provider for the issuer",
        message="no IAM OIDC provider for {issuer} in account {account}; STS will answer InvalidIdentityToken: "
            "No OpenIDConnect provider found in your account for {issuer}",
        why="IAM trusts tokens from an OIDC issuer only after an IAM OIDC provider with exactly that URL exists "
            "in the account that owns the role. EKS creates the issuer with the cluster, but not the IAM "
            "provider: someone has to associate it once per cluster (and again for a re-created cluster, which "
            "gets a new issuer id).",
        fix="eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
            "# or, without eksctl:\n"
            "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-202",
        title="Provider URL is a near miss",
        message="account {account} has provider {near_arn}, which differs from issuer {issuer} by {difference}; "
            "STS needs an exact match and will answer InvalidIdentityToken: No OpenIDConnect provider found",
        why="STS looks the provider up by the token's `iss` claim, character for character (without "
            "`https://`). A provider created with a trailing slash, different case or a typo is a different "
            "provider, so tokens from the real issuer find none.",
        fix="aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}\n"
            "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn {near_arn}",
    ),
    Code(
        "OIDC-203",
        title="Provider exists only for another (old) cluster",
        message="account {account} has an OIDC provider for another cluster issuer ({near_arn}) but none for "
            "{issuer}; STS will answer InvalidIdentityToken: No OpenIDConnect provider found",
        why="Every EKS cluster gets its own issuer id (`/id/<32 hex>`); a re-created or migrated cluster gets a "
            "new one. A provider made for the old cluster does not trust tokens of the new cluster, and trust "
            "policies that name the old provider must be updated too.",
        fix="eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
            "# or, without eksctl:\n"
            "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-204",
        title="Cross-account role: provider missing in the role's account",
        message="role is in account {account} but the cluster is in {cluster_account}; account {account} has no "
            "OIDC provider for {issuer} (the provider must be in the role's account)",
        why="STS checks the token against OIDC providers of the account that owns the role, not the cluster's "
            "account. For a cross-account role, create a provider for the cluster's issuer in the role's "
            "account (eksctl only creates it in the cluster's account).",
        fix="# with credentials for account {account}:\n"
            "aws iam create-open-id-connect-provider --url {issuer} --client-id-list {audience}",
    ),
    Code(
        "OIDC-205",
        title="Provider client IDs lack the token audience",
        message="provider {provider_arn} client IDs [{client_ids}] lack the token audience {audience}; STS will "
            "answer InvalidIdentityToken: Incorrect token audience",
        why="The provider's client ID list is the set of audiences IAM accepts. The pod's projected token "
            "carries `aud` = the ServiceAccount's eks.amazonaws.com/audience (default sts.amazonaws.com); if "
            "that value is not a client ID of the provider, STS rejects every token.",
        fix="aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider_arn} "
            "--client-id {audience}",
    ),
    Code(
        "OIDC-206",
        title="Issuer does not serve its discovery document or keys",
        message="issuer {issuer} does not serve its {what}: {error}; STS will answer InvalidIdentityToken: "
            "Couldn't retrieve verification key from your identity provider",
        why="STS fetches `<issuer>/.well-known/openid-configuration` and then the `jwks_uri` to get the key that "
            "signed the token. If the issuer answers 404, 5xx or garbage, STS cannot verify any token. For EKS "
            "this is AWS-hosted; for self-managed issuers (S3 bucket, kOps) check the published files.",
        fix="curl -sS {issuer}/.well-known/openid-configuration\ncurl -sS {issuer}/keys",
    ),
    Code(
        "OIDC-207",
        title="Discovery document names another issuer",
        message="discovery document of {issuer} says issuer {discovered}, not {issuer}",
        why="OIDC requires the `issuer` in the discovery document to equal the URL it was fetched from and the "
            "token's `iss`. When they differ, STS cannot match the token to the provider and rejects it. "
            "This usually means the apiserver's --service-account-issuer and the published discovery "
            "document disagree (self-managed issuers).",
        fix='# republish the discovery document with "issuer": "{issuer}", or set the apiserver\'s\n'
            "# --service-account-issuer to {discovered} and recreate the IAM provider to match",
    ),
    Code(
        "OIDC-208",
        title="JWKS lacks the token's signing key",
        message="JWKS of {issuer} has no key with kid {kid}; STS will answer InvalidIdentityToken: Couldn't retrieve "
            "verification key from your identity provider",
        why="STS picks the verification key by the token header's `kid`. The issuer's JWKS does not publish that "
            "key: the token was signed by a key the issuer does not (or no longer) serve, e.g. after a signing "
            "key change on a self-managed issuer, or the token comes from another cluster.",
        fix="curl -sS {issuer}/keys  # compare the kids with the token's kid {kid}",
    ),
    Code(
        "OIDC-209",
        title="Token signature does not verify",
        message="the token's signature does not verify against the JWKS of {issuer} ({detail})",
        why="The issuer publishes a key with the token's `kid`, but the signature does not verify with it. "
            "STS will reject the token. The token was not signed by this issuer's key (tampered, or minted by "
            "another apiserver that reuses the kid).",
        fix="kubectl -n {namespace} delete pod {pod}  # let the kubelet mint a fresh token, then re-run",
    ),
    Code(
        "OIDC-210",
        title="More than 5 thumbprints",
        message="provider {provider_arn} reports {count} thumbprints; IAM allows at most 5",
        why="IAM's ThumbprintList holds at most 5 entries, so this provider description is corrupt or did not "
            "come from IAM. Re-read the provider and reset the list.",
        fix="aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn {provider_arn} "
            "--thumbprint-list {thumbprint}",
    ),
    Code(
        "OIDC-003",
        title="Provider confirmed by the live STS call",
        message="STS accepted this pod's token: the role's account trusts its issuer (irsa-tui could not read it: "
            "{unread})",
        why="irsa-tui could not read the IAM OIDC providers of the role's account (the identity it runs as lacks "
            "the permission, or the role is in another account), but STS accepted the pod's token, which it does "
            "only when that account has a provider for the token's issuer listing its audience. The live answer "
            "settles what the static read could not.",
    ),
    Code(
        "OIDC-211",
        title="Live STS answer points at the OIDC provider",
        message="live STS answered {error_code}: {error_message} (endpoint {endpoint}); the static check alone judged "
            "this link {static_status}",
        why="A live answer overrules a static prediction: irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's own token and role, the very call the pod's SDK makes, and STS's answer names this link. The static check judged it from what irsa-tui could read, which differs from what STS sees: {differ}.",
        fix="{fix}",
    ),
    # scan: findings about the account (irsa-tui scan -A)
    Code(
        "OIDC-150",
        title="OIDC provider matches no cluster (scan)",
        message="OIDC provider {provider} matches no EKS cluster in {region} that irsa-tui can see",
        why="IAM OIDC providers outlive their clusters: deleting a cluster leaves its provider behind, and a "
            "role that still trusts it can be assumed by whoever later controls that issuer's tokens. No EKS "
            "cluster of the account in this region (eks ListClusters, DescribeCluster) has this issuer. It may "
            "serve a cluster irsa-tui cannot list (another region's client, missing eks:ListClusters): check "
            "before deleting.",
        fix="aws iam list-roles --query \"Roles[?contains(to_string(AssumeRolePolicyDocument), '{host_path}')].Arn\"\n"
            "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn {provider}  # once nothing uses it",
    ),
    # --- oidc-provider (end) ---
    # --- trust-policy (begin) ---
    Code(
        "TRUST-001",
        title="Trust policy allows the token",
        message="statement {statement} allows {sub} (aud {aud}) from {provider} to assume {role}{note}",
        why="STS grants sts:AssumeRoleWithWebIdentity only if a statement of the role's trust policy names the "
            "token's IAM OIDC provider as Principal.Federated, allows that Action, and its conditions on "
            "`<issuer>:sub` / `<issuer>:aud` hold for the token, with no Deny statement matching. irsa-tui "
            "evaluated the policy against the pod's token claims the way STS does.",
    ),
    Code(
        "TRUST-101",
        title="Allow statement is too broad",
        message="statement {statement} is too broad: {reason}",
        why="A trust policy statement for an EKS issuer that does not pin `<issuer>:sub` to one ServiceAccount "
            '(or that trusts Principal "*") lets other identities assume the role: any pod of the cluster '
            "whose ServiceAccount is annotated with this role ARN gets its permissions. Pin :sub with "
            "StringEquals (or a namespace with StringLike system:serviceaccount:NS:*).",
        fix="cat > trust.json <<'EOF'\n{policy}\nEOF\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-102",
        title="ForAllValues condition is over-permissive",
        message="statement {statement} uses {operator} on {key}: true when the key is absent, so it restricts nothing",
        why="ForAllValues: is true when the request has no value for the key (an empty set satisfies 'all "
            "values'), so a trust condition written with it lets tokens without that claim through. For the "
            "single-valued :sub and :aud keys use plain StringEquals / StringLike.",
        fix="cat > trust.json <<'EOF'\n{policy}\nEOF\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-103",
        title="Trust policy note",
        message="trust policy: {warning}",
        why="The evaluator noticed something in the trust policy that does not block this token but is unusual "
            "or fragile (e.g. a missing or old Version, which disables policy variables).",
    ),
    Code(
        "TRUST-201",
        title="No statement allows the token",
        message="trust policy of {role} does not allow this token: statement {statement}: {reason}",
        why="STS allows sts:AssumeRoleWithWebIdentity only when a statement's Principal.Federated is the "
            "token's provider ARN, its Action covers sts:AssumeRoleWithWebIdentity, and every condition holds "
            "for the token's claims (keys `<issuer>:sub`, `<issuer>:aud`). No Allow statement matches, so STS "
            "answers AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity.",
        fix="# your current statements + the one this pod needs (last); drop statement {statement} if it was "
            "meant for this pod\n"
            "cat > trust.json <<'EOF'\n{policy}\nEOF\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-202",
        title="A Deny statement matches the token",
        message="statement {statement} of the trust policy of {role} explicitly denies this token",
        why="An explicit Deny in the trust policy wins over every Allow. The Deny statement matches this "
            "token's provider and claims, so STS answers AccessDenied: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity.",
        fix="aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument\n"
            "# remove or narrow statement {statement}, then:\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-002",
        title="Trust confirmed by the live STS call",
        message="STS accepted this pod's token for {role}: the trust policy allows it (irsa-tui could not read it: "
            "{unread})",
        why="irsa-tui could not read or evaluate the role's trust policy (the identity it runs as lacks "
            "iam:GetRole, or the role is in another account), but STS accepted this pod's token, which it does only "
            "when the trust policy allows it. The live answer settles what the static read could not; whether "
            "the policy is broader than needed could not be checked.",
    ),
    Code(
        "TRUST-203",
        title="Live STS answer points at the trust policy",
        message="live STS answered {error_code}: {error_message} (endpoint {endpoint}); the static check alone judged "
            "this link {static_status}",
        why="A live answer overrules a static prediction: irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's own token and role, the very call the pod's SDK makes, and STS's answer names this link. The static check judged it from what irsa-tui could read, which differs from what STS sees: {differ}.",
        fix="{fix}",
    ),
    # scan: findings about a role, for every ServiceAccount that uses it (irsa-tui scan)
    Code(
        "TRUST-150",
        title="Trust policy lets any ServiceAccount in (scan)",
        message="role {role_arn} trusts {scope}: statement {statement}: {reason}",
        why="A web-identity trust statement that does not pin <issuer>:sub to one system:serviceaccount:NS:SA "
            "(no :sub condition, a wildcard, StringLike on the namespace, Principal *) lets every pod whose "
            "ServiceAccount matches assume the role, including ones whose authors were never meant to have it. "
            "Pin sub with StringEquals, one value per ServiceAccount that should use the role.",
        fix="aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json\n"
            "# with, in the statement: \"StringEquals\": {{\"<issuer>:sub\": \"system:serviceaccount:NS:SA\", "
            "\"<issuer>:aud\": \"sts.amazonaws.com\"}}",
    ),
    Code(
        "TRUST-250",
        title="Association's role does not trust Pod Identity (scan)",
        message="role {role_arn} of Pod Identity association {association} ({namespace}/{sa}) does not trust "
            "pods.eks.amazonaws.com: {reason}",
        why="EKS Auth assumes an association's role as the service principal pods.eks.amazonaws.com, with "
            "sts:AssumeRole and sts:TagSession (session tags are on unless the association disables them). A role "
            "made for IRSA trusts a web identity instead, so every pod of the association gets AccessDenied from "
            "the agent.",
        fix="aws iam update-assume-role-policy --role-name {role} --policy-document '{{\"Version\": \"2012-10-17\", "
            "\"Statement\": [{{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"pods.eks.amazonaws.com\"}}, "
            "\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]}}]}}'",
    ),
    Code(
        "TRUST-003",
        title="Role trusts EKS Pod Identity",
        message="role {role} trusts pods.eks.amazonaws.com for {actions}{note}",
        why="EKS Auth assumes the association's role as the service principal pods.eks.amazonaws.com with "
            "sts:AssumeRole and sts:TagSession (six session tags: cluster, namespace, ServiceAccount, pod). "
            "irsa-tui evaluated the trust policy for this pod's session tags the way IAM does.",
    ),
    Code(
        "TRUST-204",
        title="Role does not trust EKS Pod Identity",
        message="trust policy of {role} does not let pods.eks.amazonaws.com assume it: {reason}",
        why="The association's role must trust the service principal pods.eks.amazonaws.com for "
            "sts:AssumeRole and sts:TagSession (UG pod-id-role); conditions on aws:RequestTag/kubernetes-* must "
            "hold for this pod's session tags. EKS checks this when the association is created, but a trust "
            "policy edited later breaks every pod at runtime (EKS Auth: AccessDeniedException).",
        fix="cat > trust.json <<'EOF'\n{policy}\nEOF\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-205",
        title="Target role does not trust the association role",
        message="target role {target} does not trust {role} for the second hop: {reason}",
        why="With targetRoleArn EKS Pod Identity assumes the association role, then the target role as that "
            "session, passing the (transitive) session tags. The target's trust policy must allow the "
            "association role (aws:PrincipalArn) for sts:AssumeRole and sts:TagSession, and its conditions "
            "must hold for this pod's tags (and sts:ExternalId when session tags are disabled).",
        fix="cat > trust.json <<'EOF'\n{policy}\nEOF\n"
            "aws iam update-assume-role-policy --role-name {target_name} --policy-document file://trust.json",
    ),
    Code(
        "TRUST-104",
        title="Target role trust not readable",
        message="could not read the trust policy of target role {target}: {reason}",
        why="The target role is often in another account, whose IAM irsa-tui cannot read as this caller. The "
            "second hop is checked live by EKS Auth (eks-auth link) when live probes are on.",
    ),
    # --- trust-policy (end) ---
    # --- sts (begin) ---
    Code(
        "STS-001",
        title="AssumeRoleWithWebIdentity works",
        message="assumed {role} as {assumed_role_arn} (endpoint {endpoint})",
        why="irsa-tui called sts:AssumeRoleWithWebIdentity with the pod's token and role, exactly as the AWS SDK "
            "in the pod does, and STS returned credentials. The whole web-identity part of the chain works.",
    ),
    Code(
        "STS-101",
        title="Live success disagrees with a static failure",
        message="live STS accepted the token although {links} fails statically; the static failure stands",
        why="STS accepted the token although the static checks predicted a refusal. A live success does not "
            "soften a static failure: the failing link's facts say the chain breaks (for this pod at its next "
            "token, or right after IAM catches up with a change). Likely reasons for the disagreement: a policy "
            "changed between reads (IAM is eventually consistent), a condition or provider match modelled more "
            "strictly than STS, or facts read from another account or cluster. Compare the link's evidence.",
    ),
    Code(
        "STS-102",
        title="Live failure disagrees with the static prediction",
        message="live result disagrees with the static prediction (static checks passed); live wins",
        why="The static checks of the token, OIDC provider and trust policy predicted success, but STS refused. "
            "Likely reasons: an SCP or RCP denying sts:AssumeRoleWithWebIdentity, condition keys irsa-tui does "
            "not model, or eventual consistency of a just-changed policy or provider (wait a minute and retry).",
    ),
    Code(
        "STS-201",
        title="STS refused: OIDC provider problem",
        message="STS refused: {error_code}: {error_message} — points at oidc-provider ({cause})",
        why="STS could not match the token to a usable IAM OIDC provider in the role's account: the provider is "
            "missing or names another issuer, its client IDs lack the token audience, or STS could not fetch "
            "the issuer's signing keys. The oidc-provider link shows which.",
        fix="# see the oidc-provider link; the usual fixes:\n"
            "eksctl utils associate-iam-oidc-provider --cluster {cluster} --region {region} --approve\n"
            "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn {provider_arn} "
            "--client-id {audience}",
    ),
    Code(
        "STS-202",
        title="STS refused: trust policy (or missing role)",
        message="STS refused: {error_code}: {error_message} — points at trust-policy ({cause})",
        why="STS answers 'Not authorized to perform sts:AssumeRoleWithWebIdentity' when no statement of the "
            "role's trust policy allows this token (wrong Federated provider, wrong :sub/:aud value, wrong "
            "Action) and also when the role does not exist. The trust-policy link shows the closest statement.",
        fix="aws iam get-role --role-name {role} --query Role.AssumeRolePolicyDocument\n"
            "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json",
    ),
    Code(
        "STS-203",
        title="STS refused: token problem",
        message="STS refused: {error_code}: {error_message} — points at token ({cause})",
        why="STS rejected the token itself: it had expired, its issuer or a claim was not acceptable, or the "
            "identity provider rejected it. The kubelet refreshes the projected token well before expiry; an "
            "expired token usually means a stuck kubelet, a skewed node clock, or a token copied elsewhere.",
        fix="kubectl -n {namespace} delete pod {pod}  # a new pod gets a freshly minted token",
    ),
    Code(
        "STS-204",
        title="STS refused: malformed role ARN",
        message="STS refused: {error_code}: {error_message} — points at service-account ({cause})",
        why="The webhook copies the ServiceAccount's eks.amazonaws.com/role-arn annotation into AWS_ROLE_ARN "
            "without rejecting malformed values (it only logs a warning), so STS receives an ARN it cannot "
            "parse. Fix the annotation, then recreate the pods: the webhook only runs at pod creation.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn=arn:aws:iam::"
            "<account-id>:role/<role-name> --overwrite\n"
            "kubectl -n {namespace} rollout restart {owner_kind}/{owner_name}",
    ),
    Code(
        "STS-205",
        title="STS is not activated in the region",
        message="STS refused: {error_code}: {error_message} — STS is deactivated in this region for the account "
            "(endpoint {endpoint})",
        why="Each account can deactivate regional STS endpoints (IAM > Account settings). A pod using the "
            "regional endpoint of a deactivated region gets RegionDisabledException for every call.",
        fix="# IAM console > Account settings > Security Token Service (STS) > Endpoints: activate {region}\n"
            "# or point the SDK elsewhere, e.g. set AWS_STS_REGIONAL_ENDPOINTS=legacy on the workload",
    ),
    Code(
        "STS-206",
        title="STS refused the request",
        message="STS refused: {error_code}: {error_message} — points at sts ({cause})",
        why="STS rejected the request itself rather than the token or the trust: e.g. DurationSeconds above the "
            "role's MaxSessionDuration, an invalid session name, a session policy that is malformed or too "
            "large, or a signing/endpoint mismatch.",
        fix="aws iam get-role --role-name {role} --query Role.MaxSessionDuration\n"
            "# compare with the SDK settings of the workload (AWS_ROLE_SESSION_NAME, duration, session policy)",
    ),
    Code(
        "STS-207",
        title="STS refused: the annotated role is not there",
        message="STS refused: {error_code}: {error_message} — points at service-account ({cause})",
        why="STS gives the same 'Not authorized to perform sts:AssumeRoleWithWebIdentity' for a role that does "
            "not exist as named (deleted, or an ARN copied from another account or partition) as for a trust "
            "policy that says no. The service-account link found that the annotated ARN cannot name this "
            "role, so fix the annotation (or create the role), not the trust policy.",
        fix="# the service-account link's fix:\n{sa_fix}",
    ),
    Code(
        "STS-103",
        title="The role works; this pod does not use it",
        message="the role works; this pod does not use it: it uses {what}",
        why="irsa-tui assumed the role with the pod's token itself, which proves the role and its trust, not the "
            "pod: the injection link shows that the pod's SDK picks other credentials (or none were injected). "
            "The pod gets the role only once that is fixed (see injection).",
    ),
    Code(
        "STS-104",
        title="CloudTrail shows this pod's calls refused",
        message="CloudTrail: {refused} AssumeRoleWithWebIdentity refused in the last hour for {subject}, last at "
            "{last}, {error}; the chain judged sts {static_status}",
        why="CloudTrail records every AssumeRoleWithWebIdentity STS answers, the pod's own calls included (check "
            "--cloudtrail reads the last hour with cloudtrail:LookupEvents). The latest call for this pod's "
            "ServiceAccount was refused while the chain irsa-tui just walked passes (or did not call STS): the fix "
            "may be newer than the refusals (they stop once the pod's SDK retries), another replica runs an older "
            "pod template, or the pod calls another role or endpoint. Events reach CloudTrail about 5 minutes "
            "(up to 15) after the call.",
        fix="# the events, newest first:\naws cloudtrail lookup-events --lookup-attributes "
            "AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity --start-time {since} --max-results 50",
    ),
    Code(
        "STS-208",
        title="STS throttles the pod's call",
        message="STS answered {error_code}: {error_message} on {endpoint}, the endpoint the pod uses",
        why="AssumeRoleWithWebIdentity is unsigned, so irsa-tui's call and the pod's are the same request to the "
            "same endpoint: STS is throttling it. STS request quotas are per account and region; many pods (or "
            "CronJobs) calling at once without caching credentials exhaust them. SDKs cache the role's credentials "
            "and refresh them before expiry; a client created per request, or a process per call, does not. "
            "Regional endpoints have their own quota; the global one is shared.",
        fix="# reuse one SDK client/session per process so credentials are cached, spread CronJob start times,\n"
            "# and use the regional endpoint: set AWS_STS_REGIONAL_ENDPOINTS=regional and AWS_REGION on the workload\n"
            "kubectl -n {namespace} set env {owner_kind}/{owner_name} AWS_STS_REGIONAL_ENDPOINTS=regional",
    ),
    Code(
        "STS-209",
        title="STS is failing on the endpoint the pod uses",
        message="STS answered {error_code}: {error_message} on {endpoint}, the endpoint the pod uses",
        why="STS itself answered the pod's own call with a server-side fault (InternalFailure / ServiceUnavailable): "
            "the pod gets no credentials while this lasts. The global endpoint (sts.amazonaws.com) is a single "
            "shared dependency; regional endpoints fail independently. Pods without AWS_STS_REGIONAL_ENDPOINTS=regional "
            "and an older SDK use the global one.",
        fix="# move the workload to the regional endpoint (and check the AWS Health Dashboard for STS):\n"
            "kubectl -n {namespace} set env {owner_kind}/{owner_name} AWS_STS_REGIONAL_ENDPOINTS=regional "
            "AWS_REGION={region}",
    ),
    # --- sts (end) ---
    # --- s3 (begin) ---
    Code(
        "S3-001",
        title="S3 access works",
        message="{operation} on {target} works ({seen})",
        why="With the credentials STS returned for the pod's role, irsa-tui made the same S3 call an application "
            "would make and S3 answered. The role's permissions reach S3.",
    ),
    Code(
        "S3-101",
        title="No bucket to probe; ListBuckets denied",
        message="ListBuckets denied ({error_code}) and no bucket is known: pass --bucket to probe the bucket the app uses",
        why="Neither --bucket nor the role's identity policies name a bucket, so irsa-tui fell back to "
            "ListBuckets, which most application roles rightly lack. This says nothing about access to the "
            "bucket the application really uses.",
        fix="irsa-tui check {namespace}/{pod} --bucket <bucket-name>",
    ),
    Code(
        "S3-002",
        title="Object readable",
        message="GetObject on {target} works ({read} byte read; {encryption})",
        why="With the role's credentials irsa-tui asked S3 for the first byte of the object named by --object "
            "(Range: bytes=0-0; nothing is changed, the byte is not shown). S3 served it, so s3:GetObject and, "
            "for an SSE-KMS object, kms:Decrypt on its key are allowed.",
    ),
    Code(
        "S3-102",
        title="Bucket in another region (redirect followed)",
        message="bucket {bucket} is in {bucket_region}, the pod signs for {client_region}: S3 answered {redirect_code} "
            "and boto3 retried in the right region",
        why="S3 answers a request signed for the wrong region with 301 PermanentRedirect or 400 "
            "AuthorizationHeaderMalformed (naming the bucket's region). boto3/botocore follow both and re-sign "
            "for the bucket's region, at the cost of an extra round trip. SDKs or code that do not follow S3 "
            "region redirects (AWS SDK for Java 2.x unless crossRegionAccessEnabled, JavaScript v3 unless "
            "followRegionRedirects, hand-signed requests) fail with that error instead.",
        fix="# give the workload the bucket's region for S3, e.g.\n"
            "boto3.client('s3', region_name='{bucket_region}')  # or AWS_REGION={bucket_region} for that workload",
    ),
    Code(
        "S3-201",
        title="s3:ListBucket granted on objects, not on the bucket",
        message="role {role} grants s3:ListBucket only on {object_arn} (objects); ListObjectsV2 needs it on the bucket "
            "ARN {bucket_arn}",
        why="s3:ListBucket is a bucket-level action: IAM matches it against the bucket ARN arn:aws:s3:::BUCKET, "
            "never against object ARNs arn:aws:s3:::BUCKET/*. A statement granting it only on BUCKET/* matches "
            "nothing, so S3 answers AccessDenied: no identity-based policy allows the s3:ListBucket action.",
        fix="# add the missing statement {statement}\n"
            "aws iam put-role-policy --role-name {role} --policy-name s3-list-{bucket} --policy-document '{document}'",
    ),
    Code(
        "S3-202",
        title="No identity-based policy allows the action",
        message="no identity-based policy of role {role} allows {action} on {resource}",
        why="IAM allows a call only if an identity-based policy of the role (inline or attached) has an Allow "
            "statement whose Action and Resource match it. None of the role's policies does, so S3 denies it "
            "with an implicit deny.",
        fix="aws iam put-role-policy --role-name {role} --policy-name {policy_name} --policy-document '{document}'",
    ),
    Code(
        "S3-203",
        title="Explicit deny in an identity-based policy",
        message="an identity-based policy of role {role} explicitly denies {action} on {resource}",
        why="An explicit Deny always beats an Allow. One of the role's own policies (inline or attached) has a "
            "Deny statement matching this call, possibly through a condition such as aws:SourceVpc.",
        fix="aws iam list-role-policies --role-name {role}\n"
            "aws iam list-attached-role-policies --role-name {role}  # find the Deny statement naming {action}",
    ),
    Code(
        "S3-204",
        title="Bucket policy denies the role",
        message="the bucket policy of s3://{bucket} explicitly denies {action} to role {role}",
        why="A Deny in the bucket's resource-based policy beats any Allow in the role's policies. Typical "
            "causes: conditions on aws:SourceVpce / aws:SourceVpc (the pod does not go through that VPC "
            "endpoint), aws:PrincipalOrgID, or an explicit list of allowed principals.",
        fix="aws s3api get-bucket-policy --bucket {bucket} --query Policy --output text"
            "  # find the Deny statement and its conditions",
    ),
    Code(
        "S3-205",
        title="Service control policy denies the action",
        message="an AWS Organizations policy (SCP/RCP) explicitly denies {action} on {resource} to role {role}",
        why="Service control policies (SCPs) and resource control policies (RCPs) of AWS Organizations cap what "
            "principals and resources of the account allow, whatever the role's and bucket's own policies say. "
            "One of them denies this call; only the organization's administrators can change that.",
        fix="# ask your AWS Organizations administrator; from the management account:\n"
            "aws organizations list-policies-for-target --target-id {account} --filter SERVICE_CONTROL_POLICY",
    ),
    Code(
        "S3-206",
        title="Permissions boundary does not allow the action",
        message="the permissions boundary {boundary} of role {role} does not allow {action}",
        why="A permissions boundary caps the role's effective permissions: an action must be allowed by both the "
            "identity policies and the boundary. The boundary does not allow this one.",
        fix="aws iam get-role --role-name {role} --query Role.PermissionsBoundary\n"
            "# add {action} on {resource} to the boundary policy, or remove the boundary:\n"
            "aws iam delete-role-permissions-boundary --role-name {role}",
    ),
    Code(
        "S3-207",
        title="Session policy does not allow the action",
        message="a session policy of the assumed-role session does not allow {action} on {resource}",
        why="When a session is created with a session policy (Policy or PolicyArns on AssumeRole*), the "
            "session's permissions are the intersection of the role's policies and that session policy. "
            "IRSA sessions created by the SDK have none, so this comes from the caller's configuration.",
        fix="# remove or widen the session policy passed to AssumeRoleWithWebIdentity by the workload",
    ),
    Code(
        "S3-208",
        title="Access denied (cause not stated)",
        message="S3 denied {action} on {resource}: {error_message}",
        why="S3 answered AccessDenied without saying which policy denied the call, and the role's identity "
            "policies do seem to allow it. Look at the bucket policy, SCPs, the permissions boundary, KMS key "
            "policy (SSE-KMS buckets) and Block Public Access / ACL settings.",
        fix="aws s3api get-bucket-policy --bucket {bucket} --query Policy --output text\n"
            "aws iam simulate-principal-policy --policy-source-arn {role_arn} --action-names {action} "
            "--resource-arns {resource}",
    ),
    Code(
        "S3-209",
        title="Bucket does not exist",
        message="bucket {bucket} does not exist (NoSuchBucket)",
        why="S3 says there is no bucket with this name in any account. The name (from {origin}) is mistyped, or "
            "the bucket was deleted.",
        fix="aws s3api list-buckets --query 'Buckets[].Name'  # find the intended bucket name",
    ),
    Code(
        "S3-210",
        title="Bucket is in another region",
        message="bucket {bucket} is in {bucket_region}, the client used {client_region} ({error_code})",
        why="S3 requests must be signed for the bucket's region. Clients configured for another region get a "
            "301 PermanentRedirect or AuthorizationHeaderMalformed instead of the data; most SDKs do not follow "
            "these for signed requests.",
        fix="# configure the S3 client for the bucket's region, e.g.\n"
            "boto3.client('s3', region_name='{bucket_region}')  # or AWS_REGION={bucket_region} for that workload",
    ),
    Code(
        "S3-211",
        title="S3 refused the call",
        message="S3 refused {operation} on {target}: {error_code}: {error_message}",
        why="S3 answered with an error that is not a permission problem of the role (for example "
            "AllAccessDisabled: the bucket has been disabled, or InvalidAccessKeyId / ExpiredToken for the "
            "session credentials). The message names the cause.",
        fix="aws s3api head-bucket --bucket {bucket}",
    ),
    Code(
        "S3-212",
        title="kms:Decrypt missing for an SSE-KMS object",
        message="role {role} may not kms:Decrypt key {kms_key_arn}, which encrypts {target} (SSE-KMS): "
            "no identity-based policy allows it",
        why="The object is encrypted with SSE-KMS. To serve it S3 asks KMS to decrypt the object's data key on "
            "the caller's behalf, so GetObject needs kms:Decrypt on that key as well as s3:GetObject. S3 answers "
            "403 AccessDenied naming kms:Decrypt and the key ARN. The role's policies grant no kms:Decrypt on "
            "the key; note: {key_policy_note}.",
        fix="cat > kms-decrypt.json <<'EOF'\n{kms_document}\nEOF\n"
            "aws iam put-role-policy --role-name {role} --policy-name {policy_name} "
            "--policy-document file://kms-decrypt.json\n"
            "# key policy (account {kms_account}): {key_policy_note}\n"
            "aws kms get-key-policy --key-id {kms_key_arn} --policy-name default --query Policy --output text",
    ),
    Code(
        "S3-213",
        title="KMS key policy does not allow kms:Decrypt",
        message="the key policy of {kms_key_arn} does not let role {role} kms:Decrypt, so {target} (SSE-KMS) is "
            "unreadable",
        why="The object is encrypted with SSE-KMS and KMS refused to decrypt its data key for this role: the "
            "key's own (resource-based) policy neither names the role nor delegates to IAM policies of its "
            "account, or denies it. A role policy alone cannot fix this; the key policy must allow the role "
            "(the key is in account {kms_account}; {key_policy_note}).",
        fix="# from account {kms_account}: read the key policy, add this statement to its Statement list\n"
            "#   {key_statement}\n"
            "aws kms get-key-policy --key-id {kms_key_arn} --policy-name default --query Policy --output text "
            "> key-policy.json\n"
            "aws kms put-key-policy --key-id {kms_key_arn} --policy-name default --policy file://key-policy.json",
    ),
    Code(
        "S3-214",
        title="Object does not exist",
        message="object {key} does not exist in bucket {bucket} (NoSuchKey)",
        why="S3 answered 404 NoSuchKey: the key is not in the bucket (S3 says so only to callers allowed "
            "s3:ListBucket; others get 403 AccessDenied). The key is mistyped, has another prefix or case, or "
            "was never written or has been deleted. The role's access itself works.",
        fix="aws s3api list-objects-v2 --bucket {bucket} --prefix {prefix_q} --max-items 20 --query 'Contents[].Key'"
            "  # find the intended key",
    ),
    Code(
        "S3-103",
        title="The role reaches S3; this pod does not use it",
        message="the role reaches S3; this pod does not use it: it uses {what}",
        why="The S3 probe ran with the credentials irsa-tui got for the role, not with the pod's own credentials. "
            "The injection link shows that the pod's SDK picks other credentials, so what the pod can do in S3 "
            "is decided by those.",
    ),
    Code(
        "S3-104",
        title="Policies use session tags the association disables",
        message="role {role} uses {tags} in its policies, but association {association} disables session tags: "
            "those statements never match",
        why="EKS Pod Identity tags each session with the pod's cluster, namespace, ServiceAccount and pod "
            "(aws:PrincipalTag/...), unless the association sets disableSessionTags (needed for a session policy, "
            "or against PackedPolicyTooLarge). Statements that use these tags then match nothing (UG pod-id-abac).",
        fix="aws eks update-pod-identity-association --cluster-name {cluster} --association-id {association} "
            "--no-disable-session-tags",
    ),
    # --- s3 (end) ---
    # --- association (begin) ---
    Code(
        "ASSOC-001",
        title="Association maps the ServiceAccount to a role",
        message="association {association} maps {namespace}/{sa} to {role_arn}{target}",
        why="EKS Pod Identity keeps the mapping in the EKS API, not in Kubernetes: one association per "
            "namespace and ServiceAccount names the IAM role EKS Auth assumes for the pod (and optionally a "
            "target role in any account, assumed as a second hop).",
    ),
    Code(
        "ASSOC-101",
        title="Association changed after the pod started",
        message="association {association} was modified at {modified}, after pod {pod} started ({pod_created}): "
            "the agent may still serve the old role",
        why="The agent caches credentials (up to 6 hours, 59 minutes with a target role) and modifying an "
            "association does not reset that cache (UG pod-id-assign-target-role). Recreate the pods to be "
            "sure they use the association as it is now.",
        fix="{restart}",
    ),
    Code(
        "ASSOC-102",
        title="Association created after the pod",
        message="association {association} was created at {assoc_created}, after pod {pod} ({pod_created}): the "
            "pod needs a restart to get Pod Identity",
        why="The webhook injects the Pod Identity env only when a pod is created, and associations are "
            "eventually consistent. Pods created before (or seconds after) the association keep running "
            "without it; recreate them.",
        fix="{restart}",
    ),
    Code(
        "ASSOC-201",
        title="No association for the ServiceAccount",
        message="no EKS Pod Identity association for {namespace}/{sa} in cluster {cluster}",
        why="EKS Auth looks the association up by the token's namespace and ServiceAccount. Without one the "
            "webhook injects nothing (the pod falls back to the node role) and a pod that still has the env gets "
            "ResourceNotFoundException from EKS Auth. Create the association (one role per ServiceAccount per "
            "cluster), then recreate the pod.",
        fix="aws eks create-pod-identity-association --cluster-name {cluster} --namespace {namespace} "
            "--service-account {sa} --role-arn {role_arn}\n{restart}",
    ),
    Code(
        "ASSOC-202",
        title="Association names another ServiceAccount",
        message="no association for {namespace}/{sa}, but association {association} exists for ServiceAccount "
            "{other} in {namespace}: the pod runs as {sa}",
        why="Associations match the ServiceAccount name exactly. One exists for a similar name in this "
            "namespace; the pod runs as another ServiceAccount, so EKS has nothing for it. Either run the pod as "
            "the associated ServiceAccount or create an association for the one it uses.",
        fix="aws eks create-pod-identity-association --cluster-name {cluster} --namespace {namespace} "
            "--service-account {sa} --role-arn {role_arn}\n{restart}",
    ),
    Code(
        "ASSOC-203",
        title="Association role does not exist",
        message="association {association} names role {role_arn}, which does not exist in IAM",
        why="EKS validates the role when the association is created, but the role was deleted (or renamed) "
            "since. EKS Auth then cannot assume it and the agent answers an error to every pod of this "
            "ServiceAccount. Recreate the role with a trust policy for pods.eks.amazonaws.com, or point the "
            "association at an existing role.",
        fix="aws eks update-pod-identity-association --cluster-name {cluster} --association-id {association} "
            "--role-arn arn:aws:iam::{account}:role/<existing-role>",
    ),
    Code(
        "ASSOC-204",
        title="Association role is in another account",
        message="association {association} names {role_arn} in account {role_account}; the cluster is in "
            "account {account}",
        why="The association's roleArn must be a role of the cluster's account; a role in another account is "
            "reached with targetRoleArn (EKS assumes the local role, then the target role).",
        fix="aws eks update-pod-identity-association --cluster-name {cluster} --association-id {association} "
            "--role-arn arn:aws:iam::{account}:role/<local-role> --target-role-arn {role_arn}",
    ),
    # --- association (end) ---
    # --- agent (begin) ---
    Code(
        "AGENT-001",
        title="Pod Identity agent ready on the pod's node",
        message="agent pod {agent_pod} is Ready on node {node}{role_note}",
        why="The eks-pod-identity-agent DaemonSet runs a pod on every eligible node, listening on "
            "169.254.170.23:80. The pod's SDK asks it for credentials; the agent calls EKS Auth "
            "AssumeRoleForPodIdentity with the node role, which needs eks-auth:AssumeRoleForPodIdentity.",
    ),
    Code(
        "AGENT-101",
        title="Agent add-on reports health issues",
        message="add-on eks-pod-identity-agent is {status}: {issues}",
        why="EKS reports the add-on's health; a degraded add-on often means agent pods failing on some nodes.",
        fix="aws eks describe-addon --cluster-name {cluster} --addon-name eks-pod-identity-agent --query addon.health",
    ),
    Code(
        "AGENT-102",
        title="HTTP proxy without NO_PROXY for the agent",
        message="container {container} sets {proxy} and NO_PROXY does not list 169.254.170.23: SDKs that honour "
            "proxies send the credentials request to the proxy",
        why="Go and other SDKs build their HTTP client from the proxy environment; the agent's link-local "
            "address must be excluded (UG pod-identities).",
        fix="# add 169.254.170.23,[fd00:ec2::23] to NO_PROXY (and no_proxy) of container {container}\n{restart}",
    ),
    Code(
        "AGENT-103",
        title="hostNetwork pod",
        message="pod {pod} uses hostNetwork: Pod Identity is reported to fail for hostNetwork pods, and they "
            "always reach the node role through IMDS",
        why="A hostNetwork pod shares the node's network namespace: it reaches IMDS whatever the hop limit, and "
            "reports of EKS Auth refusing hostNetwork pods are open (aws/eks-pod-identity-agent#139).",
    ),
    Code(
        "AGENT-201",
        title="Pod Identity agent not installed",
        message="cluster {cluster} has no eks-pod-identity-agent add-on and no DaemonSet "
            "kube-system/eks-pod-identity-agent",
        why="Without the agent nothing listens on 169.254.170.23: the SDK fails with 'Could not connect to the "
            "endpoint URL: http://169.254.170.23/v1/credentials' (or a timeout). Install the add-on.",
        fix="aws eks create-addon --cluster-name {cluster} --addon-name eks-pod-identity-agent",
    ),
    Code(
        "AGENT-202",
        title="No agent pod on the pod's node",
        message="no eks-pod-identity-agent pod runs on node {node}{why_not}",
        why="The pod asks the agent on its own node (link-local address). The DaemonSet has no pod there: the "
            "node is new and not ready yet, or a taint, affinity or node selector keeps the agent off it.",
        fix="kubectl -n kube-system get daemonset eks-pod-identity-agent -o wide\n"
            "kubectl describe node {node}  # look at taints; the agent needs a toleration for each",
    ),
    Code(
        "AGENT-203",
        title="Agent pod on the node is not Ready",
        message="agent pod {agent_pod} on node {node} is not Ready (phase {phase}, {restarts} restarts)",
        why="A crashing or pending agent leaves the pod without credentials. A known cause is a node without "
            "IPv6: 'listen tcp [fd00:ec2::23]:80: bind: cannot assign requested address' (set the add-on's "
            "agent.additionalArgs -b 169.254.170.23).",
        fix="kubectl -n kube-system logs {agent_pod}\nkubectl -n kube-system describe pod {agent_pod}",
    ),
    Code(
        "AGENT-204",
        title="Node cannot run the agent",
        message="pod {pod} runs on {node} ({kind}): EKS Pod Identity is not available there",
        why="EKS Pod Identity works on Linux EC2 nodes only: not for pods on Fargate nor on Windows nodes "
            "(UG pod-identities). Use IRSA for this workload, or schedule it on Linux EC2 nodes.",
        fix="kubectl -n {namespace} annotate serviceaccount {sa} eks.amazonaws.com/role-arn={role_arn} "
            "--overwrite  # IRSA works on {kind}\n{restart}",
    ),
    Code(
        "AGENT-205",
        title="Node role may not call EKS Auth",
        message="node role {node_role} does not allow eks-auth:AssumeRoleForPodIdentity",
        why="The agent calls EKS Auth with the node's instance role; without eks-auth:AssumeRoleForPodIdentity "
            "(in AmazonEKSWorkerNodePolicy and AmazonEKSWorkerNodeMinimalPolicy) every pod on the node gets "
            "AccessDeniedException relayed by the agent.",
        fix="aws iam attach-role-policy --role-name {node_role_name} "
            "--policy-arn arn:{partition}:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
    ),
    Code(
        "AGENT-206",
        title="IMDS disabled on the node",
        message="instance {instance} has its metadata endpoint disabled: the agent gets no node credentials to "
            "call EKS Auth",
        why="The agent takes its own credentials from the node role through IMDS; with HttpEndpoint=disabled "
            "it cannot sign the EKS Auth call.",
        fix="aws ec2 modify-instance-metadata-options --instance-id {instance} --http-endpoint enabled",
    ),
    # --- agent (end) ---
    # --- eks-auth (begin) ---
    Code(
        "EKSAUTH-001",
        title="EKS Auth issued credentials",
        message="EKS Auth AssumeRoleForPodIdentity issued credentials for {assumed} (called by irsa-tui with a "
            "fresh pods.eks.amazonaws.com token of the ServiceAccount, not through the node's agent)",
        why="irsa-tui made the agent's call with a fresh token of this pod's ServiceAccount: EKS Auth found the "
            "association, assumed its role (and target role) and returned credentials, as it will for the pod.",
    ),
    Code(
        "EKSAUTH-201",
        title="EKS Auth refused the call",
        message="EKS Auth answered {error_code}: {error_message}",
        why="EKS Auth refused the very call the agent makes for this pod. {cause}",
        fix="{fix}",
    ),
    # --- eks-auth (end) ---
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
