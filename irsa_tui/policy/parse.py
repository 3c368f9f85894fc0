"""Parsing and validation of an IAM trust policy into plain frozen data.

Anything IAM would reject (or we cannot evaluate) raises ``PolicyError`` with one clear line;
hostile input (huge, deeply nested, odd types, NUL bytes) never raises anything else.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from irsa_tui.policy.errors import PolicyError, show
from irsa_tui.policy.operators import ParsedOperator, parse_operator

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "ConditionClause",
    "PolicyDocument",
    "Principal",
    "Statement",
    "parse_policy",
]

MAX_DOCUMENT_CHARS = 131_072
"""IAM caps trust policies at 2048 characters by default (quota up to 8192); far beyond is refused."""
MAX_ITEMS = 20_000
"""Cap on statements + values for Mapping input, which has no text size to check."""

VERSIONS = ("2012-10-17", "2008-10-17")
TOP_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition")
PRINCIPAL_TYPES = ("AWS", "Federated", "Service", "CanonicalUser")


class _JsonNumber:
    """A JSON number kept as its source text: condition values compare as text, never as floats."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass(frozen=True)
class Principal:
    wildcard: bool
    """``"Principal": "*"``."""
    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(type, values) in document order, e.g. ``(("Federated", ("arn:…",)),)``."""

    def values(self, kind: str) -> tuple[str, ...]:
        return tuple(v for k, vals in self.entries if k == kind for v in vals)

    @property
    def any_web_identity(self) -> bool:
        """``*`` or ``{"AWS": "*"}``: matches every principal, web identities included."""
        return self.wildcard or "*" in self.values("AWS")

    def all_values(self) -> tuple[str, ...]:
        if self.wildcard:
            return ("*",)
        return tuple(f"{k}:{v}" for k, vals in self.entries for v in vals)


@dataclass(frozen=True)
class ConditionClause:
    operator: ParsedOperator
    key: str
    """As written in the policy."""
    values: tuple[str, ...]
    """Policy values as text (``true`` -> ``"true"``); empty tuple matches nothing."""


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]
    principal: Principal | None
    not_principal: Principal | None
    action: tuple[str, ...] | None
    not_action: tuple[str, ...] | None
    conditions: tuple[ConditionClause, ...]
    notes: tuple[str, ...] = ()
    """Context-free warnings found while parsing (operator spelling, ForAllValues...)."""


@dataclass(frozen=True)
class PolicyDocument:
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...] = field(default=())


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_ITEMS

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise PolicyError(f"trust policy is too large to evaluate (more than {MAX_ITEMS} values)")


def _type_name(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | _JsonNumber):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PolicyError(f"trust policy has duplicate key {show(key)} (IAM rejects duplicate keys)")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise PolicyError(f"trust policy is not valid JSON: {name} is not a JSON value")


def _load_text(text: str) -> Any:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise PolicyError(
            f"trust policy is {len(text)} characters; refusing more than {MAX_DOCUMENT_CHARS} "
            "(IAM allows at most 8192)"
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs_hook,
            parse_int=_JsonNumber,
            parse_float=_JsonNumber,
            parse_constant=_reject_constant,
        )
    except PolicyError:
        raise
    except json.JSONDecodeError as err:
        raise PolicyError(f"trust policy is not valid JSON: {err}") from None
    except RecursionError:
        raise PolicyError("trust policy is nested too deeply to be a policy") from None
    except (ValueError, TypeError) as err:
        raise PolicyError(f"trust policy is not valid JSON: {err}") from None


def _check_keys(obj: Mapping[Any, Any], allowed: Sequence[str], where: str) -> None:
    for key in obj:
        if not isinstance(key, str):
            raise PolicyError(f"{where} has a non-string key {show(key)}")
        if key not in allowed:
            lowered = {a.lower(): a for a in allowed}
            if key.lower() in lowered:
                raise PolicyError(f"{where} has key {show(key)}; IAM spells it {lowered[key.lower()]!r}")
            extra = " (trust policies may not name a Resource)" if key in ("Resource", "NotResource") else ""
            raise PolicyError(f"{where} has unknown key {show(key)}{extra}; allowed: {', '.join(allowed)}")


def _text(value: Any, where: str) -> str:
    """A condition value as its JSON text: strings as is, ``true`` -> ``"true"``, ``5`` -> ``"5"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _JsonNumber):
        return value.text
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:
            raise PolicyError(f"{where}: number is too large") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PolicyError(f"{where}: {value!r} is not a JSON number")
        return repr(value)
    raise PolicyError(f"{where} must be a string, number or boolean, got {_type_name(value)}")


def _strings(value: Any, where: str, budget: _Budget) -> tuple[str, ...]:
    """A string or a list of strings (Action, Principal values)."""
    if isinstance(value, str):
        budget.spend()
        return (value,)
    if isinstance(value, list | tuple):
        budget.spend(len(value) + 1)
        out: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise PolicyError(f"{where} must be a string or a list of strings, found {_type_name(item)}")
            out.append(item)
        return tuple(out)
    raise PolicyError(f"{where} must be a string or a list of strings, got {_type_name(value)}")


def _principal(value: Any, where: str, budget: _Budget) -> Principal:
    if isinstance(value, str):
        if value == "*":
            return Principal(wildcard=True)
        raise PolicyError(
            f'{where} must be "*" or an object like {{"Federated": "arn:…"}}, got the string {show(value)}'
        )
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where} must be an object, got {_type_name(value)}")
    _check_keys(value, PRINCIPAL_TYPES, where)
    entries = tuple((kind, _strings(vals, f"{where}.{kind}", budget)) for kind, vals in value.items())
    return Principal(wildcard=False, entries=entries)


def _conditions(value: Any, where: str, budget: _Budget) -> tuple[tuple[ConditionClause, ...], list[str]]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where} must be an object of operators, got {_type_name(value)}")
    clauses: list[ConditionClause] = []
    notes: list[str] = []
    for op_name, block in value.items():
        if not isinstance(op_name, str):
            raise PolicyError(f"{where} has a non-string operator {show(op_name)}")
        parsed = parse_operator(op_name)
        if parsed.canonical != op_name:
            notes.append(f"operator {show(op_name)} is not spelled the usual way ({parsed.canonical!r})")
        if not isinstance(block, Mapping):
            raise PolicyError(
                f"{where}.{op_name} must be an object of condition keys, got {_type_name(block)}"
            )
        for key, raw in block.items():
            if not isinstance(key, str):
                raise PolicyError(f"{where}.{op_name} has a non-string condition key {show(key)}")
            if not key:
                raise PolicyError(f"{where}.{op_name} has an empty condition key")
            at = f"{where}.{op_name}[{show(key)}]"
            if isinstance(raw, list | tuple):
                budget.spend(len(raw) + 1)
                values = tuple(_text(item, at) for item in raw)
            else:
                budget.spend()
                values = (_text(raw, at),)
            if parsed.operator.name == "Null" and any(v.lower() not in ("true", "false") for v in values):
                raise PolicyError(f"{at}: Null takes 'true' or 'false', got {show(list(values))}")
            clauses.append(ConditionClause(parsed, key, values))
            if parsed.qualifier == "ForAllValues" and not parsed.operator.negated:
                notes.append(
                    f"{parsed.canonical} on {show(key)} is also true when the key is absent or empty: "
                    "over-permissive in a trust policy; use plain StringEquals/StringLike"
                )
            if any("${" in v for v in values):
                notes.append(f"{show(key)} uses a policy variable '${{…}}'; it is compared literally here")
    return tuple(clauses), notes


def _statement(raw: Any, index: int, budget: _Budget) -> Statement:
    where = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where} must be an object, got {_type_name(raw)}")
    _check_keys(raw, STATEMENT_KEYS, where)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}.Sid must be a string, got {_type_name(sid)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        if effect is None:
            raise PolicyError(f"{where} has no Effect (must be 'Allow' or 'Deny')")
        if isinstance(effect, str) and effect.lower() in ("allow", "deny"):
            raise PolicyError(
                f"{where}.Effect must be exactly 'Allow' or 'Deny' (case matters), got {show(effect)}"
            )
        raise PolicyError(f"{where}.Effect must be 'Allow' or 'Deny', got {show(effect)}")
    if "Principal" in raw and "NotPrincipal" in raw:
        raise PolicyError(f"{where} has both Principal and NotPrincipal")
    if "Principal" not in raw and "NotPrincipal" not in raw:
        raise PolicyError(f"{where} has no Principal (a trust policy statement must name who may assume)")
    if "Action" in raw and "NotAction" in raw:
        raise PolicyError(f"{where} has both Action and NotAction")
    if "Action" not in raw and "NotAction" not in raw:
        raise PolicyError(f"{where} has no Action")
    principal = _principal(raw["Principal"], f"{where}.Principal", budget) if "Principal" in raw else None
    not_principal = (
        _principal(raw["NotPrincipal"], f"{where}.NotPrincipal", budget) if "NotPrincipal" in raw else None
    )
    action = _strings(raw["Action"], f"{where}.Action", budget) if "Action" in raw else None
    not_action = _strings(raw["NotAction"], f"{where}.NotAction", budget) if "NotAction" in raw else None
    conditions: tuple[ConditionClause, ...] = ()
    notes: list[str] = []
    if "Condition" in raw:
        conditions, notes = _conditions(raw["Condition"], f"{where}.Condition", budget)
    if not_principal is not None:
        notes.append(
            "IAM does not accept NotPrincipal in a role trust policy (nor ever with Allow); use Principal"
        )
    if not_action is not None and effect == "Allow":
        notes.append("NotAction with Allow allows every action it does not list; name the action instead")
    if effect == "Allow" and principal is not None and principal.any_web_identity:
        notes.append(
            'Principal "*" lets any identity that can call STS assume the role; name the OIDC provider'
        )
    return Statement(
        index=index,
        sid=sid,
        effect=effect,
        principal=principal,
        not_principal=not_principal,
        action=action,
        not_action=not_action,
        conditions=conditions,
        notes=tuple(notes),
    )


def parse_policy(document: str | Mapping[str, Any] | PolicyDocument) -> PolicyDocument:
    """Parse and validate a trust policy (JSON text or an already decoded mapping). Raises PolicyError."""
    if isinstance(document, PolicyDocument):
        return document
    if isinstance(document, bytes | bytearray):
        try:
            document = bytes(document).decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError("trust policy is not UTF-8 text") from None
    if isinstance(document, str):
        if not document.strip():
            raise PolicyError("trust policy is empty")
        data: Any = _load_text(document)
    else:
        data = document
    if not isinstance(data, Mapping):
        raise PolicyError(f"trust policy must be a JSON object, got {_type_name(data)}")
    _check_keys(data, TOP_KEYS, "trust policy")
    warnings: list[str] = []
    version = data.get("Version")
    if version is None:
        warnings.append(
            "no Version: IAM treats the policy as 2008-10-17, where policy variables are unsupported"
        )
    elif not isinstance(version, str) or version not in VERSIONS:
        raise PolicyError(
            f"Version must be '2012-10-17' (or the old '2008-10-17'), got {show(_plain(version))}"
        )
    elif version == "2008-10-17":
        warnings.append("Version 2008-10-17 is the old policy language: policy variables are unsupported")
    policy_id = data.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(f"Id must be a string, got {_type_name(policy_id)}")
    if "Statement" not in data:
        raise PolicyError("trust policy has no Statement")
    raw_statements = data["Statement"]
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    elif not isinstance(raw_statements, list | tuple):
        raise PolicyError(
            f"Statement must be an object or a list of objects, got {_type_name(raw_statements)}"
        )
    budget = _Budget()
    budget.spend(len(raw_statements))
    statements = tuple(_statement(raw, i, budget) for i, raw in enumerate(raw_statements))
    if not statements:
        warnings.append("Statement is empty: the policy allows nothing")
    sid_counts = Counter(s.sid for s in statements if s.sid)
    duplicates = sorted(sid for sid, n in sid_counts.items() if n > 1)
    if duplicates:
        warnings.append(f"Sid values must be unique; repeated: {', '.join(show(s) for s in duplicates)}")
    return PolicyDocument(version=version, id=policy_id, statements=statements, warnings=tuple(warnings))


def _plain(value: Any) -> Any:
    return value.text if isinstance(value, _JsonNumber) else value
