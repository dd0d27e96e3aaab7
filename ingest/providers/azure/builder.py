"""The row builder every Azure transform writes into, and the id and property helpers they share (pure).

Ids are lower-cased everywhere (ARM ids are case-insensitive; payloads disagree on case). An edge
whose target's label is only known from the rows is emitted only when the target is among them;
otherwise it is recorded as unresolved, never invented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from graph.rows import EdgeRow, NodeRow, PropValue
from graph.schema import SCHEMA
from graph.tags import tags_from_map
from ingest.providers.azure.props import as_list, get, lid, strings
from ingest.providers.azure.query import ArmRow
from ingest.providers.references import Unresolved

__all__ = [
    "GLOBAL",
    "LABEL_BY_TYPE",
    "PRIVATE_LINK_TARGETS",
    "RESOURCE_GROUP_TYPE",
    "SUBSCRIPTION_TYPE",
    "Builder",
    "EdgeFn",
    "account_of",
    "arm_row",
    "backend_target",
    "base_props",
    "label_for",
    "parent_id",
    "region_of",
    "resource_group_id",
    "tag_tuple",
]

GLOBAL = "global"

# Declared on the kinds (NodeKind.provider_types, lower-case); any other type becomes AzureResource.
LABEL_BY_TYPE: Mapping[str, str] = SCHEMA.provider_types("azure")
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
RESOURCE_GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups"
PRIVATE_LINK_TARGETS = frozenset(
    {"AzureStorageAccount", "AzureSqlServer", "AzureKeyVault", "AzureCosmosDBAccount", "AzureWebApp", "AzureResource"}
)


def label_for(resource_type: str) -> str:
    return LABEL_BY_TYPE.get(resource_type.lower(), "AzureResource")


def tag_tuple(tags: object) -> tuple[str, ...]:
    return tags_from_map(tags)


def parent_id(child_id: str, segment: str) -> str:
    """The id before ``/<segment>/`` (case-insensitive), e.g. a NIC's id from one of its ipConfiguration ids."""
    lowered = child_id.lower()
    cut = lowered.find(f"/{segment.lower()}/")
    return lowered[:cut] if cut > 0 else lowered


def backend_target(ip_configuration_id: str) -> tuple[str, str]:
    """What a backend IP configuration id stands for: its NIC, or for a scale-set instance NIC
    (``.../virtualMachineScaleSets/<s>/virtualMachines/<i>/networkInterfaces/<n>/ipConfigurations/<c>``,
    never a node of its own) the scale set."""
    nic = parent_id(ip_configuration_id, "ipconfigurations")
    if "/virtualmachinescalesets/" in nic and "/virtualmachines/" in nic:
        return "AzureVirtualMachineScaleSet", parent_id(nic, "virtualmachines")
    return "AzureNetworkInterface", nic


class Builder:
    """Accumulates rows; knows which label each id was written with."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = []
        self.edges: list[EdgeRow] = []
        self.labels: dict[str, str] = {}
        self.dropped: list[Unresolved] = []  # references whose target's kind is only known from the rows
        self.principals: dict[str, tuple[str, str | None]] = {}  # principal id -> (account, principal type)

    def node(self, label: str, id_: str, props: Mapping[str, PropValue]) -> None:
        if id_ in self.labels:  # the same id twice (duplicated row): first one wins
            return
        self.labels[id_] = label
        self.nodes.append(NodeRow(label, id_, props))

    def edge(
        self,
        type_: str,
        source: tuple[str, str],
        target_label: str,
        target_id: str | None,
        props: Mapping[str, PropValue] | None = None,
    ) -> None:
        if target_id:
            self.edges.append(EdgeRow(type_, source[0], source[1], target_label, target_id, props))

    def edge_to_known(self, type_: str, source: tuple[str, str], target_id: str | None, allowed: Iterable[str]) -> None:
        label = self.labels.get(target_id or "")
        if target_id and label in set(allowed):
            self.edges.append(EdgeRow(type_, source[0], source[1], label, target_id))
        elif target_id:
            self.dropped.append(Unresolved(type_, target_id))

    def principal(self, principal_id: str, account: str, principal_type: str | None) -> None:
        """One node per principal, whatever subscriptions see it: its account is the lowest one (stable)."""
        known = self.principals.get(principal_id)
        if known is None or account < known[0]:
            self.principals[principal_id] = (account, principal_type or (known[1] if known else None))
        elif principal_type and known[1] is None:
            self.principals[principal_id] = (known[0], principal_type)

    def sharing(self) -> Builder:
        """A builder of its own edges that shares this one's labels, unresolved references and principals."""
        out = Builder()
        out.labels, out.dropped, out.principals = self.labels, self.dropped, self.principals
        return out


# The edges of one row of a label: (builder, (label, id), row, web app host name -> id).
EdgeFn = Callable[[Builder, tuple[str, str], ArmRow, Mapping[str, str]], None]


def base_props(row: ArmRow, account: str, region: str) -> dict[str, PropValue]:
    tags = row.get("tags")
    name_tag = tags.get("Name") if isinstance(tags, Mapping) else None
    rid = lid(row.get("id"))
    return {
        "account": account,
        "region": region,
        "name": str(name_tag or row.get("name") or rid),
        "tags": tag_tuple(tags),
        "resource_type": lid(row.get("type")),
        "resource_group": lid(row.get("resourceGroup")),
        "provisioning_state": get(row, "properties", "provisioningState"),
        "zones": strings(as_list(row.get("zones"))),
    }


def account_of(row: ArmRow) -> str:
    sub = lid(row.get("subscriptionId"))
    if sub:
        return sub
    parts = lid(row.get("id")).split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else "unknown"


def region_of(row: ArmRow) -> str:
    location = row.get("location")
    return location.lower() if isinstance(location, str) and location else GLOBAL


def resource_group_id(row: ArmRow, account: str) -> str | None:
    group = lid(row.get("resourceGroup"))
    return f"/subscriptions/{account}/resourcegroups/{group}" if group else None


def arm_row(row: ArmRow, location: object = None) -> dict[str, object]:
    """An ARM GET item shaped like a Resource Graph row: subscriptionId, resourceGroup (from the id) and
    lower-case type added, the location given when the item has none (child resources carry none)."""
    parts = lid(row.get("id")).split("/")
    group = parts[4] if len(parts) > 4 and parts[3] == "resourcegroups" else ""
    return {
        **row,
        "type": lid(row.get("type")),
        "subscriptionId": parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else "",
        "resourceGroup": group,
        "location": row.get("location") or location,
    }
