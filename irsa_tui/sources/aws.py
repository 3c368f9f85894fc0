"""AWS adapter: boto3 with per-call timeouts, no retries, errors mapped to SourceError.

Standard settings only: the session honours AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL
(and per-service AWS_ENDPOINT_URL_*), credentials chain, SSO and so on, exactly as
the AWS CLI does. Assumed credentials stay in memory (a frozen object) and are never
logged, rendered or put into any environment.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import unquote

from irsa_tui.chain.arn import issuer_host_path, provider_arn
from irsa_tui.chain.errors import SourceFailure
from irsa_tui.chain.facts import (
    ClusterFacts,
    OidcProviderFacts,
    RoleFacts,
    S3Facts,
    S3ObjectFacts,
    SourceError,
    StsFacts,
)
from irsa_tui.sources._text import clip as _clip

__all__ = ["Aws", "Credentials", "map_aws_error"]

_ENV_KEYS = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE",
)
_SHARED: dict[tuple[Any, ...], tuple[float, threading.Lock, dict[str, Any], dict[tuple[str, bool], Any]]] = {}
_SHARED_LOCK = threading.Lock()
_SHARED_TTL = 600.0

T = TypeVar("T")

_SSO_ERRORS = ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "SSOError", "TokenRetrievalError")


@dataclass(frozen=True)
class Credentials:
    """Temporary credentials from STS. repr hides everything secret."""

    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)

    def __repr__(self) -> str:
        return "Credentials(<redacted>)"


def map_aws_error(exc: BaseException, service: str, what: str, action: str | None = None) -> SourceError:
    """Map a botocore/boto3 exception to a one-line SourceError (never a traceback)."""
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError  # not in botocore.exceptions

    name = type(exc).__name__
    if isinstance(exc, bx.ClientError):
        response: dict[Any, Any] = exc.response if isinstance(exc.response, dict) else {}
        raw_err, raw_meta = response.get("Error"), response.get("ResponseMetadata")
        err: dict[Any, Any] = raw_err if isinstance(raw_err, dict) else {}
        meta: dict[Any, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        code = _clip(str(err.get("Code") or "Unknown"), 100) or "Unknown"
        msg = _clip(str(err.get("Message") or ""), 400)
        raw_status = meta.get("HTTPStatusCode")
        status = raw_status if isinstance(raw_status, int) and not isinstance(raw_status, bool) else None
        line = f"{what}: {code}" + (f": {msg}" if msg else "")
        if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden", "403"):
            return SourceError(service, "forbidden", line, permission=action, code=code, status=status)
        if code in ("NoSuchEntity", "ResourceNotFoundException", "NoSuchBucket", "NotFound", "404"):
            return SourceError(service, "not-found", line, code=code, status=status)
        if code in ("Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
                    "SlowDown", "429"):
            return SourceError(service, "throttled", line, code=code, status=status)
        if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
            return SourceError(service, "unauthorized", line + " (the AWS credentials irsa-tui uses have expired)",
                               code=code, status=status)
        if code in ("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
                    "InvalidAccessKeyId", "AuthFailure"):
            return SourceError(service, "unauthorized", line + " (the AWS credentials irsa-tui uses are not valid)",
                               code=code, status=status)
        if isinstance(status, int) and status >= 500:
            return SourceError(service, "server-error", line, code=code, status=status)
        return SourceError(service, "invalid", line, code=code, status=status)
    if isinstance(exc, bx.NoCredentialsError):
        return SourceError(service, "no-credentials",
                           f"{what}: no AWS credentials found (set AWS_PROFILE, run 'aws sso login', or export keys)")
    if name in _SSO_ERRORS or isinstance(exc, getattr(bx, "SSOTokenLoadError", ())):
        return SourceError(service, "unauthorized",
                           f"{what}: AWS SSO session expired or missing; run 'aws sso login'")
    if isinstance(exc, bx.ProfileNotFound):
        return SourceError("aws-config", "invalid", f"{what}: {_short(exc)}")
    if isinstance(exc, (bx.ConnectTimeoutError, bx.ReadTimeoutError)):
        return SourceError(service, "timeout", f"{what}: timed out")
    if isinstance(exc, bx.SSLError):
        return SourceError(service, "tls", f"{what}: TLS failure: {_short(exc)}")
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectionClosedError, bx.ProxyConnectionError)):
        return SourceError(service, "unreachable", f"{what}: cannot connect: {_short(exc)}")
    if isinstance(exc, ResponseParserError):
        return SourceError(service, "bad-response", f"{what}: response is not what the API promised")
    if isinstance(exc, bx.NoRegionError):
        return SourceError("aws-config", "invalid", f"{what}: no AWS region (pass --region or set AWS_REGION)")
    if isinstance(exc, bx.ParamValidationError):
        return SourceError(service, "invalid", f"{what}: {_short(exc)}")
    if isinstance(exc, bx.BotoCoreError):
        return SourceError(service, "other", f"{what}: {_short(exc)}")
    if isinstance(exc, KeyError):  # botocore parsed a body that lacks the result element
        return SourceError(service, "bad-response", f"{what}: response is not what the API promised "
                           f"(no {_short(exc)})")
    if isinstance(exc, (ValueError, TypeError)):
        return SourceError(service, "bad-response", f"{what}: unexpected response: {_short(exc)}")
    return SourceError(service, "other", f"{what}: {name}: {_short(exc)}")


def _short(exc: BaseException) -> str:
    return _clip(str(exc), 240) or type(exc).__name__


def _policy_text(value: Any) -> str:
    """IAM returns policy documents URL-encoded; boto3 usually decodes them to dicts."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, str):
        return unquote(value) if value.startswith("%7B") or "%22" in value else value
    return str(value)


class Aws:
    """boto3 clients for one run: per-call timeouts, no retries, thread-safe client cache."""

    def __init__(self, region: str | None, timeout: float = 5.0) -> None:
        self.region = region
        self.timeout = timeout
        # Sessions and clients are reused across runs (TUI re-runs): building them costs
        # ~0.3 s of CPU that would otherwise hold the GIL while the first calls are in flight.
        # Per-service endpoints (AWS_ENDPOINT_URL_IAM...) are read when a client is built: key on them too.
        per_service = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL_")))
        key = (region, timeout, *(os.environ.get(v) for v in _ENV_KEYS), per_service)
        with _SHARED_LOCK:
            entry = _SHARED.get(key)
            if entry is None or time.monotonic() - entry[0] > _SHARED_TTL:
                entry = (time.monotonic(), threading.Lock(), {"session": None, "region": region}, {})
                _SHARED[key] = entry
        _, self._lock, self._state, self._clients = entry
        if self._state["region"] and not self.region:
            self.region = self._state["region"]

    @property
    def _session(self) -> Any:
        return self._state["session"]

    @_session.setter
    def _session(self, value: Any) -> None:
        self._state["session"] = value

    def _config(self, unsigned: bool = False) -> Any:
        from botocore import UNSIGNED
        from botocore.config import Config

        kwargs: dict[str, Any] = {
            "connect_timeout": self.timeout,
            "read_timeout": self.timeout,
            "retries": {"max_attempts": 1, "mode": "standard"},
            "user_agent_extra": "irsa-tui",
        }
        if unsigned:
            kwargs["signature_version"] = UNSIGNED
        return Config(**kwargs)

    @property
    def session(self) -> Any:
        with self._lock:
            if self._session is None:
                import boto3

                try:
                    self._session = boto3.Session(region_name=self.region) if self.region else boto3.Session()
                except Exception as exc:
                    raise SourceFailure(map_aws_error(exc, "aws-config", "loading AWS configuration")) from None
                if self.region is None:
                    self.region = self._session.region_name
                self._state["region"] = self.region
            return self._session

    def client(self, service: str, unsigned: bool = False) -> Any:
        session = self.session
        with self._lock:
            key = (service, unsigned)
            if key not in self._clients:
                region = self.region or "us-east-1"
                self._clients[key] = session.client(service, region_name=region, config=self._config(unsigned))
            return self._clients[key]

    def _call(self, service: str, what: str, action: str | None, fn: Callable[[Any], T], unsigned: bool = False) -> T:
        try:
            return fn(self.client(service, unsigned))
        except SourceFailure:
            raise
        except Exception as exc:
            raise SourceFailure(map_aws_error(exc, service, what, action)) from None

    def warm(self) -> None:
        """Load the STS and S3 models while the first calls are in flight (the S3 one is big)."""
        self.client("s3")
        self.client("sts", unsigned=True)

    # --- reads -------------------------------------------------------------------------
    def caller(self) -> tuple[str, str]:
        doc = self._call("sts", "sts GetCallerIdentity", "sts:GetCallerIdentity", lambda c: c.get_caller_identity())
        return str(doc["Account"]), str(doc["Arn"])

    def describe_cluster(self, name: str) -> ClusterFacts:
        doc = self._call("eks", f"eks DescribeCluster {name}", "eks:DescribeCluster",
                         lambda c: c.describe_cluster(name=name))
        cluster = doc.get("cluster")
        if not isinstance(cluster, dict):  # a 200 that is not an EKS answer
            raise SourceFailure(SourceError("eks", "bad-response", f"eks DescribeCluster {name}: response is not "
                                            "what the API promised (no cluster object)"))
        issuer = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer")
        return ClusterFacts(
            name=str(cluster.get("name") or name),
            region=self.region or "",
            issuer=str(issuer) if issuer else None,
            arn=cluster.get("arn"),
            version=cluster.get("version"),
        )

    def list_clusters(self) -> list[str]:
        """Names of the EKS clusters of the caller's account in the region (for ``scan -A``)."""

        def names(client: Any) -> list[str]:
            pages = client.get_paginator("list_clusters").paginate()
            return [str(n) for page in pages for n in page.get("clusters") or []]

        return self._call("eks", "eks ListClusters", "eks:ListClusters", names)

    def get_role(self, role_name: str, arn: str, account: str) -> RoleFacts:
        doc = self._call("iam", f"iam GetRole {role_name}", "iam:GetRole", lambda c: c.get_role(RoleName=role_name))
        role = doc.get("Role") or {}
        found = str(role.get("Arn") or arn).split(":")
        if len(found) > 4 and found[4] and found[4] != account:
            # GetRole reads the caller's own account: a same-named role there is not the pod's role.
            raise SourceFailure(SourceError(
                "iam", "forbidden", f"iam GetRole {role_name}: role is in account {account}, irsa-tui runs as "
                f"account {found[4]}", permission=f"read access to account {account}"))
        boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        return RoleFacts(
            arn=str(role.get("Arn") or arn),
            name=str(role.get("RoleName") or role_name),
            account=account,
            trust_policy=_policy_text(role.get("AssumeRolePolicyDocument")),
            max_session_duration=int(role.get("MaxSessionDuration") or 3600),
            permissions_boundary=boundary,
        )

    def inline_policy_names(self, role: str) -> list[str]:
        doc = self._call("iam", f"iam ListRolePolicies {role}", "iam:ListRolePolicies",
                         lambda c: c.list_role_policies(RoleName=role))
        return [str(n) for n in doc.get("PolicyNames") or []]

    def inline_policy(self, role: str, name: str) -> dict[str, Any]:
        doc = self._call("iam", f"iam GetRolePolicy {role}/{name}", "iam:GetRolePolicy",
                         lambda c: c.get_role_policy(RoleName=role, PolicyName=name))
        return _as_doc(doc.get("PolicyDocument"))

    def attached_policy_arns(self, role: str) -> list[str]:
        doc = self._call("iam", f"iam ListAttachedRolePolicies {role}", "iam:ListAttachedRolePolicies",
                         lambda c: c.list_attached_role_policies(RoleName=role))
        return [str(p.get("PolicyArn")) for p in doc.get("AttachedPolicies") or [] if isinstance(p, dict)]

    def managed_policy(self, arn: str) -> dict[str, Any]:
        """The default version's document of a managed policy (GetPolicy, then GetPolicyVersion)."""
        meta = self._call("iam", f"iam GetPolicy {arn}", "iam:GetPolicy", lambda c: c.get_policy(PolicyArn=arn))
        version = (meta.get("Policy") or {}).get("DefaultVersionId")
        doc = self._call("iam", f"iam GetPolicyVersion {arn}", "iam:GetPolicyVersion",
                         lambda c: c.get_policy_version(PolicyArn=arn, VersionId=version))
        return _as_doc((doc.get("PolicyVersion") or {}).get("Document"))

    def oidc_provider(self, account: str, partition: str, issuer: str) -> OidcProviderFacts:
        listed = self._call("iam", "iam ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders",
                            lambda c: c.list_open_id_connect_providers())
        arns = tuple(str(p.get("Arn")) for p in listed.get("OpenIDConnectProviderList") or [])
        wanted = provider_arn(partition, account, issuer)
        if wanted not in arns:
            return OidcProviderFacts(account=account, providers=arns, arn=None)
        doc = self._call("iam", f"iam GetOpenIDConnectProvider {wanted}", "iam:GetOpenIDConnectProvider",
                         lambda c: c.get_open_id_connect_provider(OpenIDConnectProviderArn=wanted))
        return OidcProviderFacts(
            account=account,
            providers=arns,
            arn=wanted,
            url=str(doc.get("Url") or issuer_host_path(issuer)),
            client_ids=tuple(doc.get("ClientIDList") or ()),
            thumbprints=tuple(doc.get("ThumbprintList") or ()),
        )

    def simulate(self, role_arn: str, actions: list[str], resource: str) -> dict[str, str] | None:
        """iam:SimulatePrincipalPolicy for the role's identity policies; None when the caller may not."""
        try:
            doc = self._call(
                "iam", "iam SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy",
                lambda c: c.simulate_principal_policy(
                    PolicySourceArn=role_arn, ActionNames=actions, ResourceArns=[resource]
                ),
            )
        except SourceFailure:
            return None
        out: dict[str, str] = {}
        for item in doc.get("EvaluationResults") or []:
            if isinstance(item, dict) and item.get("EvalActionName"):
                out[str(item["EvalActionName"])] = str(item.get("EvalDecision") or "")
        return out or None

    def cloudtrail_events(self, event: str, since: datetime, until: datetime, max_pages: int = 5) -> tuple[list[Any], bool]:
        """(``TrailEvent`` list, truncated) of one event name between ``since`` and ``until``: at most
        ``max_pages`` pages of 50 (LookupEvents answers 2 requests a second per account and region)."""
        from irsa_tui.chain.trail import parse_event

        def pages(client: Any) -> tuple[list[Any], bool]:
            found: list[Any] = []
            seen: set[str] = set()  # an event twice (pages shifted by a newer one): counted once
            kwargs: dict[str, Any] = {
                "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": event}],
                "StartTime": since, "EndTime": until, "MaxResults": 50,
            }
            for _ in range(max_pages):
                doc = client.lookup_events(**kwargs)
                for raw in doc.get("Events") or []:
                    event_id = str(raw.get("EventId") or "")
                    if event_id and event_id in seen:
                        continue
                    seen.add(event_id)
                    when = raw.get("EventTime")
                    try:
                        body = json.loads(raw.get("CloudTrailEvent") or "{}")
                    except ValueError:
                        continue
                    if isinstance(when, datetime) and isinstance(body, dict):
                        found.append(parse_event(str(raw.get("EventName") or event), when, body))
                token = doc.get("NextToken")
                if not token:
                    return found, False
                kwargs["NextToken"] = token
            return found, True

        return self._call("cloudtrail", f"cloudtrail LookupEvents {event}", "cloudtrail:LookupEvents", pages)

    # --- live probes ---------------------------------------------------------------------
    def assume_role_with_web_identity(
        self, role_arn: str, token: str, region: str | None, regional: bool, session_name: str
    ) -> tuple[StsFacts, Credentials | None]:
        """The call the pod's SDK makes: unsigned, with the token. STS errors are data, not failures."""
        from botocore import exceptions as bx

        explicit = os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL")
        use_region = region or self.region or "us-east-1"
        kwargs: dict[str, Any] = {"region_name": use_region, "config": self._config(unsigned=True)}
        if not explicit:
            kwargs["endpoint_url"] = (
                f"https://sts.{use_region}.amazonaws.com" if regional else "https://sts.amazonaws.com"
            )
        try:
            client = (
                self.client("sts", unsigned=True)
                if explicit and use_region == (self.region or "us-east-1")
                else self.session.client("sts", **kwargs)
            )
        except Exception as exc:
            raise SourceFailure(map_aws_error(exc, "sts", "creating STS client")) from None
        endpoint = str(client.meta.endpoint_url)
        try:
            doc = client.assume_role_with_web_identity(
                RoleArn=role_arn, RoleSessionName=session_name, WebIdentityToken=token
            )
        except bx.ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code") or "Unknown")
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            # STS judges a web identity with 400/403 answers; 401/404 come from whatever is in between.
            # Throttling, 5xx and RegionDisabled are STS's answer to the pod's own (unsigned) call: data too.
            if status in (401, 404):
                raise SourceFailure(map_aws_error(exc, "sts", "sts AssumeRoleWithWebIdentity")) from None
            return (
                StsFacts(
                    endpoint=endpoint,
                    ok=False,
                    error_code=code,
                    error_message=" ".join(str(err.get("Message") or "").split()),  # one line
                    http_status=(exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode"),
                ),
                None,
            )
        except Exception as exc:
            raise SourceFailure(map_aws_error(exc, "sts", "sts AssumeRoleWithWebIdentity")) from None
        creds = doc.get("Credentials") or {}
        expiration = creds.get("Expiration")
        return (
            StsFacts(
                endpoint=endpoint,
                ok=True,
                assumed_role_arn=(doc.get("AssumedRoleUser") or {}).get("Arn"),
                subject=doc.get("SubjectFromWebIdentityToken"),
                audience=doc.get("Audience"),
                provider=doc.get("Provider"),
                expiration=expiration if isinstance(expiration, datetime) else None,
            ),
            Credentials(
                access_key_id=str(creds.get("AccessKeyId")),
                secret_access_key=str(creds.get("SecretAccessKey")),
                session_token=str(creds.get("SessionToken")),
            ),
        )

    def s3_probe(
        self, creds: Credentials, bucket: str | None, origin: str, region: str | None, key: str | None = None
    ) -> S3Facts:
        """List with the role's credentials: ListObjectsV2 on the bucket, or ListBuckets.

        With ``key`` (``--object``) also GetObject with ``Range: bytes=0-0``: at most one byte is
        read, and never shown. A region redirect botocore follows by itself is recorded.
        """
        from botocore import exceptions as bx

        use_region = region or self.region or "us-east-1"
        # Same session as every other client: the S3 model and endpoint rules are already loaded.
        client = self.session.client(
            "s3",
            region_name=use_region,
            config=self._config(),
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token,
        )
        redirects: list[str] = []

        def seen_redirect(response: Any = None, **_: Any) -> None:
            # botocore's S3RegionRedirectorv2 answers this event too; we only note what it follows.
            if not (isinstance(response, tuple) and len(response) == 2):
                return  # a connection error: nothing answered
            parsed = response[1]
            raw = parsed.get("Error") if isinstance(parsed, dict) else None
            err: dict[str, Any] = raw if isinstance(raw, dict) else {}
            code = str(err.get("Code") or "")
            if code == "PermanentRedirect" or (code == "AuthorizationHeaderMalformed" and "Region" in err):
                redirects.append(code)
            elif code in ("301", "307") or (not code and getattr(response[0], "status_code", 0) in (301, 307)):
                redirects.append("PermanentRedirect")

        client.meta.events.register("needs-retry.s3", seen_redirect)
        operation = "ListObjectsV2" if bucket else "ListBuckets"
        try:
            if bucket:
                doc = client.list_objects_v2(Bucket=bucket, MaxKeys=5)
                seen = int(doc.get("KeyCount") or 0)
                promised = "Name" in doc or "KeyCount" in doc
            else:
                doc = client.list_buckets()
                seen = len(doc.get("Buckets") or [])
                promised = "Buckets" in doc or "Owner" in doc
            if not promised:  # a 200 that is not an S3 answer (captive portal, wrong endpoint)
                raise SourceFailure(SourceError("s3", "bad-response", f"s3 {operation}: response is not what "
                                                "the API promised (a 200 without an S3 result)"))
            headers = (doc.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
            facts = S3Facts(
                bucket=bucket, bucket_origin=origin, operation=operation, ok=True,  # type: ignore[arg-type]
                bucket_region=headers.get("x-amz-bucket-region") or use_region, objects_seen=seen,
            )
        except bx.ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code") or "Unknown")
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            if code in ("SlowDown", "Throttling", "ServiceUnavailable", "InternalError") or (status or 0) >= 500:
                raise SourceFailure(map_aws_error(exc, "s3", f"s3 {operation}")) from None
            headers = (exc.response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
            facts = S3Facts(
                bucket=bucket, bucket_origin=origin, operation=operation, ok=False,  # type: ignore[arg-type]
                error_code=code, error_message=" ".join(str(err.get("Message") or "").split()), http_status=status,
                bucket_region=headers.get("x-amz-bucket-region") or err.get("Region"),
            )
        except SourceFailure:
            raise
        except Exception as exc:
            raise SourceFailure(map_aws_error(exc, "s3", f"s3 {operation}")) from None
        probe: S3ObjectFacts | SourceError | None = None
        if bucket and key and (facts.ok or facts.error_code in ("AccessDenied", "AccessDeniedException")):
            probe = self._get_object(client, bucket, key)
        return replace(facts, object=probe, redirect_code=redirects[0] if redirects else None,
                       client_region=use_region)

    @staticmethod
    def _get_object(client: Any, bucket: str, key: str) -> S3ObjectFacts | SourceError:
        """GetObject bytes=0-0 (changes nothing); errors that judge the role are data, faults are SourceError."""
        from botocore import exceptions as bx

        what = f"s3 GetObject s3://{bucket}/{_clip(key, 120)}"
        try:
            doc = client.get_object(Bucket=bucket, Key=key, Range="bytes=0-0")
            body = doc.get("Body")
            try:
                read = len(body.read(1)) if body is not None else 0  # content is never kept nor shown
            finally:
                if body is not None:
                    body.close()
            return S3ObjectFacts(
                key=key, ok=True, http_status=(doc.get("ResponseMetadata") or {}).get("HTTPStatusCode"),
                sse=doc.get("ServerSideEncryption"), kms_key_id=doc.get("SSEKMSKeyId"), bytes_read=read,
            )
        except bx.ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code") or "Unknown")
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            if code in ("SlowDown", "Throttling", "ServiceUnavailable", "InternalError") or (status or 0) >= 500:
                return map_aws_error(exc, "s3", what)
            if code == "InvalidRange" or status == 416:
                # An empty object has no byte 0: S3 checks access first, so a 416 means the read was allowed.
                return S3ObjectFacts(key=key, ok=True, http_status=416, error_code="InvalidRange", bytes_read=0)
            return S3ObjectFacts(
                key=key, ok=False, error_code=code, http_status=status,
                error_message=" ".join(str(err.get("Message") or "").split()),
            )
        except Exception as exc:
            return map_aws_error(exc, "s3", what)


def _as_doc(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        doc = json.loads(_policy_text(value))
        return doc if isinstance(doc, dict) else {}
    except (TypeError, ValueError):
        return {}
