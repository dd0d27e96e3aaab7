"""Which AWS accounts a sync reaches: role ARNs add accounts beside the default credentials' own (unless
AIDISCOVER_AWS_DEFAULT_ACCOUNT says otherwise), an account reached twice is discovered once, and each role is
assumed with its own external id. AWS is a real moto server (behind the fault proxy where STS must refuse)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import ConfigError
from core.settings import Settings, load_settings
from devclouds.aws_faults import FaultProxy, FaultRule
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job
from tests.settings_update import replace_settings

DEFAULT = "123456789012"  # moto's account: the default credentials'
ROLE_A = "arn:aws:iam::111111111111:role/audit"
ROLE_B = "arn:aws:iam::210987654321:role/audit"
EC2_ONLY = (unit("ec2"),)


def _accounts(settings: Settings, graph: Graph) -> list[str]:
    report = discover_job(settings, graph, regions=("us-east-1",), units=EC2_ONLY)
    assert report.errors == ()
    return sorted(u.account for u in report.all_units)


def test_role_arns_add_accounts_beside_the_default_credentials_account(aws_settings: Settings, graph: Graph) -> None:
    with_roles = replace_settings(aws_settings, aws={"role_arns": (ROLE_A, ROLE_B)})
    assert _accounts(with_roles, graph) == [ROLE_A.split(":")[4], DEFAULT, ROLE_B.split(":")[4]]
    only_roles = replace_settings(aws_settings, aws={"role_arns": (ROLE_A,), "default_account": False})
    assert _accounts(only_roles, graph) == [ROLE_A.split(":")[4]]


def test_a_role_in_the_default_credentials_own_account_is_discovered_once(aws_settings: Settings, graph: Graph) -> None:
    own = replace_settings(aws_settings, aws={"role_arns": (f"arn:aws:iam::{DEFAULT}:role/audit",)})
    assert _accounts(own, graph) == [DEFAULT]  # one EC2 unit, not two writing the same nodes


def test_false_with_nothing_else_configured_says_so(aws_settings: Settings, graph: Graph) -> None:
    nothing = replace_settings(aws_settings, aws={"default_account": False})
    report = discover_job(nothing, graph, regions=("us-east-1",), units=EC2_ONLY)
    assert report.all_units == ()
    assert any("AIDISCOVER_AWS_DEFAULT_ACCOUNT is false" in w for w in report.warnings), report.warnings


@pytest.fixture
def proxy(moto: MotoServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(moto.url)
    fault_proxy.start()
    yield fault_proxy
    fault_proxy.stop()


def test_each_role_is_assumed_with_its_own_external_id(aws_settings: Settings, proxy: FaultProxy, graph: Graph) -> None:
    # STS refuses the shared id: only a role assumed with its own id gets through
    proxy.rules = [FaultRule("deny", service="sts", body_contains="ExternalId=shared-id")]
    settings = replace_settings(
        aws_settings,
        aws={
            "endpoint_url": proxy.url,
            "role_arns": (ROLE_A, ROLE_B),
            "external_id": "shared-id",
            "external_ids": {ROLE_B: "role-b-id"},
            "default_account": False,
        },
    )
    report = discover_job(settings, graph, regions=("us-east-1",), units=EC2_ONLY)
    assert [u.account for u in report.units] == [ROLE_B.split(":")[4]]
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"role {ROLE_A}: AccessDenied")
    assert proxy.rules[0].injected >= 1
    assert "role-b-id" not in " ".join(report.warnings)


def test_per_role_external_ids_are_read_and_bad_input_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDISCOVER_AWS_ROLE_ARNS", f"{ROLE_A}, {ROLE_B}")
    monkeypatch.setenv("AIDISCOVER_AWS_EXTERNAL_ID", "shared-id")
    monkeypatch.setenv("AIDISCOVER_AWS_EXTERNAL_IDS", f'{{"{ROLE_B}": "role-b-id"}}')
    aws = load_settings().aws
    assert (aws.external_id_for(ROLE_A), aws.external_id_for(ROLE_B)) == ("shared-id", "role-b-id")
    assert "role-b-id" not in repr(aws)

    monkeypatch.setenv("AIDISCOVER_AWS_EXTERNAL_IDS", f"{ROLE_B}=role-b-id")  # not JSON
    with pytest.raises(ConfigError, match=r"AIDISCOVER_AWS_EXTERNAL_IDS=\*\*\* is invalid.*JSON object") as bad:
        load_settings()
    assert "role-b-id" not in str(bad.value)

    monkeypatch.setenv("AIDISCOVER_AWS_EXTERNAL_IDS", '{"arn:aws:iam::999999999999:role/x": "some-id"}')
    with pytest.raises(ConfigError, match="not in AIDISCOVER_AWS_ROLE_ARNS"):
        load_settings()

    monkeypatch.setenv("AIDISCOVER_AWS_EXTERNAL_IDS", f'{{"{ROLE_B}": "bad id with spaces"}}')
    with pytest.raises(ConfigError, match=r"external id of .* must be 2 to 1224 characters") as bad:
        load_settings()
    assert "bad id with spaces" not in str(bad.value)

    monkeypatch.delenv("AIDISCOVER_AWS_EXTERNAL_IDS")
    monkeypatch.setenv("AIDISCOVER_AWS_ROLE_ARNS", f"{ROLE_A}|ext-1")  # the id belongs in EXTERNAL_IDS
    with pytest.raises(ConfigError, match=r"AIDISCOVER_AWS_ROLE_ARNS=.* is not an IAM role ARN"):
        load_settings()
