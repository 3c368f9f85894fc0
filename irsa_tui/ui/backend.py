"""What the UI needs from the outside world, behind one small interface.

The real backend imports kubernetes/boto3 lazily (inside worker threads), so the first frame
stays fast; tests may pass another backend (same methods) to drive the UI on hand-built data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from irsa_tui.chain.model import ChainResult, LinkResult

__all__ = ["Backend", "BackendError", "RealBackend", "StartingBackend"]


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


class RealBackend:
    """The engine and the kube source, as the CLI uses them."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

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
            timeout=timeout,
        )
        try:
            return diagnose(options, on_link=on_link, on_call=on_call)
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
