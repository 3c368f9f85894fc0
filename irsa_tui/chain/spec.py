"""The typed interface of a link, and of a mechanism (an ordered list of links).

Every link module ends with ``SPEC = LinkSpec(...)``; a ``Mechanism`` lists specs in chain order
(``irsa_tui.chain.registry``). The UI, the code catalogue, the docs, the lab and the tests read the
specs instead of spelling link ids out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from irsa_tui.chain.facts import Facts
from irsa_tui.chain.model import LinkId, LinkResult

__all__ = ["Check", "LinkSpec", "Mechanism"]

Check = Callable[[Facts, Mapping[LinkId, LinkResult]], LinkResult]


@dataclass(frozen=True)
class LinkSpec:
    id: LinkId
    title: str
    """Human name: ``OIDC provider``."""
    short: str
    """A word or two for one-line flows: ``OIDC provider``, ``STS``."""
    needs: tuple[str, ...]
    """Facts fields the check reads: it is judged once every one is settled."""
    check: Check
    learn: str = ""
    """What this link does, for people learning the mechanism (learn mode)."""
    learn_what: str = ""
    """The thing this link is about, in a few words (learn mode's heading)."""


@dataclass(frozen=True)
class Mechanism:
    """How a pod gets AWS credentials, as an ordered chain of links."""

    id: str
    """Public id, the JSON's ``mechanism``: ``irsa``."""
    title: str
    links: tuple[LinkSpec, ...]
    """In chain order: a link may read the results of the links before it."""

    @property
    def link_ids(self) -> tuple[LinkId, ...]:
        return tuple(spec.id for spec in self.links)

    def spec(self, link: LinkId) -> LinkSpec:
        for spec in self.links:
            if spec.id is link:
                return spec
        raise KeyError(f"mechanism {self.id} has no link {link}")
