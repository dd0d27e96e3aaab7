"""One sync pipeline: every provider plans and reads its units through the same protocol, and no other
discovery path is left in the product."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings
from devclouds.demo_estate import DEMO_ACCOUNT, seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.model import JobRequest
from ingest.jobs.plan import plan_job
from ingest.providers.aws.registry import unit
from ingest.providers.azure.provider import ALL_SUBSCRIPTIONS
from ingest.providers.registry import PROVIDERS
from ingest.tasks import make_celery
from tests.discovery import discover_job
from tests.settings_update import replace_settings

ROOT = Path(__file__).resolve().parents[2]
JOB_CODE = ("ingest/jobs/units.py", "ingest/jobs/plan.py", "ingest/jobs/local.py", "ingest/tasks.py")
PROVIDER_NAMES = {"aws", "azure", "gcp"}


def test_the_job_code_never_branches_on_a_provider_nor_imports_inside_a_function() -> None:
    for path in JOB_CODE:
        tree = ast.parse((ROOT / path).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                names = {c.value for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)}
                assert not names & PROVIDER_NAMES, f"{path}:{node.lineno} compares with a provider name"
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert inner == [], f"{path}:{node.lineno} {node.name} imports inside the function"


def test_the_direct_discovery_path_and_its_celery_task_are_gone(settings: Settings) -> None:
    for module in ("ingest/run.py", "ingest/providers/azure/run.py", "ingest/providers/gcp/run.py"):
        assert not (ROOT / module).exists(), module
    assert "aidiscover.discover_aws" not in make_celery(settings).tasks


def test_every_provider_names_a_unit_with_a_read_for_each_spec_it_plans(settings: Settings) -> None:
    configured = replace_settings(settings, azure={"subscriptions": ("sub-a",)}, gcp={"scopes": ("projects/p",)})
    assert set(PROVIDERS) == PROVIDER_NAMES
    for name in ("azure", "gcp"):  # AWS plans with STS: the moto test below
        provider = PROVIDERS[name]
        assert provider.configured(configured)
        specs = provider.plan(JobRequest(name), configured, [])
        assert specs
        assert all(s.provider == name for s in specs)
        assert all(callable(provider.unit(s).read) and provider.unit(s).service == s.service for s in specs)


def test_azure_plans_one_unit_reading_every_requested_subscription_together(settings: Settings) -> None:
    """Resource Graph reads the subscriptions together; SQL firewall rules and web app settings (not in
    Resource Graph) are units of their own over the same subscriptions."""
    configured = replace_settings(settings, azure={"subscriptions": ("SUB-A", "sub-b", "sub-a")})
    graph, firewall, web = plan_job(JobRequest("azure"), configured).units
    assert (graph.account, graph.service, graph.source) == (ALL_SUBSCRIPTIONS, "resource-graph", "sub-a,sub-b")
    assert (firewall.account, firewall.service, firewall.source) == (ALL_SUBSCRIPTIONS, "sql-firewall", "sub-a,sub-b")
    assert (web.account, web.service, web.source) == (ALL_SUBSCRIPTIONS, "web-config", "sub-a,sub-b")
    assert {u.source for u in plan_job(JobRequest("azure", accounts=("sub-c",)), configured).units} == {"sub-c"}
    every = plan_job(JobRequest("azure"), replace_settings(settings, azure={"subscriptions": ()})).units
    assert {u.source for u in every} == {""}  # every subscription the credentials see


def test_a_job_limited_to_services_plans_and_runs_only_their_units(
    aws_settings: Settings, moto: MotoServer, graph: Graph
) -> None:
    seed_demo_estate(moto.url)
    plan = plan_job(JobRequest("aws", regions=("eu-west-1",), services=("ec2", "iam")), aws_settings)
    assert sorted((u.region, u.service) for u in plan.units) == [("eu-west-1", "ec2"), ("global", "iam")]
    report = discover_job(aws_settings, graph, regions=("eu-west-1",), units=())
    assert {u.service for u in report.units} > {"ec2", "iam"}  # no services named: every one
    only = discover_job(aws_settings, graph, regions=("eu-west-1",), units=(unit("ec2"),))
    assert [(u.account, u.region, u.service) for u in only.all_units] == [(DEMO_ACCOUNT, "eu-west-1", "ec2")]
    with pytest.raises(ConfigError, match="unknown AWS service"):
        plan_job(JobRequest("aws", services=("ec3",)), aws_settings)
