"""AWS for the lab: moto in server mode behind a small front that plays the parts moto does not.

The front's URL is ``AWS_ENDPOINT_URL``. It reads the service from the SigV4 credential scope
(or ``Action=`` for unsigned STS) and forwards to moto, except:

* STS AssumeRoleWithWebIdentity: judged by :mod:`irsa_tui.lab.sts_judge` like real STS;
* S3 with credentials minted by that call: authorised against the role's policies, the bucket
  policy, the scenario's boundary/SCP; wrong signing region answers 301 PermanentRedirect;
* EKS DescribeCluster/ListClusters: answered from the scenario (moto invents issuers).
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import ssl
import threading
import time
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from irsa_tui.lab import ec2_api, eks_api, eks_auth, faults
from irsa_tui.lab._server import LabHandler, LabServer
from irsa_tui.lab.scenario import ACCOUNT
from irsa_tui.lab.sts_judge import Denied, judge_s3, judge_web_identity
from irsa_tui.lab.trail import Trail

__all__ = ["AwsFront", "AwsScenario", "Moto"]

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "proxy-connection",
    "upgrade",
    "te",
    "trailer",
    "server",
    "date",
}


_JWKS_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}

# Errors real STS gives for faults on AWS's or the IdP's side, for the scenario switch ``sts.error``
# (codes and statuses: botocore data/sts service-2.json; messages: its documentation strings).
OUTAGE = (503, "ServiceUnavailable", "Service Unavailable")
STS_ERRORS: dict[str, tuple[int, str, str]] = {
    "IDPRejectedClaim": (
        403,
        "IDPRejectedClaim",
        "The identity provider (IdP) reported that authentication failed. This might be because the claim "
        "is invalid.",
    ),
    "IDPCommunicationError": (
        400,
        "IDPCommunicationError",
        "The request could not be fulfilled because the identity provider (IDP) that was asked to verify "
        "the incoming identity token could not be reached. This is often a transient error caused by "
        "network conditions. Retry the request a limited number of times and wait between attempts.",
    ),
    "Throttling": (400, "Throttling", "Rate exceeded"),
}


@dataclass
class AwsScenario:
    """What the front needs to know about one scenario beyond what moto holds."""

    name: str
    cluster: str
    cluster_arn: str
    kube_url: str
    issuer: str
    issuer_id: str
    region: str
    version: str
    platform_version: str
    ca_pem: bytes
    role_name: str
    region_disabled: bool = False
    sts_error: str | None = None
    """An STS error code the scenario's STS answers with (see ``STS_ERRORS``): faults of AWS's side."""
    boundary: Any = None
    scp: Any = None
    caller_deny: frozenset[str] = frozenset()
    """Actions (``iam:GetRole``, ``eks-auth:AssumeRoleForPodIdentity``) the caller may not perform on this
    scenario's roles or cluster only."""
    s3_region_error: str = "PermanentRedirect"
    """What S3 answers a request signed for another region than the bucket's (or AuthorizationHeaderMalformed)."""
    iam_trusts_ca: bool = True
    """False: the issuer's certificate does not chain to a CA IAM trusts, so STS checks the thumbprints."""
    issuer_thumbprint: str = ""
    """SHA-1 of the issuer's top CA (what a matching provider thumbprint is)."""
    sts_outage: str | None = None
    """``global`` or ``regional``: that STS endpoint answers ServiceUnavailable."""
    pod_sts_endpoint: str = "regional"
    """The endpoint the scenario pod's SDK uses (decided by the lab from the pod: see world.py)."""
    other_account_providers: dict[str, list[str]] = field(default_factory=dict)
    """OIDC providers of a second account: ARN -> client IDs (moto holds only the lab account's IAM)."""


@dataclass
class Assumed:
    arn: str
    role_arn: str
    role_name: str
    account: str
    scenario: str | None
    tags: Mapping[str, str] = field(default_factory=dict)
    """The session's tags (EKS Pod Identity's six): ``aws:PrincipalTag/...`` in S3's policy context."""


class Moto:
    """moto's ThreadedMotoServer on 127.0.0.1 with a free port."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""
        self._stopped = False
        self.clients: list[Any] = []

    def start(self) -> Moto:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for client in self.clients:
            client.close()  # drop keep-alive connections so moto's handler threads end
        self._server.stop()
        inner = getattr(self._server, "_server", None)
        if inner is not None:
            inner.server_close()


MEMO_TTL = 1.0


@dataclass
class _State:
    moto_url: str
    ca_file: str
    admin: Any  # boto3 clients keyed by service, talking straight to moto
    scenarios: dict[str, AwsScenario] = field(default_factory=dict)
    by_issuer: dict[str, str] = field(default_factory=dict)
    by_role: dict[str, str] = field(default_factory=dict)
    by_cluster: dict[str, str] = field(default_factory=dict)
    assumed: dict[str, Assumed] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    denied: frozenset[str] = frozenset()
    """Actions (``iam:GetRole``) the caller's identity may not perform: AccessDenied in IAM's shape."""
    actions: list[tuple[str, str, str, str]] = field(default_factory=list)
    """Every (service, action, method, path) the front received."""
    issued: list[tuple[str, str, str]] = field(default_factory=list)
    """Every (access key id, secret key, session token) AssumeRoleWithWebIdentity handed out."""
    memo: dict[tuple[Any, ...], tuple[float, Any]] = field(default_factory=dict)
    trail: Trail = field(default_factory=Trail)
    """The lab's CloudTrail: every web-identity decision of the front, plus scenario-seeded history."""

    def cached(self, key: tuple[Any, ...], fn: Any) -> Any:
        """Policy/provider/bucket look-ups the judges make, kept for a moment like AWS's own caches.

        moto answers each look-up in tens of ms; real IAM/S3 authorise in a few. A write made
        through the lab's endpoint shows after ``MEMO_TTL`` (IAM is eventually consistent too).
        """
        now = time.monotonic()
        hit = self.memo.get(key)
        if hit is not None and now - hit[0] < MEMO_TTL:
            return hit[1]
        value = fn()
        self.memo[key] = (now, value)
        return value


def _sts_error(status: int, code: str, message: str) -> tuple[int, bytes]:
    kind = "Sender" if status < 500 else "Receiver"
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n'
        f"    <Type>{kind}</Type>\n    <Code>{escape(code)}</Code>\n    <Message>{escape(message)}</Message>\n"
        f"  </Error>\n  <RequestId>{uuid.uuid4()}</RequestId>\n</ErrorResponse>\n"
    )
    return status, body.encode()


def _s3_error(code: str, message: str, extra: str = "") -> bytes:
    rid = uuid.uuid4().hex[:16].upper()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}'
        f"</Message>{extra}<RequestId>{rid}</RequestId><HostId>{base64.b64encode(uuid.uuid4().bytes).decode()}"
        "</HostId></Error>"
    ).encode()


class _Handler(LabHandler):
    def _state(self) -> _State:
        return self.server.lab.state  # type: ignore[attr-defined,no-any-return]

    def _dispatch(self) -> None:
        body = self.body()
        auth = self.headers.get("Authorization") or ""
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        match = _SCOPE.search(auth) or _SCOPE.search(
            "Credential=" + (query.get("X-Amz-Credential") or [""])[0]
        )
        akid, region, service = (match.group(1), match.group(2), match.group(3)) if match else ("", "", "")
        form: dict[str, list[str]] = {}
        ctype = self.headers.get("Content-Type") or ""
        if self.command == "POST" and "x-www-form-urlencoded" in ctype:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        action = (form.get("Action") or query.get("Action") or [""])[0]
        if not service and action == "AssumeRoleWithWebIdentity":
            service = "sts"
        target = self.headers.get("X-Amz-Target") or ""
        if not action and target:  # JSON protocol (CloudTrail): the action is the target's last part
            action = target.rsplit(".", 1)[-1]
        action = action or _rest_action(service, self.command, url.path, query)
        with self._state().lock:
            self._state().actions.append((service, action, self.command, url.path))
        resource = _resource(service, form, url.path)
        fault = faults.find(service, f"{action} {self.command} {self.path}")
        if fault is not None:
            self.inject(fault, action, resource, CALLER_ARN)
            return
        if akid not in self._state().assumed and self._caller_denied(service, action, form, url.path):
            message = (
                f"User: {CALLER_ARN} is not authorized to perform: {service}:{action} on resource: {resource} "
                f"because no identity-based policy allows the {service}:{action} action"
            )
            code = {"eks": "AccessDeniedException", "eks-auth": "AccessDeniedException",
                    "ec2": "UnauthorizedOperation"}.get(service, "AccessDenied")
            if service == "ec2":
                message = f"You are not authorized to perform this operation. {message}"
            # EKS Auth's AccessDeniedException is a 400 (botocore eks-auth model)
            status, payload, ctype, headers = faults.aws_error(
                service, 400 if service == "eks-auth" else 403, code, message
            )
            self.send(status, payload, ctype, headers)
            return
        try:
            if service == "sts" and action == "AssumeRoleWithWebIdentity":
                self._web_identity(
                    body, {k: v[0] for k, v in form.items()} or {k: v[0] for k, v in query.items()}
                )
                return
            if service == "cloudtrail" and action == "LookupEvents":
                self._lookup_events(body)
                return
            if service == "iam" and action == "SimulatePrincipalPolicy":
                self._simulate({k: v[0] for k, v in form.items()})
                return
            if service == "eks" and (pi := eks_api.answer(self.server.lab.pod_identity, self.command,  # type: ignore[attr-defined]
                                                           url.path, query)):
                self.send_json(*pi)
                return
            if service == "ec2" and action == "DescribeInstances":
                params = form or query
                self.send(*ec2_api.answer(self.server.lab.ec2, params, ACCOUNT), "text/xml;charset=UTF-8")  # type: ignore[attr-defined]
                return
            if service == "eks-auth" and action == "AssumeRoleForPodIdentity":
                cluster_name = unquote(url.path.split("/")[2])
                self.send_json(*eks_auth.serve(self._state(), self.server.lab.pod_identity.get(cluster_name),  # type: ignore[attr-defined]
                                               cluster_name, body, self._identity_policies))
                return
            if service == "eks" and self.command == "GET" and url.path.startswith("/clusters"):
                self._eks(url.path)
                return
            if (
                service == "s3"
                and akid in self._state().assumed
                and not self._s3_allowed(akid, region, url.path, query)
            ):
                return
        except Exception as exc:
            self.send(500, _s3_error("InternalError", f"lab front: {type(exc).__name__}"), "application/xml")
            return
        extra: dict[str, str] = {}
        if service == "s3":
            bucket = unquote(url.path.lstrip("/").split("/", 1)[0])
            region_of = self._bucket_region(bucket) if bucket else None
            if region_of:
                extra["x-amz-bucket-region"] = region_of  # real S3 sends it on bucket-level answers
        self._forward(body, extra_headers=extra)

    def _caller_denied(self, service: str, action: str, form: dict[str, list[str]], path: str = "") -> bool:
        """The caller's identity lacks ``service:action``: everywhere, or on one scenario's role or cluster."""
        st = self._state()
        name = f"{service}:{action}"
        if name in st.denied:
            return True
        role = (form.get("RoleName") or [""])[0] if service == "iam" else ""
        scn = st.scenarios.get(st.by_role.get(role, "")) if role else None
        parts = [p for p in path.split("/") if p]
        if scn is None and service in ("eks", "eks-auth") and parts[:1] == ["clusters"] and len(parts) > 1:
            scn = st.scenarios.get(st.by_cluster.get(unquote(parts[1]), ""))
        return scn is not None and name in scn.caller_deny

    def _bucket_region(self, bucket: str) -> str | None:
        def look() -> str | None:
            try:
                loc = self._state().admin["s3"].get_bucket_location(Bucket=bucket).get("LocationConstraint")
            except Exception:
                return None
            return str(loc or "us-east-1")

        return self._state().cached(("bucket-region", bucket), look)  # type: ignore[no-any-return]

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch

    # --- forwarding ----------------------------------------------------------------------------
    def _forward(
        self, body: bytes, rewrite: Any = None, extra_headers: dict[str, str] | None = None
    ) -> bytes | None:
        st = self._state()
        target = urlsplit(st.moto_url)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        try:
            conn.request(
                self.command,
                self.path,
                body=body if body or self.command in ("POST", "PUT") else None,
                headers=headers,
            )
            resp = conn.getresponse()
            payload = resp.read()
            out_headers = {
                k: v for k, v in resp.getheaders() if k.lower() not in _HOP and k.lower() != "content-type"
            }
            ctype = resp.getheader("Content-Type") or "text/xml"
            if rewrite is not None and resp.status == 200:
                payload = rewrite(payload)
            out_headers.update(extra_headers or {})
            self.send(resp.status, payload, ctype, out_headers)
            return payload
        finally:
            conn.close()

    # --- STS -------------------------------------------------------------------------------------
    def _web_identity(self, body: bytes, params: dict[str, str]) -> None:
        st = self._state()
        iam = st.admin["iam"]

        def scenario_for(iss: str) -> AwsScenario | None:
            hexid = iss.rstrip("/").rsplit("/", 1)[-1]
            name = st.by_issuer.get(hexid)
            return st.scenarios.get(name) if name else None

        def find_provider(account: str, host_path: str) -> dict[str, Any] | None:
            arn = f"arn:aws:iam::{account}:oidc-provider/{host_path}"
            for known in st.scenarios.values():  # a second account's providers live in the front
                if arn in known.other_account_providers:
                    return {"client_ids": known.other_account_providers[arn], "thumbprints": []}
            if account != ACCOUNT:
                return None  # moto holds the lab account's IAM only

            def look() -> dict[str, Any] | None:
                try:
                    doc = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
                except Exception:
                    return None
                return {"client_ids": doc.get("ClientIDList") or [], "thumbprints": doc.get("ThumbprintList") or []}

            return st.cached(("provider", arn), look)  # type: ignore[no-any-return]

        def find_role(account: str, name: str) -> dict[str, Any] | None:
            def look() -> dict[str, Any] | None:
                try:
                    role = iam.get_role(RoleName=name)["Role"]
                except Exception:
                    return None
                return {"arn": role["Arn"], "trust_policy": role.get("AssumeRolePolicyDocument")}

            return st.cached(("role", account, name), look)  # type: ignore[no-any-return]

        def fetch_jwks(iss: str) -> dict[str, Any]:
            # Like real STS, keep an issuer's keys for a while (the issuer says max-age=3600).
            cached = _JWKS_CACHE.get(iss)
            if cached is not None and time.monotonic() - cached[0] < 60:
                return cached[1]
            doc = _fetch_jwks(iss)
            _JWKS_CACHE[iss] = (time.monotonic(), doc)
            return doc

        def _fetch_jwks(iss: str) -> dict[str, Any]:
            ctx = ssl.create_default_context(cafile=st.ca_file)
            with urllib.request.urlopen(
                f"{iss}/.well-known/openid-configuration", context=ctx, timeout=5
            ) as r:
                discovery = json.loads(r.read())
            with urllib.request.urlopen(str(discovery["jwks_uri"]), context=ctx, timeout=5) as r:
                doc = json.loads(r.read())
            if not isinstance(doc, dict):
                raise ValueError("JWKS is not an object")
            return doc

        def region_disabled(account: str, iss: str) -> bool:
            scn = scenario_for(iss)
            return bool(scn and scn.region_disabled)

        try:
            scn = None
            for part in (params.get("WebIdentityToken") or "").split(".")[1:2]:
                try:
                    iss = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))).get("iss")
                except (ValueError, AttributeError):
                    iss = None
                scn = scenario_for(str(iss)) if iss else None
            if scn is not None and scn.sts_error:
                status, code, message = STS_ERRORS[scn.sts_error]
                raise Denied(status, code, message)
            if scn is not None and scn.sts_outage and scn.sts_outage == scn.pod_sts_endpoint:
                raise Denied(*OUTAGE)  # the endpoint this pod's SDK calls is down; the other one works
            trusted_ca = scn is None or scn.iam_trusts_ca
            ca_thumbprint = scn.issuer_thumbprint.lower() if scn is not None else ""
            claims = judge_web_identity(
                params,
                find_provider=find_provider,
                find_role=find_role,
                fetch_jwks=fetch_jwks,
                region_disabled=region_disabled,
                thumbprint_ok=lambda thumbs: trusted_ca or ca_thumbprint in [t.lower() for t in thumbs],
            )
        except Denied as denied:
            self._record_web_identity(params, denied.code, denied.message)
            status, payload = _sts_error(denied.status, denied.code, denied.message)
            self.send(status, payload, "text/xml")
            return
        self._record_web_identity(params, None, None)

        def rewrite(payload: bytes) -> bytes:
            text = payload.decode("utf-8")
            extra = (
                f"<SubjectFromWebIdentityToken>{escape(claims.subject)}</SubjectFromWebIdentityToken>"
                f"<Audience>{escape(claims.audience)}</Audience><Provider>{escape(claims.issuer)}</Provider>"
            )
            text = text.replace(
                "</AssumeRoleWithWebIdentityResult>", extra + "</AssumeRoleWithWebIdentityResult>", 1
            )
            akid = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
            arn = re.search(r"<Arn>([^<]+)</Arn>", text)
            secret = re.search(r"<SecretAccessKey>([^<]+)</SecretAccessKey>", text)
            session = re.search(r"<SessionToken>([^<]+)</SessionToken>", text)
            if akid and secret and session:
                with st.lock:
                    st.issued.append((akid.group(1), secret.group(1), session.group(1)))
            if akid and arn:
                scn = scenario_for(claims.issuer)
                with st.lock:
                    st.assumed[akid.group(1)] = Assumed(
                        arn=arn.group(1),
                        role_arn=claims.role_arn,
                        role_name=claims.role_name,
                        account=claims.account,
                        scenario=scn.name if scn else None,
                    )
            return text.encode()

        self._forward(body, rewrite)

    def _record_web_identity(self, params: dict[str, str], code: str | None, message: str | None) -> None:
        """CloudTrail's record of one AssumeRoleWithWebIdentity (subject and issuer read from the token)."""
        claims: dict[str, Any] = {}
        for part in (params.get("WebIdentityToken") or "").split(".")[1:2]:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
            except ValueError:
                decoded = None
            claims = decoded if isinstance(decoded, dict) else {}
        role = params.get("RoleArn") or ""
        account = role.split(":")[4] if role.count(":") >= 5 else ACCOUNT
        iss = str(claims.get("iss") or "")
        self._state().trail.record(
            "AssumeRoleWithWebIdentity", role_arn=role or None, subject=str(claims.get("sub") or "") or None,
            session=params.get("RoleSessionName"), error_code=code, error_message=message,
            provider=f"arn:aws:iam::{account}:oidc-provider/{iss.split('://', 1)[-1]}" if iss else None,
            account=account)

    def _lookup_events(self, body: bytes) -> None:
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = None
        if not isinstance(request, dict):
            self.send(400, json.dumps({"__type": "SerializationException", "message": "bad JSON"}).encode(),
                      "application/x-amz-json-1.1")
            return
        status, answer = self._state().trail.lookup(request)
        self.send(status, json.dumps(answer).encode(), "application/x-amz-json-1.1")

    # --- EKS -------------------------------------------------------------------------------------
    def _eks(self, path: str) -> None:
        st = self._state()
        parts = [unquote(p) for p in path.split("/") if p]
        if len(parts) == 1:
            self.send_json(200, {"clusters": sorted(st.by_cluster)})
            return
        name = parts[1]
        scn = st.scenarios.get(st.by_cluster.get(name, ""))
        # EKS is per account: the caller (lab account) cannot describe a cluster of another account.
        if scn is None or len(parts) != 2 or scn.cluster_arn.split(":")[4] != ACCOUNT:
            self.send_json(
                404,
                {"message": f"No cluster found for name: {name}."},
                {"x-amzn-ErrorType": "ResourceNotFoundException"},
            )
            return
        self.send_json(
            200,
            {
                "cluster": {
                    "name": scn.cluster,
                    "arn": scn.cluster_arn,
                    "createdAt": 1717000000.0,
                    "version": scn.version,
                    "endpoint": scn.kube_url,
                    "roleArn": f"arn:aws:iam::{scn.cluster_arn.split(':')[4]}:role/eks-cluster-role",
                    "resourcesVpcConfig": {
                        "subnetIds": ["subnet-0a1b2c3d4e5f60718"],
                        "securityGroupIds": [],
                        "clusterSecurityGroupId": "sg-0a1b2c3d4e5f60718",
                        "vpcId": "vpc-0a1b2c3d",
                        "endpointPublicAccess": True,
                        "endpointPrivateAccess": True,
                        "publicAccessCidrs": ["0.0.0.0/0"],
                    },
                    "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"},
                    "identity": {"oidc": {"issuer": scn.issuer}},
                    "status": "ACTIVE",
                    "certificateAuthority": {"data": base64.b64encode(scn.ca_pem).decode()},
                    "platformVersion": scn.platform_version,
                    "tags": {},
                    "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
                }
            },
        )

    # --- S3 --------------------------------------------------------------------------------------
    def _s3_allowed(self, akid: str, region: str, path: str, query: dict[str, list[str]]) -> bool:
        st = self._state()
        who = st.assumed[akid]
        parts = path.lstrip("/").split("/", 1)
        bucket = unquote(parts[0]) if parts and parts[0] else ""
        key = unquote(parts[1]) if len(parts) > 1 else ""
        method = self.command
        if not bucket:
            action, resource = "s3:ListAllMyBuckets", "arn:aws:s3:::*"
        elif key:
            if method in ("GET", "HEAD"):
                action = "s3:GetObject"
            elif method == "PUT":
                action = "s3:PutObject"
            elif method == "DELETE":
                action = "s3:DeleteObject"
            else:
                return True
            resource = f"arn:aws:s3:::{bucket}/{key}"
        elif "location" in query:
            action, resource = "s3:GetBucketLocation", f"arn:aws:s3:::{bucket}"
        elif method in ("GET", "HEAD") and not (
            set(query)
            - {
                "list-type",
                "prefix",
                "delimiter",
                "max-keys",
                "continuation-token",
                "start-after",
                "encoding-type",
                "marker",
                "fetch-owner",
            }
        ):
            action, resource = "s3:ListBucket", f"arn:aws:s3:::{bucket}"
        else:
            return True
        s3 = st.admin["s3"]
        bucket_region: str | None = None
        bucket_policy: Any = None
        if bucket:
            bucket_region = self._bucket_region(bucket)
            if bucket_region is None:
                return True  # NoSuchBucket: moto answers it
            def look_policy() -> Any:
                try:
                    return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
                except Exception:
                    return None

            bucket_policy = st.cached(("bucket-policy", bucket), look_policy)
        scn = st.scenarios.get(who.scenario or "")
        wrong_region = bucket_region and region and bucket_region != region and action != "s3:GetBucketLocation"
        if wrong_region and scn is not None and scn.s3_region_error == "AuthorizationHeaderMalformed":
            # What S3 says when the request reaches the bucket's region signed for another one.
            malformed = (
                f"The authorization header is malformed; the region '{region}' is wrong; "
                f"expecting '{bucket_region}'"
            )
            self.send(
                400,
                b"" if method == "HEAD" else _s3_error(
                    "AuthorizationHeaderMalformed", malformed, f"<Region>{bucket_region}</Region>"
                ),
                "application/xml",
                {"x-amz-bucket-region": str(bucket_region)},
            )
            return False
        if wrong_region:
            extra = f"<Endpoint>{bucket}.s3.{bucket_region}.amazonaws.com</Endpoint><Bucket>{bucket}</Bucket>"
            self.send(
                301,
                b""
                if method == "HEAD"
                else _s3_error(
                    "PermanentRedirect",
                    "The bucket you are attempting to access must be addressed using the "
                    "specified endpoint. Please send all future requests to this endpoint.",
                    extra,
                ),
                "application/xml",
                {"x-amz-bucket-region": str(bucket_region)},
            )
            return False
        ctx: dict[str, list[str]] = {"aws:requestedregion": [region or "us-east-1"]}
        ctx.update({f"aws:principaltag/{k}": [v] for k, v in who.tags.items()})
        if action == "s3:ListBucket":
            ctx["s3:prefix"] = [(query.get("prefix") or [""])[0]]
        message = judge_s3(
            action=action,
            resource=resource,
            caller_arn=who.arn,
            role_arn=who.role_arn,
            account=who.account,
            identity_policies=self._identity_policies(who.role_name),
            bucket_policy=bucket_policy,
            boundary=scn.boundary if scn else None,
            scp=scn.scp if scn else None,
            context=ctx,
        )
        if message is None and action == "s3:GetObject":
            message = self._kms_denied(who, bucket, key, scn, ctx)
        if message is None:
            return True
        self.send(403, b"" if method == "HEAD" else _s3_error("AccessDenied", message), "application/xml")
        return False

    def _kms_denied(
        self, who: Assumed, bucket: str, key: str, scn: AwsScenario | None, ctx: dict[str, list[str]]
    ) -> str | None:
        """An SSE-KMS object: S3 decrypts through KMS as the caller, so kms:Decrypt on its key is judged too.

        The key policy is taken as KMS's default (delegates to the account's IAM policies), so the
        role's identity policies, boundary and SCP decide. Real S3 names the key ARN unquoted.
        """
        st = self._state()

        def look() -> str | None:
            try:
                head = st.admin["s3"].head_object(Bucket=bucket, Key=key)
            except Exception:
                return None  # NoSuchKey and friends: moto answers them
            kms_key = head.get("SSEKMSKeyId")
            return str(kms_key) if head.get("ServerSideEncryption", "").startswith("aws:kms") and kms_key else None

        key_arn = st.cached(("object-kms-key", bucket, key), look)
        if not key_arn:
            return None
        message = judge_s3(
            action="kms:Decrypt",
            resource=key_arn,
            caller_arn=who.arn,
            role_arn=who.role_arn,
            account=who.account,
            identity_policies=self._identity_policies(who.role_name),
            boundary=scn.boundary if scn else None,
            scp=scn.scp if scn else None,
            context=ctx,
        )
        return message.replace(f'"{key_arn}"', key_arn) if message else None

    def _simulate(self, params: dict[str, str]) -> None:
        """IAM SimulatePrincipalPolicy (moto has none): identity policies and boundary of a role."""
        from irsa_tui.lab.sts_judge import _combine

        source = params.get("PolicySourceArn", "")
        role_name = source.rsplit("/", 1)[-1]
        actions = [v for k, v in sorted(params.items()) if k.startswith("ActionNames.member.")]
        resources = [v for k, v in sorted(params.items()) if k.startswith("ResourceArns.member.")] or ["*"]
        docs = self._identity_policies(role_name)
        scn = next((x for x in self._state().scenarios.values() if x.role_name == role_name), None)
        members = []
        for action in actions:
            for resource in resources:
                decision = _combine(docs, action, resource, {})
                if decision == "allow" and scn is not None and scn.boundary is not None:
                    bounded = _combine([scn.boundary], action, resource, {})
                    decision = "allow" if bounded == "allow" else "none"
                word = {"allow": "allowed", "deny": "explicitDeny"}.get(decision, "implicitDeny")
                members.append(
                    f"<member><EvalActionName>{escape(action)}</EvalActionName>"
                    f"<EvalResourceName>{escape(resource)}</EvalResourceName>"
                    f"<EvalDecision>{word}</EvalDecision><MatchedStatements/><MissingContextValues/></member>"
                )
        body = (
            '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
            f"<EvaluationResults>{''.join(members)}</EvaluationResults></SimulatePrincipalPolicyResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</SimulatePrincipalPolicyResponse>"
        )
        self.send(200, body.encode(), "text/xml")

    def _identity_policies(self, role_name: str) -> list[Any]:
        return self._state().cached(  # type: ignore[no-any-return]
            ("identity-policies", role_name), lambda: self._look_identity_policies(role_name)
        )

    def _look_identity_policies(self, role_name: str) -> list[Any]:
        iam = self._state().admin["iam"]
        docs: list[Any] = []
        try:
            for name in iam.list_role_policies(RoleName=role_name).get("PolicyNames") or []:
                docs.append(iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"])
            for att in iam.list_attached_role_policies(RoleName=role_name).get("AttachedPolicies") or []:
                meta = iam.get_policy(PolicyArn=att["PolicyArn"])["Policy"]
                ver = iam.get_policy_version(PolicyArn=att["PolicyArn"], VersionId=meta["DefaultVersionId"])
                docs.append(ver["PolicyVersion"]["Document"])
        except Exception:
            return []
        return [unquote(d) if isinstance(d, str) else d for d in docs]


CALLER_ARN = "arn:aws:iam::123456789012:user/lab-caller"


def _rest_action(service: str, method: str, path: str, query: dict[str, list[str]]) -> str:
    """The API action of a REST call (EKS, S3), for faults, denies and the request log."""
    parts = [p for p in path.split("/") if p]
    if service == "eks-auth" and parts[:1] == ["clusters"] and parts[-1:] == ["assume-role-for-pod-identity"]:
        return "AssumeRoleForPodIdentity"
    if service == "eks" and len(parts) > 2:
        return eks_api.rest_action(method, parts)
    if service == "eks" and parts[:1] == ["clusters"]:
        return "DescribeCluster" if len(parts) == 2 and method == "GET" else "ListClusters" if len(parts) == 1 else ""
    if service == "s3":
        if not parts:
            return "ListBuckets"
        if len(parts) == 1:
            if method == "GET":
                return "GetBucketLocation" if "location" in query else "ListObjectsV2"
            return {"PUT": "CreateBucket", "DELETE": "DeleteBucket", "HEAD": "HeadBucket"}.get(method, "")
        return {"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject", "HEAD": "HeadObject"}.get(method, "")
    return ""


def _resource(service: str, form: dict[str, list[str]], path: str) -> str:
    def one(key: str) -> str:
        return (form.get(key) or [""])[0]

    if service == "iam":
        if one("RoleName"):
            return f"role {one('RoleName')}"
        return one("PolicyArn") or one("OpenIDConnectProviderArn") or "*"
    if service in ("eks", "eks-auth"):
        parts = [p for p in path.split("/") if p]
        return f"arn:aws:eks:eu-west-1:123456789012:cluster/{unquote(parts[1])}" if len(parts) > 1 else "*"
    if service == "s3":
        return f"arn:aws:s3:::{unquote(path.lstrip('/'))}" if path.strip("/") else "*"
    return "*"


class AwsFront:
    """The front server; ``url`` is AWS_ENDPOINT_URL."""

    def __init__(self, moto_url: str, ca_file: str, admin: dict[str, Any]) -> None:
        self.state = _State(moto_url=moto_url, ca_file=ca_file, admin=admin)
        self.pod_identity = eks_api.Registry()
        """Pod Identity associations and add-ons (EKS), and what EKS Auth judges with."""
        self.ec2 = ec2_api.Instances()
        """The Pod Identity scenarios' nodes (EC2 DescribeInstances)."""
        self.server = LabServer(_Handler, None, self)
        self.url = self.server.url

    def add(self, scn: AwsScenario) -> None:
        st = self.state
        st.scenarios[scn.name] = scn
        st.by_issuer[scn.issuer_id] = scn.name
        st.by_role[scn.role_name] = scn.name
        st.by_cluster[scn.cluster] = scn.name

    def start(self) -> AwsFront:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
