"""Paged Resource Graph queries: the tables discovery reads, every page, many subscriptions per query.

``ResourceGraphClient.resources`` returns one page; the loop follows ``$skipToken`` until it is absent.
Subscriptions go into each request in chunks of 1000 (Resource Graph's limit per query).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

log = logging.getLogger(__name__)

ArmRow = Mapping[str, Any]  # one objectArray row: JSON as Resource Graph returns it

CONTAINERS_QUERY = (
    "ResourceContainers | where type in~ ('microsoft.resources/subscriptions', "
    "'microsoft.resources/subscriptions/resourcegroups') | order by id asc"
)
RESOURCES_QUERY = "Resources | order by id asc"
ROLE_ASSIGNMENTS_QUERY = (
    "AuthorizationResources | where type =~ 'microsoft.authorization/roleassignments' | order by id asc"
)
ROLE_DEFINITIONS_QUERY = (
    "AuthorizationResources | where type =~ 'microsoft.authorization/roledefinitions' | order by id asc"
)
MAX_SUBSCRIPTIONS_PER_QUERY = 1000


@dataclass(frozen=True)
class AzurePayload:
    """What one Azure discovery read: containers, resources, role assignments and the role definitions
    that name them."""

    containers: tuple[ArmRow, ...]
    resources: tuple[ArmRow, ...]
    role_assignments: tuple[ArmRow, ...]
    role_definitions: tuple[ArmRow, ...] = ()


def query_all(
    client: ResourceGraphClient,
    query: str,
    subscriptions: Sequence[str],
    page_size: int,
    enforce_https: bool = True,
) -> list[ArmRow]:
    """Every row ``query`` returns across ``subscriptions`` (empty: every subscription the caller sees)."""
    chunks = [
        list(subscriptions[i : i + MAX_SUBSCRIPTIONS_PER_QUERY])
        for i in range(0, len(subscriptions), MAX_SUBSCRIPTIONS_PER_QUERY)
    ] or [[]]
    rows: list[ArmRow] = []
    for chunk in chunks:
        skip_token: str | None = None
        pages = 0
        while True:
            request = QueryRequest(
                subscriptions=chunk or None,
                query=query,
                options=QueryRequestOptions(top=page_size, skip_token=skip_token, result_format="objectArray"),
            )
            response = client.resources(request, enforce_https=enforce_https)
            data: list[Any] = response.data if isinstance(response.data, list) else []
            rows.extend(row for row in data if isinstance(row, Mapping))
            pages += 1
            skip_token = response.skip_token
            if not skip_token:
                break
        log.debug("resource graph %r: %s rows in %s page(s)", query.split("|", 1)[0].strip(), len(rows), pages)
    return rows


def fetch_azure(
    client: ResourceGraphClient, subscriptions: Sequence[str], page_size: int, enforce_https: bool = True
) -> AzurePayload:
    """Read the containers, resources, role assignments and role definitions of the subscriptions."""
    return AzurePayload(
        containers=tuple(query_all(client, CONTAINERS_QUERY, subscriptions, page_size, enforce_https)),
        resources=tuple(query_all(client, RESOURCES_QUERY, subscriptions, page_size, enforce_https)),
        role_assignments=tuple(query_all(client, ROLE_ASSIGNMENTS_QUERY, subscriptions, page_size, enforce_https)),
        role_definitions=tuple(query_all(client, ROLE_DEFINITIONS_QUERY, subscriptions, page_size, enforce_https)),
    )
