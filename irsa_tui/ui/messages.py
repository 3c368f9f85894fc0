"""Messages that carry worker results back to the UI thread (posted from threads)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from irsa_tui.chain.model import ChainResult, LinkResult

__all__ = [
    "CallChanged",
    "ChainFailed",
    "ChainFinished",
    "ContextsLoaded",
    "IdentityPodsLoaded",
    "LinkArrived",
    "ListFailed",
    "NamespacesLoaded",
    "PodsLoaded",
]


@dataclass
class ContextsLoaded(Message):
    """Every context of the kubeconfig (``ContextInfo`` objects)."""

    contexts: list[Any]


@dataclass
class NamespacesLoaded(Message):
    context: str | None
    namespaces: list[str]


@dataclass
class PodsLoaded(Message):
    context: str | None
    in_namespace: str
    pods: list[Any]
    """``PodSummary`` objects."""


@dataclass
class IdentityPodsLoaded(Message):
    """Pods whose service account carries a role, from every namespace of a context (roles first)."""

    context: str | None
    pods: list[Any]
    unreadable: int
    """Namespaces whose pods could not be listed (forbidden, timeout): said, not hidden."""


@dataclass
class ListFailed(Message):
    """A list could not load; ``message`` is the SourceError one-liner."""

    what: str
    """``contexts``, ``namespaces`` or ``pods``."""
    message: str
    forbidden: bool = False


@dataclass
class LinkArrived(Message):
    """One link's result is final (or changed): shown as it arrives."""

    run: int
    result: LinkResult


@dataclass
class CallChanged(Message):
    """A network call started (``started``) or ended."""

    run: int
    name: str
    started: bool


@dataclass
class ChainFinished(Message):
    run: int
    result: ChainResult


@dataclass
class ChainFailed(Message):
    """A usage error (unknown context, pod not found) or an unexpected fault, in one line."""

    run: int
    message: str
