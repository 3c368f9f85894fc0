"""Does an explained error agree with the chain irsa-tui just walked? (pure)

The chain is given as ``{link id: status}`` (``pass``/``warn``/``fail``/``skip``/``error``), the
form every renderer has, so this module needs nothing from the chain model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from irsa_tui.explain.engine import Explanation

__all__ = ["Agreement", "agreement"]

Verdict = Literal["agrees", "disagrees", "unknown"]
_IDENTITY_LINKS = ("service-account", "injection")
_WHO = {
    "node-role": "the node's instance role",
    "static-keys": "an IAM user's access keys",
    "none": "no credentials at all",
}


@dataclass(frozen=True)
class Agreement:
    verdict: Verdict
    message: str
    link: str | None
    """The chain link to highlight: the one the error implicates, when the chain has it."""


def _first_failure(chain: Mapping[str, str]) -> str | None:
    return next((link for link, status in chain.items() if status == "fail"), None)


def agreement(error: Explanation, chain: Mapping[str, str]) -> Agreement:
    """Compare what the error shows with the chain's statuses (links in chain order)."""
    link = error.link if error.link in chain else None
    if not error.recognised:
        return Agreement("unknown", "irsa-tui does not know this error text: nothing to compare", None)
    first = _first_failure(chain)
    if error.mechanism in _WHO:
        who = _WHO[error.mechanism]
        broken = next((name for name in _IDENTITY_LINKS if chain.get(name) == "fail"), None)
        if broken is not None:
            return Agreement(
                "agrees",
                f"the error shows {who}, and the chain fails at {broken}: the pod does not get its IRSA "
                "identity, as the chain says",
                broken,
            )
        if chain.get("injection") == "pass":
            return Agreement(
                "disagrees",
                f"the chain gives this pod its IRSA role, but the error shows {who}: the container is not using "
                "the injected identity (static keys, a profile, or an SDK too old to read the token file)",
                "injection",
            )
        return Agreement("unknown", f"the error shows {who}; the chain could not confirm the injection", link)
    pod_identity_chain = any(link_id in chain for link_id in ("association", "agent", "eks-auth"))
    if error.mechanism == "pod-identity" and not pod_identity_chain:
        return Agreement(
            "disagrees",
            "the error comes from EKS Pod Identity, but this chain is the pod's IRSA chain: compare the pod's "
            "env (AWS_CONTAINER_CREDENTIALS_FULL_URI) with what the chain expects",
            link,
        )
    if error.link is None:
        return Agreement("unknown", "the error does not say which link failed: nothing to compare", None)
    if link is None:
        return Agreement("unknown", f"the error implicates {error.link}, which this chain does not walk", None)
    status = chain[link]
    if status == "fail":
        return Agreement("agrees", f"the chain fails at {link} too", link)
    if status == "pass":
        where = f"; it fails at {first}" if first else ""
        return Agreement(
            "disagrees",
            f"the chain just walked passes {link}{where}: the error is older than a fix, or comes from another "
            "pod, role or account (compare the ARNs)",
            link,
        )
    return Agreement("unknown", f"the chain could not judge {link} ({status})", link)
