"""The shape every Azure node kind shares: the ARM properties and the kind constructor.

Every Azure id is the ARM resource id lower-cased (ARM ids are case-insensitive and payloads disagree
on case). ``account`` is the subscription id, ``region`` the location (``global`` when there is none).
"""

from __future__ import annotations

from typing import Unpack

from graph.schema.model import KindFacts, NodeKind, Property

__all__ = ["ARM_PROPERTIES", "P", "azure_kind"]

P = Property

ARM_PROPERTIES = (
    P(
        "resource_type",
        "string",
        "ARM resource type, lower-case, e.g. microsoft.compute/virtualmachines.",
        indexed=True,
    ),
    P(
        "resource_group",
        "string",
        "Resource group name (lower-case), empty for subscription-level objects.",
        indexed=True,
    ),
    P("provisioning_state", "string", "ARM provisioning state, e.g. Succeeded."),
    P("zones", "string[]", "Availability zones the resource is pinned to (its region stays in region)."),
)


def azure_kind(label: str, service: str, description: str, *props: Property, **facts: Unpack[KindFacts]) -> NodeKind:
    return NodeKind(
        label=label,
        provider="azure",
        service=service,
        description=description,
        properties=(*ARM_PROPERTIES, *props),
        **facts,
    )
