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
from irsa_tui.ui.messages import ContextsLoaded, ListFailed, NamespacesLoaded, PodsLoaded
from irsa_tui.ui.timefmt import age
from irsa_tui.ui.widgets.filter_list import FilterList, Item

if TYPE_CHECKING:
    from irsa_tui.ui.app import IrsaApp

__all__ = ["PickerScreen", "context_item", "pod_items"]

ROLE_MARK = "◆"


def context_item(ctx: Any) -> Item:
    mark = "●" if ctx.current else " "
    cluster = ctx.eks_cluster or "(not EKS?)"
    prompt = Text.assemble(
        (f"{mark} ", "bold"),
        (ctx.name[:30], "bold"),
        "\n",
        (f"  {cluster[:20]} · {ctx.region or 'region ?'}", "dim"),
    )
    return Item(key=f"{ctx.name} {cluster} {ctx.region or ''}", prompt=prompt, value=ctx.name)


def pod_items(pods: list[Any], frozen: bool) -> list[Item]:
    """Pods whose service account carries a role first (marked ◆), then the rest; by name within."""
    ordered = sorted(pods, key=lambda p: (p.role_arn is None, p.name))
    width = min(40, max((len(p.name) for p in ordered), default=10))
    sa_width = min(20, max((len(p.service_account) for p in ordered), default=8))
    roles = [p.role_arn.rsplit("/", 1)[-1] for p in ordered if p.role_arn]
    role_width = min(24, max((len(r) for r in roles), default=7))
    items = []
    for pod in ordered:
        role = pod.role_arn.rsplit("/", 1)[-1] if pod.role_arn else "no role"
        prompt = Text.assemble(
            (ROLE_MARK if pod.role_arn else " ", "bold"),
            " ",
            (pod.name[:width].ljust(width), "bold"),
            "  ",
            (pod.service_account[:sa_width].ljust(sa_width), ""),
            "  ",
            ((role[:role_width]).ljust(role_width), "" if pod.role_arn else "dim"),
            "  ",
            ((pod.phase or "?")[:9].ljust(9), ""),
            (age(pod.created, frozen).rjust(4), "dim"),
        )
        key = f"{pod.name} {pod.service_account} {pod.role_arn or ''}"
        items.append(Item(key=key, prompt=prompt, value=pod.name))
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
            tooltip="Previous pane; first pane: leave the filter, then q quits",
        ),
        Binding(
            "ctrl+q",
            "app.quit",
            "Quit",
            key_display="^q",
            priority=True,
            id="picker-quit",
            tooltip="Leave irsa-tui (in the picker, q types into the filter)",
        ),
        Binding(
            "tab",
            "next_pane",
            "Next pane",
            show=False,
            id="picker-next-pane",
            tooltip="Move to the next pane",
        ),
        Binding("f5", "reload", "Reload", id="picker-reload", tooltip="Reload the lists"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.context: str | None = None
        self.namespace: str | None = None

    @property
    def irsa(self) -> IrsaApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="breadcrumb", markup=False)
        with Horizontal(id="panes"):
            yield FilterList("1 Cluster (kube context)", "filter contexts…", id="contexts")
            yield FilterList("2 Namespace", "filter or type…", allow_typed=True, id="namespaces")
            yield FilterList("3 Pod   ◆ = has a role", "filter pods…", id="pods")
        yield Footer()

    def on_mount(self) -> None:
        self.context = self.irsa.context
        self.namespace = self.irsa.namespace
        self.sub_title = "pick a pod"
        self.update_breadcrumb()
        self.load_contexts()
        self.query_one("#contexts", FilterList).focus_filter()

    def update_breadcrumb(self) -> None:
        parts = [self.context or "(current context)", self.namespace or "…", "…"]
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
        self._pods_worker(context, namespace)

    @work(thread=True, exclusive=True, group="pods")
    def _pods_worker(self, context: str | None, namespace: str) -> None:
        try:
            self.post_message(PodsLoaded(context, namespace, self.irsa.backend.list_pods(context, namespace)))
        except BackendError as exc:
            self.post_message(ListFailed("pods", str(exc), exc.forbidden))
        except Exception as exc:
            self.post_message(ListFailed("pods", f"{type(exc).__name__}: {exc}"))

    # --- results ------------------------------------------------------------------------------
    @on(ContextsLoaded)
    def _contexts_loaded(self, message: ContextsLoaded) -> None:
        contexts = message.contexts
        self.irsa.contexts = {c.name: c for c in contexts}
        if self.context is None:
            self.context = next((c.name for c in contexts if c.current), None)
        self.pane("contexts").set_items([context_item(c) for c in contexts], highlight=self.context)
        if self.context is not None and any(c.name == self.context for c in contexts):
            self.select_context(self.context, focus=False)

    @on(NamespacesLoaded)
    def _namespaces_loaded(self, message: NamespacesLoaded) -> None:
        if message.context != self.context:
            return
        items = [Item(key=ns, prompt=ns, value=ns) for ns in message.namespaces]
        self.pane("namespaces").set_items(items, highlight=self.namespace)
        if self.namespace in message.namespaces:
            self.load_pods(self.context, self.namespace)

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
        self.context = name
        self.irsa.context = name
        self.update_breadcrumb()
        self.load_namespaces(name)
        if focus:
            self.pane("namespaces").focus_filter()

    @on(FilterList.Selected, "#contexts")
    def _context_picked(self, event: FilterList.Selected) -> None:
        self.select_context(str(event.value))

    @on(FilterList.Selected, "#namespaces")
    def _namespace_picked(self, event: FilterList.Selected) -> None:
        self.namespace = str(event.value)
        self.irsa.namespace = self.namespace
        self.update_breadcrumb()
        self.load_pods(self.context, self.namespace)
        self.pane("pods").focus_filter()

    @on(FilterList.Selected, "#pods")
    def _pod_picked(self, event: FilterList.Selected) -> None:
        if self.namespace is None:
            return
        self.irsa.open_chain(self.namespace, str(event.value))

    def action_back(self) -> None:
        """Previous pane; in the first pane, leave the filter for its list, so ``q`` quits."""
        order = ["contexts", "namespaces", "pods"]
        focused = self.focused
        for n, name in enumerate(order):
            if focused is not None and self.pane(name) in focused.ancestors_with_self:
                if n > 0:
                    self.pane(order[n - 1]).focus_filter()
                elif focused is self.pane(name).input:
                    self.pane(name).options.focus()
                return

    def action_next_pane(self) -> None:
        order = ["contexts", "namespaces", "pods"]
        focused = self.focused
        for n, name in enumerate(order):
            if focused is not None and self.pane(name) in focused.ancestors_with_self:
                self.pane(order[(n + 1) % 3]).focus_filter()
                return
        self.pane("contexts").focus_filter()

    def action_reload(self) -> None:
        self.load_contexts()
