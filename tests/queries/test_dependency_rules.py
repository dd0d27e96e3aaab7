"""Pure rules of the dependency model: which address ranges name consumers, which IAM patterns name a store,
which node kinds each derivation family reads."""

from __future__ import annotations

import re

import pytest

from graph.schema import SCHEMA
from queries.derived import access, config, flows, network_aws, network_azure_gcp
from queries.derived.compute import FAMILIES, Family
from queries.derived.names import names_resource
from queries.derived.network_aws import names_consumers


@pytest.mark.parametrize(
    ("cidr", "names"),
    [
        ("10.250.0.0/16", True),
        ("10.0.2.0/24", True),
        ("10.0.0.0/8", False),  # a whole private block: every workload, so no one in particular
        ("0.0.0.0/0", False),
        ("::/0", False),
        ("not-a-cidr", False),
        (None, False),
    ],
)
def test_an_address_range_names_consumers_only_when_narrow(cidr: str | None, names: bool) -> None:
    assert names_consumers(cidr) is names


@pytest.mark.parametrize(
    ("pattern", "resource", "names"),
    [
        ("arn:aws:s3:::estate-sensitive", "arn:aws:s3:::estate-sensitive", True),
        ("arn:aws:s3:::estate-sensitive/*", "arn:aws:s3:::estate-sensitive", True),  # objects of the bucket
        ("*", "arn:aws:s3:::estate-sensitive", False),  # every resource: a permission, not a use
        ("arn:aws:s3:::estate-*", "arn:aws:s3:::estate-sensitive", False),
        ("arn:aws:sqs:us-east-1:123456789012:orders", "arn:aws:sqs:us-east-1:123456789012:orders-dlq", False),
    ],
)
def test_an_iam_pattern_names_a_store_only_without_wildcards(pattern: str, resource: str, names: bool) -> None:
    assert names_resource(pattern, resource) is names


_QUERIES = {
    "aws-network": [
        getattr(network_aws, q) for q in ("_NODES", "_RULES", "_ACLS", "_TABLES", "_PEERINGS", "_GATEWAYS")
    ],
    "azure-network": [network_azure_gcp._AZURE_VMS, network_azure_gcp._AZURE_RULES],
    "gcp-network": [network_azure_gcp._GCP_INSTANCES, network_azure_gcp._GCP_FIREWALLS],
    "events": [flows._EVENTS],
    "reads": [access._GRANTS, access._RUNS_AS, flows._GCP_READS, flows._AZURE_READS, flows._BY_PROJECT],
    "access": [access._GRANTS, access._RUNS_AS],
    "config": [config._CONSUMERS, config._SECRETS, config._ENDPOINTS],
}


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_every_label_a_family_reads_is_one_of_its_input_kinds(family: Family) -> None:
    """A family is skipped when its input kinds are unchanged: a label its queries read but its inputs
    leave out would let a change go unseen."""
    read = {m for q in _QUERIES[family.name] for m in re.findall(r"[(\s|]\w*:([A-Z]\w*)", q)}
    read -= {"Resource"}
    assert read, "no label found in the family's queries"
    assert read <= set(family.inputs), f"read but not an input kind: {sorted(read - set(family.inputs))}"
    declared = {kind.label for kind in SCHEMA.nodes}
    assert set(family.inputs) <= declared, f"not a declared kind: {sorted(set(family.inputs) - declared)}"
