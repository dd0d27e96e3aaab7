"""GraphQL: registered cloud accounts. Reading needs the viewer role, registering and removing admin.

Secrets go in (``secret`` of the input) and never come out: the types carry ``hasSecret`` only.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsAdmin, IsViewer
from core.settings import Settings, load_settings
from ingest.accounts.model import AccountSpec, CloudAccount
from ingest.accounts.store import account_views, register_account, remove_account


def context_settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


@strawberry.type(description="A registered AWS account, Azure subscription or GCP project (secrets never shown).")
class RegisteredAccount:
    id: strawberry.ID = strawberry.field(description="'<provider>:<account id>'.")
    provider: str
    account_id: str
    name: str
    auth_method: str = strawberry.field(
        description="profile | role | service_principal | managed_identity | service_account_key | workload_identity"
    )
    profile: str | None
    role_arn: str | None
    tenant_id: str | None
    client_id: str | None
    regions: list[str]
    has_secret: bool = strawberry.field(description="Whether an encrypted secret is stored (it is never returned).")
    created_at: datetime | None


def to_view(a: CloudAccount) -> RegisteredAccount:
    return RegisteredAccount(
        id=strawberry.ID(a.id),
        provider=a.provider,
        account_id=a.account_id,
        name=a.name,
        auth_method=a.auth_method,
        profile=a.profile or None,
        role_arn=a.role_arn or None,
        tenant_id=a.tenant_id or None,
        client_id=a.client_id or None,
        regions=list(a.regions),
        has_secret=a.has_secret,
        created_at=a.created_at,
    )


@strawberry.input(description="A cloud account to register and how to authenticate to it.")
class CloudAccountInput:
    provider: str = strawberry.field(description="aws | azure | gcp")
    auth_method: str
    account_id: str | None = None
    name: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    regions: list[str] | None = None
    secret: str | None = strawberry.field(
        default=None, description="AWS external id, Azure client secret or GCP key JSON; stored encrypted."
    )


@strawberry.type
class AccountRemoval:
    id: strawberry.ID
    schedules_removed: int
    resources_purged: int


@strawberry.type
class AccountQuery:
    @strawberry.field(description="Registered cloud accounts.", permission_classes=[IsViewer])
    async def cloud_accounts(self, info: Info[Context, None], provider: str | None = None) -> list[RegisteredAccount]:
        accounts = await asyncio.to_thread(account_views, info.context.graph, provider)
        return [to_view(a) for a in accounts]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Register a cloud account (admin).", permission_classes=[IsAdmin])
    async def register_cloud_account(self, info: Info[Context, None], input: CloudAccountInput) -> RegisteredAccount:
        spec = AccountSpec(
            provider=input.provider,
            auth_method=input.auth_method,
            account_id=input.account_id or "",
            name=input.name or "",
            profile=input.profile or "",
            role_arn=input.role_arn or "",
            tenant_id=input.tenant_id or "",
            client_id=input.client_id or "",
            regions=tuple(input.regions or ()),
            secret=input.secret or None,
        )
        account = await asyncio.to_thread(register_account, info.context.graph, context_settings(info).accounts, spec)
        return to_view(account)

    @strawberry.mutation(
        description="Unregister a cloud account (admin); its discovered resources stay unless purge is true.",
        permission_classes=[IsAdmin],
    )
    async def remove_cloud_account(self, info: Info[Context, None], id: str, purge: bool = False) -> AccountRemoval:
        removal = await asyncio.to_thread(remove_account, info.context.graph, id, purge)
        return AccountRemoval(
            id=strawberry.ID(removal.account),
            schedules_removed=removal.schedules,
            resources_purged=removal.purged_nodes,
        )
