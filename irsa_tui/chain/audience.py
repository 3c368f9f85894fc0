"""The audience the chain's three sides must share (pure).

The token's ``aud`` (from the pod's projected volume), the IAM OIDC provider's client IDs and
the trust policy's ``<issuer>:aud`` condition must agree; the value itself is not fixed
(EKS: ``sts.amazonaws.com``; kOps: ``amazonaws.com``; self-managed webhooks: ``--token-audience``).
When two sides agree and the third differs, the third is the finding.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from irsa_tui.chain.facts import TOKEN_VOLUME, Facts, OidcProviderFacts, PodFacts, RoleFacts, TokenFacts

__all__ = ["AudienceSides", "audience_sides", "odd_side", "trust_audiences"]

Side = Literal["token", "provider", "trust"]


@dataclass(frozen=True)
class AudienceSides:
    token: tuple[str, ...]
    """The token's aud claim, else the projected volume's audience; empty when unknown."""
    provider: tuple[str, ...] | None
    """The provider's client IDs; None when the provider was not read."""
    trust: tuple[str, ...] | None
    """Values the trust policy's :aud conditions allow; None when unknown or unconditioned."""


def trust_audiences(policy_text: str, issuer_host_path: str | None = None) -> tuple[str, ...] | None:
    """Every value an Allow statement's ``…:aud`` condition names (any operator), or None when none does."""
    try:
        doc: Any = json.loads(policy_text)
    except ValueError:
        return None
    statements = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for stmt in statements if isinstance(statements, list) else []:
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow" or not isinstance(stmt.get("Condition"), dict):
            continue
        for block in stmt["Condition"].values():
            if not isinstance(block, dict):
                continue
            for key, values in block.items():
                name = str(key).lower()
                if not name.endswith(":aud"):
                    continue
                if issuer_host_path and name != f"{issuer_host_path.lower()}:aud":
                    continue
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str) and value not in found:
                        found.append(value)
    return tuple(found) or None


def audience_sides(facts: Facts) -> AudienceSides:
    token: tuple[str, ...] = ()
    issuer: str | None = None
    if isinstance(facts.token, TokenFacts):
        aud = facts.token.claims.get("aud")
        token = (aud,) if isinstance(aud, str) else tuple(str(a) for a in aud) if isinstance(aud, list) else ()
        iss = facts.token.claims.get("iss")
        issuer = iss if isinstance(iss, str) else None
    if not token and isinstance(facts.pod, PodFacts):
        for volume in facts.pod.volumes:
            if volume.name == TOKEN_VOLUME and volume.token is not None and volume.token.audience:
                token = (volume.token.audience,)
    provider = facts.provider.client_ids if isinstance(facts.provider, OidcProviderFacts) and facts.provider.arn else None
    host_path = issuer.split("://", 1)[-1].rstrip("/") if issuer else None
    trust = trust_audiences(facts.role.trust_policy, host_path) if isinstance(facts.role, RoleFacts) else None
    return AudienceSides(token, provider, trust)


def odd_side(sides: AudienceSides) -> tuple[Side, str] | None:
    """The side that differs while the other two agree, and the audience those two share."""
    token = set(sides.token)
    provider = set(sides.provider) if sides.provider is not None else None
    trust = set(sides.trust) if sides.trust is not None else None
    if provider is not None and trust is not None:
        shared = provider & trust
        if shared and token and not token & shared:
            return "token", sorted(shared)[0]
    if token and provider is not None and trust is not None and not token & provider and token & trust:
        return "provider", sorted(token & trust)[0]
    if token and trust is not None and not token & trust and provider is not None and token & provider:
        return "trust", sorted(token & provider)[0]
    return None
