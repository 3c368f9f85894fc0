"""What the UI needs from the outside world, behind one small interface.

The real backend imports kubernetes/boto3 lazily (inside worker threads), so the first frame
stays fast; tests may pass another backend (same methods) to drive the UI on hand-built data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from irsa_tui.chain.model import ChainResult, LinkResult

if TYPE_CHECKING:
    from irsa_tui.bundle import Bundle

__all__ = ["Backend", "BackendError", "RealBackend", "ReplayBackend", "StartingBackend"]


class BackendError(Exception):
    """A list could not load or a run could not start: ``str(self)`` is the one-line reason."""

    def __init__(self, message: str, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden


class Backend(Protocol):
    def list_contexts(self) -> list[Any]: ...

    def list_namespaces(self, context: str | None) -> list[str]: ...

    def list_pods(self, context: str | None, namespace: str) -> list[Any]: ...

    def diagnose(
        self,
        *,
        namespace: str,
        pod: str,
        context: str | None,
        bucket: str | None,
        live: bool,
        timeout: float,
        on_link: Callable[[LinkResult], None],
        on_call: Callable[[str, bool], None],
        object_key: str | None = None,
    ) -> ChainResult: ...


def facts_for(backend: object, result: ChainResult) -> Any:
    """The facts behind ``result`` when the backend kept them (for an incident bundle), else None."""
    get = getattr(backend, "facts_for", None)
    return get(result) if callable(get) else None


class RealBackend:
    """The engine and the kube source, as the CLI uses them."""

    def __init__(self, timeout: float = 5.0, evidence: dict[str, Any] | None = None) -> None:
        self.timeout = timeout
        self.evidence = dict(evidence or {})
        """Options fields of ``--logs`` / ``--log-lines`` / ``--cloudtrail`` (the app's logs and CloudTrail as evidence)."""
        self.last: tuple[ChainResult, Any] | None = None
        """The last result and the facts behind it (for an incident bundle)."""

    def list_contexts(self) -> list[Any]:
        from irsa_tui.sources.kubeconfig import KubeconfigError, list_contexts

        try:
            return list(list_contexts())
        except KubeconfigError as exc:
            raise BackendError(f"kubeconfig: {exc}") from None
        except OSError as exc:
            raise BackendError(f"kubeconfig: {exc.strerror or exc}") from None

    def list_namespaces(self, context: str | None) -> list[str]:
        from irsa_tui.chain.errors import SourceFailure
        from irsa_tui.sources.kube import list_namespaces

        try:
            return list_namespaces(context, self.timeout)
        except SourceFailure as failure:
            raise BackendError(failure.error.one_line(), failure.error.kind == "forbidden") from None

    def list_pods(self, context: str | None, namespace: str) -> list[Any]:
        from irsa_tui.chain.errors import SourceFailure
        from irsa_tui.sources.kube import list_pods

        try:
            return list_pods(context, namespace, self.timeout)
        except SourceFailure as failure:
            raise BackendError(failure.error.one_line(), failure.error.kind == "forbidden") from None

    def diagnose(
        self,
        *,
        namespace: str,
        pod: str,
        context: str | None,
        bucket: str | None,
        live: bool,
        timeout: float,
        on_link: Callable[[LinkResult], None],
        on_call: Callable[[str, bool], None],
        object_key: str | None = None,
    ) -> ChainResult:
        from irsa_tui.engine import Options, UsageError, diagnose

        options = Options(
            namespace=namespace, pod=pod, context=context, bucket=bucket, object_key=object_key, live=live,
            timeout=timeout, **self.evidence,
        )
        runs: list[Any] = []
        try:
            result = diagnose(options, on_link=on_link, on_call=on_call, run_out=runs)
        except UsageError as exc:
            raise BackendError(str(exc)) from None
        self.last = (result, runs[0].facts if runs else None)
        return result

    def facts_for(self, result: ChainResult) -> Any:
        """The facts gathered for ``result`` (the last run's), for an incident bundle; None if unknown."""
        return self.last[1] if self.last is not None and self.last[0] is result else None

    def scan(self, context: str | None, namespaces: tuple[str, ...] | None, on_row: Callable[[Any], None],
             on_progress: Callable[[int, int], None]) -> Any:
        """``irsa_tui.scan.scan`` (static) of a namespace or the cluster (None); rows arrive through ``on_row``."""
        from irsa_tui.engine import UsageError
        from irsa_tui.scan import ScanOptions, scan

        try:
            return scan(ScanOptions(context=context, namespaces=namespaces, timeout=self.timeout),
                        on_row=on_row, on_progress=on_progress)
        except UsageError as exc:
            raise BackendError(str(exc)) from None


class StartingBackend:
    """Another backend behind a slow start (the lab world): the first frame does not wait for it.

    ``start`` runs in a thread; every call waits for it (in the UI's workers, so the panes show
    "loading…" meanwhile) and a failed start becomes a one-line BackendError on every pane.
    """

    def __init__(self, inner: Backend, start: Callable[[], object], wait_s: float = 180.0) -> None:
        import threading

        self.inner = inner
        self.wait_s = wait_s
        self.started: object = None
        self.error: str | None = None
        self.ready = threading.Event()

        def run() -> None:
            try:
                self.started = start()
            except BaseException as exc:  # any start failure is shown on the panes, never raised
                self.error = str(exc).strip("'\"") or type(exc).__name__
            finally:
                self.ready.set()

        self.thread = threading.Thread(target=run, name="irsa-backend-start", daemon=True)
        self.thread.start()

    def _wait(self) -> None:
        if not self.ready.wait(self.wait_s):
            raise BackendError(f"still starting after {self.wait_s:.0f} s")
        if self.error is not None:
            raise BackendError(f"could not start: {self.error}")

    def list_contexts(self) -> list[Any]:
        self._wait()
        return self.inner.list_contexts()

    def list_namespaces(self, context: str | None) -> list[str]:
        self._wait()
        return self.inner.list_namespaces(context)

    def list_pods(self, context: str | None, namespace: str) -> list[Any]:
        self._wait()
        return self.inner.list_pods(context, namespace)

    def diagnose(self, **options: Any) -> ChainResult:
        """Backend.diagnose, once the start is done (same keyword arguments)."""
        self._wait()
        return self.inner.diagnose(**options)

    def facts_for(self, result: ChainResult) -> Any:
        return facts_for(self.inner, result)

    def scan(self, context: str | None, namespaces: tuple[str, ...] | None, on_row: Callable[[Any], None],
             on_progress: Callable[[int, int], None]) -> Any:
        """The inner backend's scan, once the start is done."""
        self._wait()
        return self.inner.scan(context, namespaces, on_row, on_progress)  # type: ignore[attr-defined]


class ReplayBackend:
    """An incident bundle as the outside world: the captured context, namespace, pod and result;
    no cluster and no AWS call. A run with other options than the captured ones is refused (one line)."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.banner = bundle.banner()

    def list_contexts(self) -> list[Any]:
        from irsa_tui.sources.kubeconfig import ContextInfo

        t = self.bundle.result.target
        return [ContextInfo(name=t.context or "(captured)", cluster=t.cluster or "", server="(replay)",
                            namespace=t.namespace, eks_cluster=t.cluster, region=t.region, current=True)]

    def list_namespaces(self, context: str | None) -> list[str]:
        return [self.bundle.result.target.namespace]

    def list_pods(self, context: str | None, namespace: str) -> list[Any]:
        from irsa_tui.sources.kube import PodSummary

        t = self.bundle.result.target
        if namespace != t.namespace:
            return []
        pod = (self.bundle.facts or {}).get("pod")
        sa = (pod.get("service_account_name") or "default") if isinstance(pod, dict) else None
        return [PodSummary(name=t.pod, namespace=t.namespace, service_account=str(sa or "?"),
                           role_arn=_role_arn(self.bundle.result), phase=None, created=None)]

    def facts_for(self, result: ChainResult) -> Any:
        return self.bundle.facts if result is self.bundle.result else None

    def diagnose(self, **options: Any) -> ChainResult:
        """The captured result, link by link, for the captured pod and probe options only."""
        result = self.bundle.result
        t = result.target
        captured = self.bundle.options
        if (options.get("namespace"), options.get("pod")) != (t.namespace, t.pod):
            raise BackendError(f"this bundle holds {t.namespace}/{t.pod} only (replay: no cluster)")
        wanted = (bool(options.get("live")), options.get("bucket"), options.get("object_key"))
        had = (bool(captured.get("live", True)), captured.get("bucket"), captured.get("object_key"))
        if wanted != had:
            raise BackendError("a replay shows the captured run only (live probes "
                               f"{'on' if had[0] else 'off'}, bucket {had[1] or 'from the role policies'}"
                               f"{'/' + had[2] if had[2] else ''}): no cluster or AWS call is made")
        for link in result.links:
            options["on_link"](link)
        return result


def _role_arn(result: ChainResult) -> str | None:
    named = getattr(result.target, "role_arn", None)
    if named:
        return str(named)
    for link in result.links:
        for ev in link.evidence:
            if ev.key in ("role-arn", "role-arn-annotation") and ev.actual and ev.actual.startswith("arn:"):
                return ev.actual
    return None
