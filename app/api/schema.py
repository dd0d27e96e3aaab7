"""The Strawberry schema: queries over the graph, typed from the schema declaration.

Expected failures (bad cursor, unknown kind, Neo4j down) reach clients with their one-line message;
anything else is masked as "Unexpected error." and logged with its traceback.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info
from strawberry.types.nodes import SelectedField

from app.api.accounts import AccountMutation, AccountQuery
from app.api.analysis import AnalysisQuery, to_filter, to_sort
from app.api.analysis_types import ResourceSortInput
from app.api.ask import AskQuery, AskSubscription
from app.api.auth_api import AuthMutation, AuthQuery
from app.api.context import Context
from app.api.cost import CostQuery
from app.api.dependencies_api import DependencyQuery
from app.api.error_codes import ErrorCodes, is_unexpected
from app.api.findings import FindingMutation, FindingQuery
from app.api.generated import NODE_TYPES, to_graphql
from app.api.history import HistoryQuery
from app.api.jobs import JobMutation, JobQuery, JobSubscription
from app.api.limits import MAX_DEPTH, QueryLimits
from app.api.notifications import NotificationMutation, NotificationQuery
from app.api.permissions import IsViewer
from app.api.records import Shape, derive
from app.api.records import to_graphql as record_object
from app.api.schedules import ScheduleMutation, ScheduleQuery
from app.api.schema_access import SuggestionFilter
from app.api.types import (
    PageInfo,
    Resource,
    ResourceConnection,
    ResourceEdge,
    ResourceFilterInput,
    nested_neighbor_query,
)
from app.observability.metrics import MetricsExtension
from core.errors import QueryInputError
from graph.schema import SCHEMA, NodeKind
from queries.resources import Neighbor as NeighborRecord
from queries.resources import (
    ResourcePage,
    count_resources,
    get_resource,
    neighbors,
    search_resources,
)

log = logging.getLogger(__name__)
SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
__all__ = ["MAX_DEPTH", "SCHEMA_FILE", "build_schema", "export_sdl", "schema"]


_DECLARATION = "part of the schema declaration that analysis reads, not shown"
KindInfo = derive(
    Shape(
        NodeKind,
        name="KindInfo",
        description="A node kind declared in the schema.",
        fields=("label", "provider", "service", "description", "resource"),
        exclude=dict.fromkeys(
            ("properties", "entry_point", "data_store", "hidden", "billing", "provider_types", "iam_prefixes"),
            _DECLARATION,
        ),
    )
)


def _as_resource(node: object) -> Resource:
    if not isinstance(node, Resource):
        raise TypeError(f"{type(node).__name__} is not a Resource")
    return node


@strawberry.type
class ResourceQuery:
    @strawberry.field(
        description="Resources matching `filter`, ordered by id (or `sort`); page with `first` and `after`.",
        permission_classes=[IsViewer],
    )
    async def resources(
        self,
        info: Info[Context, None],
        filter: ResourceFilterInput | None = None,
        first: int = 50,
        after: str | None = None,
        sort: ResourceSortInput | None = None,
    ) -> ResourceConnection:
        graph, flt = info.context.graph, to_filter(filter)
        selected = info.selected_fields[0]
        nested = nested_neighbor_query(selected) if isinstance(selected, SelectedField) else None

        def read() -> tuple[ResourcePage, dict[tuple[str, str], list[NeighborRecord]] | None]:
            page = search_resources(graph, flt, first, after, to_sort(sort), with_total=False)
            if nested is None or not page.items:
                return page, None
            try:  # the page's neighbours in the same thread, before any field asks for them
                return page, neighbors(graph, [(r.kind, r.id) for r in page.items], nested)
            except QueryInputError:  # bad neighbour arguments: the neighbors fields report it
                return page, None

        page, found = await asyncio.to_thread(read)
        if nested is not None and found is not None:
            info.context.prime_neighbors(nested, found)
        edges = [
            ResourceEdge(cursor=c, node=_as_resource(to_graphql(r)))
            for r, c in zip(page.items, page.cursors, strict=True)
        ]
        return ResourceConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            count=functools.partial(count_resources, graph, flt),
        )

    @strawberry.field(description="One resource by id, or null.", permission_classes=[IsViewer])
    async def resource(self, info: Info[Context, None], id: strawberry.ID) -> Resource | None:
        record = await asyncio.to_thread(get_resource, info.context.graph, str(id))
        return _as_resource(to_graphql(record)) if record else None

    @strawberry.field(
        description="Every node kind the graph schema declares.",
        permission_classes=[IsViewer],
        graphql_type=list[KindInfo],  # type: ignore[valid-type]
    )
    def kinds(self) -> object:
        return [record_object(k) for k in SCHEMA.nodes]


class _Schema(strawberry.Schema):
    """Logs expected errors as one line; only unexpected ones get a traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = []
        for error in errors:
            if is_unexpected(error):
                unexpected.append(error)
            else:
                log.info("GraphQL request refused: %s", error.message)
        if unexpected:
            super().process_errors(unexpected, execution_context)


# Each area of the API declares its own root-field classes in its own module; they are merged here.
# Add a class to the matching tuple to expose its fields (keep one area per module).
QUERIES: tuple[type, ...] = (
    ResourceQuery,
    AuthQuery,
    AccountQuery,
    ScheduleQuery,
    NotificationQuery,
    CostQuery,
    JobQuery,
    HistoryQuery,
    AnalysisQuery,
    DependencyQuery,
    FindingQuery,
    AskQuery,
)
MUTATIONS: tuple[type, ...] = (
    AuthMutation,
    AccountMutation,
    ScheduleMutation,
    NotificationMutation,
    JobMutation,
    FindingMutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (JobSubscription, AskSubscription)


def build_schema() -> strawberry.Schema:
    query = merge_types("Query", QUERIES)
    mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
    subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None
    return _Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(NODE_TYPES.values()),
        extensions=[
            QueryLimits,  # depth, aliases, tokens, cost (app/api/limits.py)
            ErrorCodes,  # every error gets extensions.code; unexpected ones are masked
            SuggestionFilter,  # no "Did you mean" for callers who may not see the schema (app/api/schema_access.py)
            MetricsExtension,
        ],
    )


schema = build_schema()


def export_sdl() -> str:
    """The schema in GraphQL SDL, as committed in app/api/schema.graphql (`make schema` rewrites it)."""
    return schema.as_str() + "\n"
