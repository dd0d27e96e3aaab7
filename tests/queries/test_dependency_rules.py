"""Pure rules of the dependency model: which address ranges name consumers, which IAM patterns name a store."""

from __future__ import annotations

import pytest

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
