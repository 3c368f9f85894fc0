"""Pure IAM trust-policy evaluator for ``sts:AssumeRoleWithWebIdentity`` (no I/O, no AWS SDK).

``evaluate`` decides like STS and explains each statement; ``weak_allow_statements`` finds Allow
statements that trust more than one service account.
"""

from irsa_tui.policy.errors import PolicyError
from irsa_tui.policy.evaluate import (
    Evaluation,
    Mismatch,
    RequestContext,
    StatementResult,
    WeakAllow,
    WeakReason,
    evaluate,
    weak_allow_statements,
)
from irsa_tui.policy.parse import ConditionClause, PolicyDocument, Principal, Statement, parse_policy

__all__ = [
    "ConditionClause",
    "Evaluation",
    "Mismatch",
    "PolicyDocument",
    "PolicyError",
    "Principal",
    "RequestContext",
    "Statement",
    "StatementResult",
    "WeakAllow",
    "WeakReason",
    "evaluate",
    "parse_policy",
    "weak_allow_statements",
]
