"""Kubernetes adapter: the official client, raw JSON, timeouts, errors mapped to SourceError.

We ask the client for raw responses (``_preload_content=False``) and read plain
JSON: it is faster than model deserialisation and keeps fields the models drop.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from irsa_tui import __version__
from irsa_tui.chain.errors import SourceFailure
from irsa_tui.chain.facts import (
    ROLE_ANNOTATION,
    ContainerFacts,
    EnvVar,
    OwnerRef,
    PodFacts,
    ServiceAccountFacts,
    SourceError,
    TokenVolume,
    VolumeFacts,
    VolumeMount,
    WebhookFacts,
)
from irsa_tui.sources._text import clip as _clip
from irsa_tui.sources.kubeconfig import ContextInfo, KubeconfigError, find_context, list_contexts, load_merged

__all__ = [
    "ContextInfo",
    "Kube",
    "KubeconfigError",
    "PodSummary",
    "SourceFailure",
    "list_contexts",
    "list_namespaces",
    "list_pods",
    "parse_pod",
    "parse_service_account",
]

T = TypeVar("T")

LIST_PAGE = 500
"""Items per page of a LIST (as kubectl asks)."""


@dataclass(frozen=True)
class PodSummary:
    name: str
    namespace: str
    service_account: str
    role_arn: str | None
    phase: str | None
    created: datetime | None


def _ts(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def map_kube_error(exc: BaseException, what: str, verb: str, resource: str) -> SourceError:
    """Turn a kubernetes-client / urllib3 exception into a one-line SourceError."""
    from kubernetes.client.exceptions import ApiException
    from urllib3 import exceptions as u3

    if isinstance(exc, ApiException):
        status = exc.status if isinstance(exc.status, int) and not isinstance(exc.status, bool) else 0
        message = ""
        reason = str(exc.reason or "")
        try:
            body = json.loads(exc.body) if exc.body else {}
            if isinstance(body, dict):
                message = str(body.get("message") or "")
                reason = str(body.get("reason") or reason)
        except (ValueError, TypeError, RecursionError):
            pass
        reason, message = _clip(reason, 100), _clip(message, 400)
        line = f"{what}: {status} {reason}".rstrip() + (f": {message}" if message else "")
        if status == 403:
            return SourceError("kubernetes", "forbidden", line, permission=f"{verb} {resource}", status=403, code=reason)
        if status == 401:
            return SourceError("kubernetes", "unauthorized", line + " (kubeconfig credentials rejected or expired)", status=401)
        if status == 404:
            return SourceError("kubernetes", "not-found", line, status=404, code="NotFound")
        if status == 429:
            return SourceError("kubernetes", "throttled", line, status=429)
        if status >= 500:
            return SourceError("kubernetes", "server-error", line, status=status)
        if status == 0:
            # The client wraps urllib3's SSLError as ApiException(status=0, reason="SSLError\n<cause>").
            full = str(exc.reason or "")
            if "SSLError" in full or "CERTIFICATE" in full:
                cause = _first_line(Exception(full.split("\n", 1)[-1])) if "\n" in full else reason
                return SourceError("kubernetes", "tls", f"{what}: TLS failure: {cause}")
            return SourceError("kubernetes", "unreachable", f"{what}: {reason or 'no response from the API server'}")
        return SourceError("kubernetes", "invalid", line, status=status)
    inner: BaseException = exc
    if isinstance(exc, u3.MaxRetryError) and exc.reason is not None:
        inner = exc.reason
    # urllib3 2 makes NewConnectionError a ConnectTimeoutError subclass: test "refused" first.
    if isinstance(inner, u3.NewConnectionError) and "timed out" not in str(inner).lower():
        return SourceError("kubernetes", "unreachable", f"{what}: cannot connect: {_first_line(inner)}")
    if isinstance(inner, (u3.ReadTimeoutError, u3.ConnectTimeoutError, TimeoutError)):
        return SourceError("kubernetes", "timeout", f"{what}: timed out")
    if isinstance(inner, u3.SSLError) or "SSL" in type(inner).__name__ or "CERTIFICATE" in str(inner):
        return SourceError("kubernetes", "tls", f"{what}: TLS failure: {_first_line(inner)}")
    if isinstance(inner, (u3.NewConnectionError, ConnectionError, u3.ProtocolError)):
        return SourceError("kubernetes", "unreachable", f"{what}: cannot connect: {_first_line(inner)}")
    if isinstance(exc, json.JSONDecodeError):
        return SourceError("kubernetes", "bad-response", f"{what}: response is not what the API promised (not JSON)")
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return SourceError("kubernetes", "bad-response", f"{what}: unexpected response: {_first_line(exc)}")
    return SourceError("kubernetes", "other", f"{what}: {type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 messages repeat the pool repr; keep the tail that says what happened.
    if "Caused by" in text:
        text = text.split("Caused by", 1)[1].strip(" ()'")
    return _clip(text, 240) or type(exc).__name__


def _skip_kubernetes_package_init() -> None:
    """Let ``kubernetes.client``/``kubernetes.config`` load without ``kubernetes/__init__``.

    That ``__init__`` eagerly imports dynamic, watch, stream (websocket), utils,
    leaderelection and informer, none of which irsa-tui uses: ~20 ms of CPU on every cold
    start, on the path to the first API call. Registering the package's own module object
    (same spec, same ``__path__``) without running its body keeps every submodule importable
    on demand (``from kubernetes import watch`` still works); ``__version__`` is set once the
    client is loaded. Does nothing when kubernetes is already imported or looks unusual,
    so the normal import is the fallback.
    """
    if "kubernetes" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("kubernetes")
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return
        module = importlib.util.module_from_spec(spec)
    except (ImportError, ValueError, AttributeError):
        return
    module.__project__ = "kubernetes"  # type: ignore[attr-defined]
    sys.modules.setdefault("kubernetes", module)


def _import_kube_client() -> tuple[Any, Any]:
    """(RESTClientObject, Configuration), imported lazily.

    The client's REST layer (urllib3 with the Configuration's TLS, client certificates, proxy and
    timeouts) rather than its ApiClient: ApiClient imports pydantic for its typed responses, ~45 ms
    of CPU on every cold start, and irsa-tui reads raw JSON (see Kube._call)."""
    _skip_kubernetes_package_init()
    from kubernetes.client.configuration import Configuration
    from kubernetes.client.rest import RESTClientObject

    package = sys.modules["kubernetes"]
    if not hasattr(package, "__version__"):  # kubernetes.dynamic reads it; the client carries the same one
        setattr(package, "__version__", getattr(sys.modules["kubernetes.client"], "__version__", ""))  # noqa: B010
    return RESTClientObject, Configuration


def _load_kube_config(cfg: Any, context: str) -> None:
    """Fill ``cfg`` for ``context``: from the kubeconfig directly for the usual shapes (sources/kubeauth.py),
    else with kubernetes.config's loader (it imports requests and oauthlib: only when needed)."""
    from irsa_tui.sources.kubeauth import configure

    if configure(cfg, context):
        return
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import load_kube_config

    try:
        load_kube_config(config_file=os.environ.get("KUBECONFIG") or None, context=context,  # type: ignore[no-untyped-call]
                         client_configuration=cfg, persist_config=False)
    except ConfigException as exc:
        raise KubeconfigError(f"kubeconfig context {context!r}: {_first_line(exc)}") from None


_USER_AGENT = f"irsa-tui/{__version__}"
_APIS: dict[tuple[Any, ...], tuple[float, Any]] = {}
_API_LOCK = threading.Lock()
_API_TTL = 300.0


class Kube:
    """A kubernetes API client for one context, with per-call timeouts and no retries."""

    def __init__(self, context: str | None, timeout: float = 5.0) -> None:
        self.info = find_context(context)
        self.timeout = timeout
        self._lock = _API_LOCK
        self._api: Any = None

    @property
    def api(self) -> Any:
        """(REST client, Configuration) for the context, shared across runs for a few minutes (exec tokens expire)."""
        key = (self.info.name, os.environ.get("KUBECONFIG"), id(load_merged()))
        with self._lock:
            cached = _APIS.get(key)
            if self._api is None and cached is not None and time.monotonic() - cached[0] < _API_TTL:
                self._api = cached[1]
            if self._api is None:
                RESTClientObject, Configuration = _import_kube_client()

                cfg = Configuration()
                try:
                    _load_kube_config(cfg, self.info.name)
                except KubeconfigError as exc:
                    if str(exc).startswith("kubeconfig context"):
                        raise
                    raise KubeconfigError(f"kubeconfig context {self.info.name!r}: {exc}") from None
                except OSError as exc:  # exec plugin missing, unreadable cert files...
                    raise KubeconfigError(f"kubeconfig context {self.info.name!r}: {_first_line(exc)}") from None
                cfg.retries = False
                self._api = (RESTClientObject(cfg), cfg)
                _APIS[key] = (time.monotonic(), self._api)
            return self._api

    def _request(self, method: str, path: str, body: Any = None, query: list[tuple[str, Any]] | None = None,
                 accept: str = "application/json") -> bytes:
        rest, cfg = self.api
        headers = {"Accept": accept, "Content-Type": "application/json", "User-Agent": _USER_AGENT}
        token = cfg.get_api_key_with_prefix("BearerToken", alias="authorization")  # runs an exec refresh hook
        if token:
            headers["authorization"] = token
        url = cfg.host + path + (f"?{urlencode(query)}" if query else "")
        response = rest.request(method, url, headers=headers, body=body, _request_timeout=self.timeout)
        response.read()
        if not 200 <= response.status <= 299:
            from kubernetes.client.exceptions import ApiException

            raise ApiException.from_response(http_resp=response, body=response.data.decode("utf-8", "replace"), data=None)
        data: bytes = response.data
        return data

    def _call(self, method: str, path: str, what: str, verb: str, resource: str, body: Any = None,
              query: list[tuple[str, Any]] | None = None) -> dict[str, Any]:
        try:
            doc = json.loads(self._request(method, path, body, query))
            if not isinstance(doc, dict):
                raise ValueError("response is not a JSON object")
            return doc
        except KubeconfigError:
            raise
        except Exception as exc:
            raise SourceFailure(map_kube_error(exc, what, verb, resource)) from None

    # --- reads -------------------------------------------------------------------------
    def get_pod(self, ns: str, name: str) -> PodFacts:
        doc = self._call("GET", f"/api/v1/namespaces/{ns}/pods/{name}", f"GET pod {ns}/{name}", "get", "pods")
        pod = parse_pod(doc)
        return pod

    def get_owner(self, pod: PodFacts, raw_owner: OwnerRef | None) -> OwnerRef | None:
        """Follow ReplicaSet -> Deployment so the fix can name the real owner."""
        if raw_owner is None:
            return None
        if raw_owner.kind != "ReplicaSet":
            return raw_owner
        doc = self._call(
            "GET",
            f"/apis/apps/v1/namespaces/{pod.namespace}/replicasets/{raw_owner.name}",
            f"GET replicaset {pod.namespace}/{raw_owner.name}",
            "get",
            "replicasets.apps",
        )
        for ref in (doc.get("metadata") or {}).get("ownerReferences") or []:
            if ref.get("controller") and ref.get("kind"):
                return OwnerRef(str(ref["kind"]), str(ref.get("name")))
        return raw_owner

    def get_service_account(self, ns: str, name: str) -> ServiceAccountFacts:
        doc = self._call(
            "GET", f"/api/v1/namespaces/{ns}/serviceaccounts/{name}", f"GET serviceaccount {ns}/{name}", "get",
            "serviceaccounts",
        )
        return parse_service_account(doc)

    def list_service_accounts(self, ns: str) -> tuple[ServiceAccountFacts, ...]:
        doc = self._call(
            "GET", f"/api/v1/namespaces/{ns}/serviceaccounts", f"LIST serviceaccounts in {ns}", "list",
            "serviceaccounts",
        )
        return tuple(parse_service_account(item) for item in doc.get("items") or [] if isinstance(item, dict))

    def webhooks(self) -> WebhookFacts:
        doc = self._call(
            "GET",
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            "LIST mutatingwebhookconfigurations",
            "list",
            "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        )
        facts = parse_webhooks(doc)
        if facts.service is None:
            return facts
        ns, _, name = facts.service.partition("/")
        try:  # a self-managed webhook: its flags decide audience, region and STS endpoint injection
            dep = self._call("GET", f"/apis/apps/v1/namespaces/{ns}/deployments/{name}",
                             f"GET deployment {ns}/{name}", "get", "deployments.apps")
        except SourceFailure as failure:
            return replace(facts, flags_note=failure.error.one_line())
        return replace(facts, flags=webhook_flags(dep))

    def issuer_discovery(self) -> str:
        """The API server's service-account issuer (``/.well-known/openid-configuration``)."""
        doc = self._call("GET", "/.well-known/openid-configuration", "GET /.well-known/openid-configuration",
                         "get", "/.well-known/openid-configuration")
        issuer = doc.get("issuer")
        if not isinstance(issuer, str) or not issuer:
            raise SourceFailure(SourceError("kubernetes", "bad-response", "discovery document without issuer"))
        return issuer

    def pod_log(self, ns: str, name: str, container: str, tail_lines: int) -> str:
        """The last ``tail_lines`` lines of one container's log, each prefixed with the API server's
        RFC 3339 timestamp (what ``read_namespaced_pod_log(tail_lines=, timestamps=True)`` asks for)."""
        what = f"GET pod {ns}/{name} log of container {container}"
        try:
            data = self._request("GET", f"/api/v1/namespaces/{ns}/pods/{name}/log", accept="*/*", query=[
                ("container", container), ("tailLines", int(tail_lines)), ("timestamps", "true"),
                ("limitBytes", 4 * 1024 * 1024)])
        except KubeconfigError:
            raise
        except Exception as exc:
            raise SourceFailure(map_kube_error(exc, what, "get", "pods/log")) from None
        return data.decode("utf-8", "replace")

    def token_request(self, pod: PodFacts, audience: str, expiration: int = 600) -> tuple[str, str | None]:
        """TokenRequest bound to the pod, as the kubelet does. Returns (token, expirationTimestamp)."""
        body = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {
                "audiences": [audience],
                "expirationSeconds": expiration,
                "boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": pod.name, "uid": pod.uid},
            },
        }
        doc = self._call(
            "POST",
            f"/api/v1/namespaces/{pod.namespace}/serviceaccounts/{pod.sa_name}/token",
            f"TokenRequest for serviceaccount {pod.namespace}/{pod.sa_name}",
            "create",
            "serviceaccounts/token",
            body=body,
        )
        status = doc.get("status") or {}
        token = status.get("token")
        if not isinstance(token, str) or not token:
            raise SourceFailure(
                SourceError("kubernetes", "bad-response", "TokenRequest answered without status.token")
            )
        return token, status.get("expirationTimestamp")

    # --- lists for a scan (one call per page, whatever the number of pods) ----------------
    def _list(self, path: str, what: str, resource: str) -> list[dict[str, Any]]:
        """Every item of a LIST, page by page (``limit``/``continue``)."""
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            query: list[tuple[str, Any]] = [("limit", LIST_PAGE)] + ([("continue", token)] if token else [])
            doc = self._call("GET", path, what, "list", resource, query=query)
            items += [i for i in doc.get("items") or [] if isinstance(i, dict)]
            token = (doc.get("metadata") or {}).get("continue") or None
            if not token:
                return items

    def list_pods(self, ns: str | None) -> tuple[PodFacts, ...]:
        """Every pod of ``ns`` (None: of every namespace), parsed as ``get_pod`` parses one."""
        path = f"/api/v1/namespaces/{ns}/pods" if ns else "/api/v1/pods"
        return tuple(parse_pod(i) for i in self._list(path, f"LIST pods in {ns or 'all namespaces'}", "pods"))

    def list_all_service_accounts(self, ns: str | None) -> tuple[ServiceAccountFacts, ...]:
        """Every ServiceAccount of ``ns`` (None: of every namespace)."""
        path = f"/api/v1/namespaces/{ns}/serviceaccounts" if ns else "/api/v1/serviceaccounts"
        return tuple(parse_service_account(i) for i in
                     self._list(path, f"LIST serviceaccounts in {ns or 'all namespaces'}", "serviceaccounts"))

    def list_controllers(self, ns: str | None) -> dict[tuple[str, str, str], OwnerRef]:
        """(namespace, kind, name) of each ReplicaSet and Job -> its own controller (Deployment, CronJob).
        A kind the caller may not list is left out (its pods' rows then name the ReplicaSet or Job)."""
        out: dict[tuple[str, str, str], OwnerRef] = {}
        for kind, group, resource in (("ReplicaSet", "apps/v1", "replicasets"), ("Job", "batch/v1", "jobs")):
            path = f"/apis/{group}/namespaces/{ns}/{resource}" if ns else f"/apis/{group}/{resource}"
            try:
                items = self._list(path, f"LIST {resource} in {ns or 'all namespaces'}",
                                   f"{resource}.{group.split('/')[0]}")
            except SourceFailure:
                continue
            for item in items:
                meta = item.get("metadata") or {}
                for ref in meta.get("ownerReferences") or []:
                    if isinstance(ref, dict) and ref.get("controller") and ref.get("kind"):
                        out[(str(meta.get("namespace")), kind, str(meta.get("name")))] = OwnerRef(
                            str(ref["kind"]), str(ref.get("name")))
        return out

    def namespaces(self) -> list[str]:
        doc = self._call("GET", "/api/v1/namespaces", "LIST namespaces", "list", "namespaces")
        return sorted(str((i.get("metadata") or {}).get("name")) for i in doc.get("items") or [])

    def pods(self, ns: str) -> list[PodSummary]:
        pods_doc = self._call("GET", f"/api/v1/namespaces/{ns}/pods", f"LIST pods in {ns}", "list", "pods")
        roles: dict[str, str] = {}
        try:
            for sa in self.list_service_accounts(ns):
                arn = sa.annotations.get(ROLE_ANNOTATION)
                if arn:
                    roles[sa.name] = arn
        except SourceFailure:
            pass  # role column stays empty; listing pods still works
        out = []
        for item in pods_doc.get("items") or []:
            meta = item.get("metadata") or {}
            spec = item.get("spec") or {}
            sa_name = str(spec.get("serviceAccountName") or "default")
            out.append(
                PodSummary(
                    name=str(meta.get("name")),
                    namespace=str(meta.get("namespace") or ns),
                    service_account=sa_name,
                    role_arn=roles.get(sa_name),
                    phase=(item.get("status") or {}).get("phase"),
                    created=_ts(meta.get("creationTimestamp")),
                )
            )
        return out


def _guard(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except KubeconfigError as exc:
        raise SourceFailure(SourceError("kubeconfig", "invalid", str(exc))) from None


def list_namespaces(context: str | None, timeout: float = 5.0) -> list[str]:
    return _guard(lambda: Kube(context, timeout).namespaces())


def list_pods(context: str | None, namespace: str, timeout: float = 5.0) -> list[PodSummary]:
    return _guard(lambda: Kube(context, timeout).pods(namespace))


# --- parsing (pure) ------------------------------------------------------------------------


def _env(items: Any) -> tuple[EnvVar, ...]:
    out = []
    for item in items or []:
        if not isinstance(item, dict) or "name" not in item:
            continue
        if "value" in item or "valueFrom" not in item:
            out.append(EnvVar(str(item["name"]), str(item.get("value") or "")))
            continue
        ref = item.get("valueFrom") or {}
        source = None
        for key in ("secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"):
            if key in ref:
                detail = ref[key] or {}
                source = f"{key} {detail.get('name', detail.get('fieldPath', ''))}/{detail.get('key', '')}".rstrip("/")
        out.append(EnvVar(str(item["name"]), None, source))
    return tuple(out)


def _container(c: dict[str, Any], kind: str, pod_run_as: int | None) -> ContainerFacts:
    sc = c.get("securityContext") or {}
    mounts = tuple(
        VolumeMount(str(m.get("name")), str(m.get("mountPath")), bool(m.get("readOnly")), m.get("subPath"))
        for m in c.get("volumeMounts") or []
        if isinstance(m, dict)
    )
    env_from = []
    for src in c.get("envFrom") or []:
        if isinstance(src, dict):
            if "secretRef" in src:
                env_from.append(f"secret/{(src['secretRef'] or {}).get('name')}")
            if "configMapRef" in src:
                env_from.append(f"configmap/{(src['configMapRef'] or {}).get('name')}")
    run_as = sc.get("runAsUser", pod_run_as)
    return ContainerFacts(
        name=str(c.get("name")),
        kind=kind,  # type: ignore[arg-type]
        image=str(c.get("image") or ""),
        env=_env(c.get("env")),
        env_from=tuple(env_from),
        mounts=mounts,
        run_as_user=run_as if isinstance(run_as, int) else None,
        restart_policy=c.get("restartPolicy"),
    )


def _volume(v: dict[str, Any]) -> VolumeFacts:
    name = str(v.get("name"))
    kinds = [k for k in v if k != "name"]
    kind = kinds[0] if kinds else "unknown"
    token = None
    detail = None
    if kind == "projected":
        for src in (v.get("projected") or {}).get("sources") or []:
            sat = (src or {}).get("serviceAccountToken")
            if isinstance(sat, dict):
                exp = sat.get("expirationSeconds")
                token = TokenVolume(
                    audience=sat.get("audience"),
                    expiration_seconds=int(exp) if isinstance(exp, int) else None,
                    path=str(sat.get("path") or ""),
                )
                break
    elif kind == "hostPath":
        detail = str((v.get("hostPath") or {}).get("path"))
    elif kind == "secret":
        detail = str((v.get("secret") or {}).get("secretName"))
    return VolumeFacts(name=name, kind=kind, token=token, detail=detail)


def parse_pod(doc: dict[str, Any]) -> PodFacts:
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    psc = spec.get("securityContext") or {}
    pod_run_as = psc.get("runAsUser") if isinstance(psc.get("runAsUser"), int) else None
    containers = [_container(c, "init", pod_run_as) for c in spec.get("initContainers") or [] if isinstance(c, dict)]
    containers += [_container(c, "container", pod_run_as) for c in spec.get("containers") or [] if isinstance(c, dict)]
    containers += [
        _container(c, "ephemeral", pod_run_as) for c in spec.get("ephemeralContainers") or [] if isinstance(c, dict)
    ]
    owner = None
    for ref in meta.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller"):
            owner = OwnerRef(str(ref.get("kind")), str(ref.get("name")))
    labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
    node = spec.get("nodeName")
    return PodFacts(
        name=str(meta.get("name")),
        namespace=str(meta.get("namespace")),
        uid=str(meta.get("uid") or ""),
        service_account_name=spec.get("serviceAccountName") or None,
        created=_ts(meta.get("creationTimestamp")),
        labels=labels,
        annotations={str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
        containers=tuple(containers),
        volumes=tuple(_volume(v) for v in spec.get("volumes") or [] if isinstance(v, dict)),
        node_name=node,
        node_selector={str(k): str(v) for k, v in (spec.get("nodeSelector") or {}).items()},
        host_network=bool(spec.get("hostNetwork")),
        phase=(doc.get("status") or {}).get("phase"),
        fs_group=psc.get("fsGroup") if isinstance(psc.get("fsGroup"), int) else None,
        run_as_user=pod_run_as,
        owner=owner,
        scheduler_name=spec.get("schedulerName"),
        fargate="eks.amazonaws.com/fargate-profile" in labels or str(node or "").startswith("fargate-"),
    )


def _annotations_changed(meta: dict[str, Any]) -> datetime | None:
    """Latest managedFields time that set the role annotation (or any annotation)."""
    best: datetime | None = None
    fallback: datetime | None = None
    for entry in meta.get("managedFields") or []:
        if not isinstance(entry, dict):
            continue
        when = _ts(entry.get("time"))
        fields = ((entry.get("fieldsV1") or {}).get("f:metadata") or {}).get("f:annotations")
        if when is None or not isinstance(fields, dict):
            continue
        if f"f:{ROLE_ANNOTATION}" in fields:
            best = max(best, when) if best else when
        fallback = max(fallback, when) if fallback else when
    return best or fallback


def parse_service_account(doc: dict[str, Any]) -> ServiceAccountFacts:
    meta = doc.get("metadata") or {}
    return ServiceAccountFacts(
        name=str(meta.get("name")),
        namespace=str(meta.get("namespace")),
        uid=str(meta.get("uid") or ""),
        created=_ts(meta.get("creationTimestamp")),
        annotations={str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
        annotations_changed=_annotations_changed(meta),
    )


_WEBHOOK_NAMES = ("iam-for-pods.amazonaws.com", "pod-identity-webhook.amazonaws.com")


def parse_webhooks(doc: dict[str, Any]) -> WebhookFacts:
    names: list[str] = []
    policy = None
    service = None
    for item in doc.get("items") or []:
        cfg_name = str((item.get("metadata") or {}).get("name"))
        for hook in item.get("webhooks") or []:
            hook_name = str(hook.get("name"))
            if hook_name in _WEBHOOK_NAMES or cfg_name == "pod-identity-webhook":
                names.append(f"{cfg_name}/{hook_name}")
                policy = policy or hook.get("failurePolicy")
                svc = (hook.get("clientConfig") or {}).get("service") or {}
                if service is None and svc.get("name"):
                    service = f"{svc.get('namespace') or 'default'}/{svc['name']}"
    return WebhookFacts(names=tuple(names), failure_policy=policy, service=service)


_FLAGS = ("token-audience", "aws-default-region", "sts-regional-endpoint", "token-expiration", "annotation-prefix")


def webhook_flags(deployment: dict[str, Any]) -> dict[str, str]:
    """The webhook's own flags from its Deployment's first container (``--flag=value`` or ``--flag value``)."""
    containers = ((deployment.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or [{}]
    words = [str(w) for w in (containers[0].get("command") or []) + (containers[0].get("args") or [])]
    flags: dict[str, str] = {}
    for i, word in enumerate(words):
        name, eq, value = word.lstrip("-").partition("=")
        if not word.startswith("-") or name not in _FLAGS:
            continue
        if not eq:
            following = words[i + 1] if i + 1 < len(words) else ""
            value = "true" if not following or following.startswith("-") else following
        flags[name] = value
    return flags
