"""GraphQL: registered cloud accounts. Reading needs the viewer role, registering and removing admin.

Secrets go in (``secret`` of the input) and never come out: the types carry ``hasSecret`` only.
"""

from __future__ import annotations

import asyncio
import dataclasses

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsAdmin, IsViewer
from app.api.records import Shape, derive, empty_as_null, to_graphql
from core.settings import Settings, load_settings
from ingest.accounts.model import AccountSpec, CloudAccount
from ingest.accounts.store import Removal, account_views, register_account, remove_account


def context_settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


_UNSET_AS_NULL = ("profile", "role_arn", "tenant_id", "client_id")
RegisteredAccount = derive(
    Shape(
        CloudAccount,
        name="RegisteredAccount",
        description="A registered AWS account, Azure subscription or GCP project (secrets never shown).",
        fields=("id", *(f.name for f in dataclasses.fields(CloudAccount) if f.name != "secret")),
        exclude={"secret": "a secret never leaves the server: has_secret says whether one is stored"},
        types=dict.fromkeys(_UNSET_AS_NULL, str | None),
        convert=dict.fromkeys(_UNSET_AS_NULL, empty_as_null),
    )
)


def to_view(a: CloudAccount) -> object:
    return to_graphql(a)


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


AccountRemoval = derive(
    Shape(
        Removal,
        name="AccountRemoval",
        rename={"account": "id", "schedules": "schedules_removed", "purged_nodes": "resources_purged"},
    )
)


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="Registered cloud accounts.",
        permission_classes=[IsViewer],
        graphql_type=list[RegisteredAccount],  # type: ignore[valid-type]
    )
    async def cloud_accounts(self, info: Info[Context, None], provider: str | None = None) -> object:
        accounts = await asyncio.to_thread(account_views, info.context.graph, provider)
        return [to_view(a) for a in accounts]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Register a cloud account (admin).", permission_classes=[IsAdmin], graphql_type=RegisteredAccount
    )
    async def register_cloud_account(self, info: Info[Context, None], input: CloudAccountInput) -> object:
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
        graphql_type=AccountRemoval,
    )
    async def remove_cloud_account(self, info: Info[Context, None], id: str, purge: bool = False) -> object:
        return to_graphql(await asyncio.to_thread(remove_account, info.context.graph, id, purge))
