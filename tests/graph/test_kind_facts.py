"""Per-kind facts (billing, provider type names, hidden) are declared on the kinds and checked by the schema."""

from __future__ import annotations

import pytest

from app.nl.scope import HIDDEN_LABELS, readable_label_set
from core.errors import SchemaError
from graph.schema import SCHEMA, NodeKind, Property, Schema
from graph.schema.model import FREE, EntryPoint
from ingest.providers.azure.transform import label_for
from ingest.providers.gcp.transform import label_for as gcp_label_for
from queries.cost.pricing import MODELS


def test_every_billing_names_a_cost_model_or_free() -> None:
    for kind in SCHEMA.nodes:
        assert kind.billing is None or kind.billing == FREE or kind.billing in MODELS, kind.label
    named = {k.billing for k in SCHEMA.nodes}
    assert set(MODELS) <= named, f"cost models no kind uses: {sorted(set(MODELS) - named)}"


def test_only_resources_are_billed_or_hold_data_or_are_exposed() -> None:
    for kind in SCHEMA.nodes:
        if not kind.resource:
            assert kind.billing is None, kind.label
            assert kind.data_store is None, kind.label
            assert kind.entry_point is None, kind.label


def test_provider_types_are_read_from_the_kinds() -> None:
    assert label_for("Microsoft.Compute/virtualMachines") == "AzureVirtualMachine"
    assert label_for("microsoft.unknown/things") == "AzureResource"
    assert gcp_label_for("compute.googleapis.com/RegionDisk") == "GCPDisk"
    assert gcp_label_for("example.googleapis.com/Unknown") == "GCPResource"
    for provider in ("azure", "gcp"):
        for type_, label in SCHEMA.provider_types(provider).items():
            assert SCHEMA.node(label).provider == provider, (type_, label)
    assert all(t == t.lower() for t in SCHEMA.provider_types("azure"))


def test_hidden_kinds_are_not_readable_by_questions() -> None:
    hidden = SCHEMA.hidden_labels()
    assert {"Job", "JobUnit", "Schedule", "Delivery", "Suppression"} <= hidden
    assert hidden <= HIDDEN_LABELS
    assert not hidden & readable_label_set(SCHEMA)


def _kind(label: str, **facts: object) -> NodeKind:
    return NodeKind(label, "aws", "test", "A test kind.", (Property("flag", "bool", "A flag."),), **facts)  # type: ignore[arg-type]


def test_an_entry_point_on_an_undeclared_property_is_refused() -> None:
    with pytest.raises(SchemaError, match="undeclared property 'public'"):
        Schema((), (_kind("Thing", entry_point=EntryPoint(2, "public", True)),), ())
    Schema((), (_kind("Thing", entry_point=EntryPoint(2, "flag", True)),), ())


def test_a_provider_type_mapped_to_two_kinds_is_refused() -> None:
    with pytest.raises(SchemaError, match="mapped to two labels"):
        Schema((), (_kind("One", provider_types=("x/y",)), _kind("Two", provider_types=("x/y",))), ())
