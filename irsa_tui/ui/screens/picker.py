"""Pick a cluster (kube context), a namespace, then a pod: three filterable panes, k9s style."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Label

from irsa_tui.ui.backend import BackendError
from irsa_tui.ui.messages import ContextsLoaded, IdentityPodsLoaded, ListFailed, NamespacesLoaded, PodsLoaded
from irsa_tui.ui.timefmt import age
from irsa_tui.ui.widgets.filter_list import FilterList, Item
from irsa_tui.ui.wrapping import wrap_text

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["ALL_NAMESPACES", "PickerScreen", "context_item", "pod_items"]

ROLE_MARK = "◆"
ALL_NAMESPACES = "*"
"""The namespace pane's first item: pods with a role in every namespace (not a valid namespace name)."""
SCAN_LIMIT = 200
"""At most this many namespaces are listed for the all-namespaces view (8 at a time)."""


def context_item(ctx: Any) -> Item:
    mark = "●" if ctx.current else " "
    cluster = ctx.eks_cluster or "(not EKS?)"

    def prompt(width: int) -> Text:
        # the whole name, wrapped at its separators: lab and EKS context names are long
        return Text.assemble(
            (f"{mark} ", "bold"),
            wrap_text(Text(ctx.name, style="bold"), max(8, width - 2), "  "),
            "\n  ",
            wrap_text(Text(f"{cluster} · {ctx.region or 'region ?'}", style="dim"), max(8, width - 2), "  "),
        )

    return Item(key=f"{ctx.name} {cluster} {ctx.region or ''}", prompt=prompt, value=ctx.name)


def pod_items(pods: list[Any], frozen: bool, with_namespace: bool = False) -> list[Item]:
    """Pods whose service account carries a role first (marked ◆), then the rest; by name within.

    ``with_namespace``: the all-namespaces view, where each item's value is ``(namespace, pod)``."""
    def name(p: Any) -> str:
        return f"{p.namespace}/{p.name}" if with_namespace else str(p.name)

    ordered = sorted(pods, key=lambda p: (p.role_arn is None, name(p)))
    items = []
    for pod in ordered:
        role = pod.role_arn.rsplit("/", 1)[-1] if pod.role_arn else "no role"

        def prompt(width: int, pod: Any = pod, role: str = role) -> Text:
            # two lines, as the contexts: the name whole (wrapped at separators), the rest under it
            rest = Text.assemble(
                (f"{pod.service_account} · ", "dim"),
                (role, "" if pod.role_arn else "dim"),
                (f" · {pod.phase or '?'} · {age(pod.created, frozen)}", "dim"),
            )
            return Text.assemble(
                (ROLE_MARK if pod.role_arn else " ", "bold"),
                " ",
                wrap_text(Text(name(pod), style="bold"), max(8, width - 2), "  "),
                "\n  ",
                wrap_text(rest, max(8, width - 2), "  "),
            )

        key = f"{name(pod)} {pod.service_account} {pod.role_arn or ''}"
        value = (pod.namespace, pod.name) if with_namespace else pod.name
        items.append(Item(key=key, prompt=prompt, value=value))
    return items


class PickerScreen(Screen[None]):
    CSS_PATH = "../styles/picker.tcss"
    SCOPE = "pod picker"
    SCOPE_ALSO: tuple[str, ...] = ("everywhere",)
    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Back",
            id="picker-back",
            tooltip="In a filter: clear it and go back to its list; on a list: the previous pane",
        ),
        Binding(
            "ctrl+q",
            "app.quit",
            "Quit",
            key_display="^q",
            priority=True,
            id="picker-quit",
            tooltip="Leave irsa-tui, even while typing in a filter (on a list, q quits too)",
        ),
        Binding("slash", "filter", "Filter", id="picker-filter", tooltip="Filter this pane's list (k9s /)"),
        Binding("1", "pane('contexts')", "Clusters", show=False, id="pane-1", tooltip="Go to pane 1, clusters"),
        Binding("2", "pane('namespaces')", "Namespaces", show=False, id="pane-2", tooltip="Go to pane 2, namespaces"),
        Binding("3", "pane('pods')", "Pods", show=False, id="pane-3", tooltip="Go to pane 3, pods"),
        Binding(
            "tab",
            "next_pane",
            "Next pane",
            show=False,
            id="picker-next-pane",
            tooltip="Move to the next pane",
        ),
        Binding("f5", "reload", "Reload", id="picker-reload", tooltip="Reload the lists"),
        Binding("S", "scan", "Scan", id="picker-scan",
                tooltip="Scan the chosen namespace (or every namespace) and list its workloads' verdicts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.context: str | None = None
        self.namespace: str | None = None
        self.identity: dict[str | None, list[Any]] = {}
        """Pods with a role in every namespace, per context, once scanned."""
        self.pick_first_identity = False
        """When the scan ends, start on the first namespace holding a pod with a role."""

    @property
    def irsa(self) -> IrsaApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="breadcrumb", markup=False)
        with Horizontal(id="panes"):
            yield FilterList("1 Cluster (context)", "filter contexts…", id="contexts")
            yield FilterList("2 Namespace", "filter or type…", allow_typed=True, id="namespaces")
            yield FilterList("3 Pod (◆ has a role)", "filter pods…", id="pods")
        yield Footer()

    def on_mount(self) -> None:
        self.context = self.irsa.context
        self.namespace = self.irsa.namespace
        self.sub_title = "pick a pod"
        self.update_breadcrumb()
        self.load_contexts()
        self.pane("contexts").focus_list()

    def update_breadcrumb(self) -> None:
        ns = "all namespaces" if self.namespace == ALL_NAMESPACES else self.namespace or "…"
        parts = [self.context or "(current context)", ns, "…"]
        self.query_one("#breadcrumb", Label).update("  ▸  ".join(parts))

    def pane(self, name: str) -> FilterList:
        return self.query_one(f"#{name}", FilterList)

    # --- loading (workers) ------------------------------------------------------------------
    def load_contexts(self) -> None:
        self.pane("contexts").set_loading()
        self._contexts_worker()

    @work(thread=True, exclusive=True, group="contexts")
    def _contexts_worker(self) -> None:
        try:
            self.post_message(ContextsLoaded(self.irsa.backend.list_contexts()))
        except BackendError as exc:
            self.post_message(ListFailed("contexts", str(exc)))
        except Exception as exc:  # never a traceback on screen
            self.post_message(ListFailed("contexts", f"{type(exc).__name__}: {exc}"))

    def load_namespaces(self, context: str | None) -> None:
        self.pane("namespaces").set_loading()
        self.pane("pods").set_items([], empty="pick a namespace first")
        self._namespaces_worker(context)

    @work(thread=True, exclusive=True, group="namespaces")
    def _namespaces_worker(self, context: str | None) -> None:
        try:
            self.post_message(NamespacesLoaded(context, self.irsa.backend.list_namespaces(context)))
        except BackendError as exc:
            self.post_message(ListFailed("namespaces", str(exc), exc.forbidden))
        except Exception as exc:
            self.post_message(ListFailed("namespaces", f"{type(exc).__name__}: {exc}"))

    def load_pods(self, context: str | None, namespace: str) -> None:
        self.pane("pods").set_loading()
        if namespace == ALL_NAMESPACES:
            if context in self.identity:
                self.show_identity_pods(self.identity[context], 0)
            else:
                self.scan_identity(context)
            return
        self._pods_worker(context, namespace)

    @work(thread=True, exclusive=True, group="pods")
    def _pods_worker(self, context: str | None, namespace: str) -> None:
        try:
            self.post_message(PodsLoaded(context, namespace, self.irsa.backend.list_pods(context, namespace)))
        except BackendError as exc:
            self.post_message(ListFailed("pods", str(exc), exc.forbidden))
        except Exception as exc:
            self.post_message(ListFailed("pods", f"{type(exc).__name__}: {exc}"))

    def scan_identity(self, context: str | None) -> None:
        names = [i.value for i in self.pane("namespaces").items if i.value != ALL_NAMESPACES]
        self._identity_worker(context, names[:SCAN_LIMIT])

    @work(thread=True, exclusive=True, group="identity")
    def _identity_worker(self, context: str | None, namespaces: list[str]) -> None:
        """List every namespace's pods (8 at a time) and keep those whose service account has a role."""
        from concurrent.futures import ThreadPoolExecutor

        backend = self.irsa.backend

        def pods_of(ns: str) -> list[Any] | None:
            try:
                return backend.list_pods(context, ns)
            except Exception:  # counted and said, not hidden
                return None

        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="irsa-ns-scan") as pool:
            lists = list(pool.map(pods_of, namespaces))
        found = [p for pods in lists if pods for p in pods if p.role_arn]
        self.post_message(IdentityPodsLoaded(context, found, sum(1 for pods in lists if pods is None)))

    # --- results ------------------------------------------------------------------------------
    @on(ContextsLoaded)
    def _contexts_loaded(self, message: ContextsLoaded) -> None:
        contexts = message.contexts
        self.irsa.contexts = {c.name: c for c in contexts}
        if self.context is None:
            self.context = next((c.name for c in contexts if c.current), None)
        self.pane("contexts").set_items([context_item(c) for c in contexts], highlight=self.context)
        if self.context is not None and not any(c.name == self.context for c in contexts):
            # --context nope: the same one-line error check gives, not a blank namespace pane
            why = unknown_context(self.context, [c.name for c in contexts])
            self.pane("namespaces").show_error(why)
            self.pane("pods").set_items([], empty="pick a cluster first")
            self.notify(why, title="Unknown context", severity="error", timeout=15)
            return
        if self.context is not None:
            self.select_context(self.context, focus=False)

    @on(NamespacesLoaded)
    def _namespaces_loaded(self, message: NamespacesLoaded) -> None:
        if message.context != self.context:
            return
        if self.namespace is None:
            info = self.irsa.contexts.get(self.context or "")
            own = getattr(info, "namespace", None)
            if own in message.namespaces:
                self.namespace = own
        all_item = Item(key="all namespaces roles", prompt=Text("◆ all namespaces", style="bold"), value=ALL_NAMESPACES)
        items = [all_item, *(Item(key=ns, prompt=ns, value=ns) for ns in message.namespaces)]
        self.pane("namespaces").set_items(items, highlight=self.namespace)
        if self.namespace is None:
            # no namespace given: start on the first one holding a pod with a role
            self.pick_first_identity = True
            self.pane("pods").set_loading()
            self.scan_identity(self.context)
        elif self.namespace == ALL_NAMESPACES or self.namespace in message.namespaces:
            self.load_pods(self.context, self.namespace)
        self.update_breadcrumb()

    @on(IdentityPodsLoaded)
    def _identity_loaded(self, message: IdentityPodsLoaded) -> None:
        if message.context != self.context:
            return
        self.identity[message.context] = message.pods
        if self.pick_first_identity and self.namespace is None:
            self.pick_first_identity = False
            order = [i.value for i in self.pane("namespaces").items]
            holding = {p.namespace for p in message.pods}
            first = next((ns for ns in order if ns in holding), None)
            if first is None:
                self.pane("pods").set_items([], empty="no pod with a role in any namespace: pick one")
                return
            self.namespace = first
            self.irsa.namespace = first
            self.pane("namespaces").refilter(highlight=first)
            self.update_breadcrumb()
            self.load_pods(self.context, first)
        elif self.namespace == ALL_NAMESPACES:
            self.show_identity_pods(message.pods, message.unreadable)

    def show_identity_pods(self, pods: list[Any], unreadable: int) -> None:
        pane = self.pane("pods")
        pane.set_items(pod_items(pods, self.irsa.frozen, with_namespace=True), empty="no pod with a role in any namespace")
        if unreadable:
            self.notify(f"{unreadable} namespace(s) could not be listed; their pods are missing here", severity="warning")

    @on(PodsLoaded)
    def _pods_loaded(self, message: PodsLoaded) -> None:
        if message.context != self.context or message.in_namespace != self.namespace:
            return
        pane = self.pane("pods")
        pane.set_items(pod_items(message.pods, self.irsa.frozen))
        if not message.pods:
            pane.show_error(f"no pods in namespace {message.in_namespace}")

    @on(ListFailed)
    def _list_failed(self, message: ListFailed) -> None:
        text = message.message
        if message.what == "namespaces" and message.forbidden:
            text += "\nType a namespace above and press enter."
        self.pane(message.what).show_error(text)
        if message.what == "namespaces":
            self.pane("namespaces").focus_filter()

    # --- navigation ---------------------------------------------------------------------------
    def select_context(self, name: str, focus: bool = True) -> None:
        if name != self.context:
            self.namespace = None
            # a filter typed for the old cluster would hide the new lists
            self.pane("namespaces").clear_filter()
            self.pane("pods").clear_filter()
        self.context = name
        self.irsa.context = name
        self.irsa.namespace = self.namespace
        self.update_breadcrumb()
        self.load_namespaces(name)
        if focus:
            self.pane("namespaces").focus_list()

    def select_namespace(self, namespace: str, focus: bool = True) -> None:
        if namespace != self.namespace:
            self.pane("pods").clear_filter()
        self.namespace = namespace
        self.irsa.namespace = None if namespace == ALL_NAMESPACES else namespace
        self.pane("namespaces").refilter(highlight=namespace)
        self.update_breadcrumb()
        self.load_pods(self.context, namespace)
        if focus:
            self.pane("pods").focus_list()

    @on(FilterList.Selected, "#contexts")
    def _context_picked(self, event: FilterList.Selected) -> None:
        self.pane("contexts").clear_filter()
        self.select_context(str(event.value))

    @on(FilterList.Selected, "#namespaces")
    def _namespace_picked(self, event: FilterList.Selected) -> None:
        self.select_namespace(str(event.value))

    @on(FilterList.Selected, "#pods")
    def _pod_picked(self, event: FilterList.Selected) -> None:
        if isinstance(event.value, tuple):
            namespace, pod = event.value
            self.irsa.open_chain(str(namespace), str(pod))
        elif self.namespace not in (None, ALL_NAMESPACES):
            self.irsa.open_chain(str(self.namespace), str(event.value))

    def _focused_pane(self) -> str | None:
        focused = self.focused
        for name in PANES:
            if focused is not None and self.pane(name) in focused.ancestors_with_self:
                return name
        return None

    def action_back(self) -> None:
        """In a filter: clear it (if any) and go to its list; on a list: the previous pane's list."""
        name = self._focused_pane()
        if name is None:
            return
        pane = self.pane(name)
        if self.focused is pane.input:
            pane.clear_filter()
            pane.focus_list()
            return
        n = PANES.index(name)
        if n > 0:
            self.pane(PANES[n - 1]).focus_list()

    def action_filter(self) -> None:
        self.pane(self._focused_pane() or "contexts").focus_filter()

    def action_pane(self, name: str) -> None:
        self.pane(name).focus_list()

    def action_next_pane(self) -> None:
        name = self._focused_pane()
        n = PANES.index(name) if name else -1
        self.pane(PANES[(n + 1) % 3]).focus_list()

    def action_scan(self) -> None:
        from irsa_tui.ui.screens.scan import ScanScreen

        namespace = None if self.namespace in (None, ALL_NAMESPACES) else self.namespace
        self.app.push_screen(ScanScreen(self.context, namespace))

    def action_reload(self) -> None:
        self.identity.clear()
        self.load_contexts()


PANES = ("contexts", "namespaces", "pods")


def unknown_context(name: str, known: list[str]) -> str:
    """The one line ``check`` prints for an unknown ``--context``."""
    import difflib

    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known[:8])}" if known else ""
    return f"context {name!r} not found in kubeconfig{hint}"
