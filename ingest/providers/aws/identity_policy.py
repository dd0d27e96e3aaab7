"""IAM policy documents, read purely: statements as rows, and what a role's trust policy lets in.

boto3 hands documents over already decoded (a dict); the raw API gives URL-encoded JSON, and a
recorded payload may hold either. Anything that is not a readable document is treated as empty.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from graph.rows import NodeRow

log = logging.getLogger(__name__)

_ACCOUNT_ID = re.compile(r"^\d{12}$")


def parse_document(document: object) -> Mapping[str, object] | None:
    """A policy document as a mapping: from a dict, JSON, or URL-encoded JSON; None when unreadable."""
    if isinstance(document, Mapping):
        return {str(k): v for k, v in document.items()}
    if isinstance(document, str):
        for text in (document, unquote(document)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            if isinstance(parsed, Mapping):
                return {str(k): v for k, v in parsed.items()}
        log.warning("unreadable policy document (%s characters); kept as empty", len(document))
    return None


def document_json(document: Mapping[str, object] | None) -> str | None:
    """The document as canonical JSON (sorted keys), so unchanged documents compare equal across syncs."""
    return None if document is None else json.dumps(document, sort_keys=True, separators=(",", ":"))


def statements(document: Mapping[str, object] | None) -> list[Mapping[str, object]]:
    """The document's statements: ``Statement`` may be one object or a list; non-objects are skipped."""
    raw = (document or {}).get("Statement")
    items: Sequence[object] = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    return [{str(k): v for k, v in item.items()} for item in items if isinstance(item, Mapping)]


def strings(value: object) -> tuple[str, ...]:
    """A string-or-list element as a tuple of strings (order kept)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return ()


def _condition_json(condition: object) -> str | None:
    """A Condition block as canonical JSON, so an unchanged condition compares equal across syncs."""
    if not isinstance(condition, Mapping) or not condition:
        return None
    return json.dumps(condition, sort_keys=True, separators=(",", ":"), default=str)


def statement_rows(policy_id: str, document: Mapping[str, object] | None, account: str, region: str) -> list[NodeRow]:
    """One IAMPolicyStatement row per statement. Ids use the Sid when it is present and unique, else the index."""
    items = statements(document)
    sids = [str(s.get("Sid") or "") for s in items]
    rows = []
    for index, (stmt, sid) in enumerate(zip(items, sids, strict=True)):
        key = sid if sid and sids.count(sid) == 1 else str(index)
        effect = str(stmt.get("Effect", ""))
        actions = strings(stmt.get("Action"))
        resources = strings(stmt.get("Resource"))
        props = {
            "account": account,
            "region": region,
            "policy_arn": policy_id,
            "sid": sid or None,
            "index": index,
            "effect": effect or None,
            "actions": actions or None,
            "not_actions": strings(stmt.get("NotAction")) or None,
            "resources": resources or None,
            "not_resources": strings(stmt.get("NotResource")) or None,
            "has_condition": bool(stmt.get("Condition")),
            "condition": _condition_json(stmt.get("Condition")),
            "is_admin": effect == "Allow" and "*" in actions and "*" in resources,
        }
        rows.append(NodeRow("IAMPolicyStatement", f"{policy_id}/statement/{key}", props))
    return rows


@dataclass(frozen=True)
class Trust:
    """What a role's trust policy allows to assume it."""

    principals: tuple[str, ...]
    any_principal: bool
    foreign_accounts: tuple[str, ...]
    has_condition: bool


def _principal_entries(principal: object) -> Iterable[tuple[str, str]]:
    if principal == "*":
        yield "*", "*"
    elif isinstance(principal, Mapping):
        for kind, values in principal.items():
            for value in strings(values):
                yield str(kind), value


def account_of(aws_principal: str) -> str | None:
    """The account an ``AWS`` principal belongs to: a bare account id or the 5th field of an ARN."""
    if _ACCOUNT_ID.match(aws_principal):
        return aws_principal
    parts = aws_principal.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and _ACCOUNT_ID.match(parts[4]):
        return parts[4]
    return None


def trust_of(document: Mapping[str, object] | None, account: str) -> Trust:
    """Principals of the Allow statements. ``NotPrincipal`` with Allow trusts everyone but the listed: any."""
    principals: list[str] = []
    foreign: list[str] = []
    any_principal = False
    has_condition = False
    for stmt in statements(document):
        if stmt.get("Effect") != "Allow":
            continue
        has_condition = has_condition or bool(stmt.get("Condition"))
        if "NotPrincipal" in stmt:
            any_principal = True
        for kind, value in _principal_entries(stmt.get("Principal")):
            if value == "*":
                any_principal = True
            label = "*" if kind == "*" else f"{kind}:{value}"
            if label not in principals:
                principals.append(label)
            other = account_of(value) if kind == "AWS" else None
            if other and other != account and other not in foreign:
                foreign.append(other)
    return Trust(tuple(principals), any_principal, tuple(foreign), has_condition)
