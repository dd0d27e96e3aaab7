"""Who may call what: principals and the permission classes GraphQL fields declare.

Three roles, each including the one before it::

    viewer    read the graph, findings, cost, jobs, ask questions
    operator  + start discoveries, manage schedules
    admin     + manage cloud accounts, users and API keys

A field says what it needs with ``permission_classes=[IsViewer]`` (or ``IsOperator`` / ``IsAdmin``).
The request's principal is set on the context by authentication (``Context.principal``); ``None``
means nobody signed in, and every protected field then refuses with a message saying how to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from strawberry.permission import BasePermission
from strawberry.types import Info

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")
_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (signed in with a bearer token) or an API key, and its role."""

    name: str
    role: Role
    via: Literal["jwt", "api_key", "local"] = field(metadata={"doc": "jwt, api_key or local (AIDISCOVER_AUTH=off)."})
    key_id: str | None = None  # the API key's id when via == "api_key"

    def can(self, role: Role) -> bool:
        return _RANK[self.role] >= _RANK[role]


class _Requires(BasePermission):
    role: ClassVar[Role]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        principal: Principal | None = getattr(info.context, "principal", None)
        if principal is None:
            self.message = (
                "not signed in: send an API key in the X-API-Key header, or a bearer token from the `login` mutation"
            )
            self.error_extensions = {"code": "UNAUTHENTICATED"}
            return False
        if not principal.can(self.role):
            self.message = f"{principal.name} has role {principal.role}; this needs role {self.role} or above"
            self.error_extensions = {"code": "FORBIDDEN"}
            return False
        return True


class IsViewer(_Requires):
    role = "viewer"


class IsOperator(_Requires):
    role = "operator"


class IsAdmin(_Requires):
    role = "admin"
