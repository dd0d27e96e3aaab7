"""Discovery jobs use the cloud accounts registered with `aidiscover accounts add` (here: an assumed role)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from core.settings import load_settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.secretstore import store_of
from ingest.accounts.model import AccountSpec
from ingest.accounts.store import register_account
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest

FOREIGN = "210987654321"  # moto answers an assumed role with the role's own account


def test_a_job_discovers_the_registered_accounts_instead_of_the_default_credentials(
    demo_aws: MotoServer, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDISCOVER_AWS_REGIONS", "eu-west-1")
    monkeypatch.setenv("AIDISCOVER_SECRET_KEY", Fernet.generate_key().decode())
    settings = load_settings()
    spec = AccountSpec("aws", "role", role_arn=f"arn:aws:iam::{FOREIGN}:role/aidiscover-audit", secret="ext-id-42")
    register_account(graph, settings.accounts, spec)
    try:
        job = run_job_local(settings, JobRequest("aws", started_by="test"), graph=graph)
        assert job.status == "succeeded", job.errors
        assert {u.key.split("/")[1] for u in job.units} == {FOREIGN}
        found = graph.read("MATCH (n:Resource {provider: 'aws'}) RETURN DISTINCT n.account AS a")
        assert {r["a"] for r in found} == {FOREIGN}
        # without the key its secret (the external id) cannot be read: the account is skipped with a warning
        monkeypatch.delenv("AIDISCOVER_SECRET_KEY")
        keyless = run_job_local(load_settings(), JobRequest("aws", started_by="test"), graph=graph)
        assert any(f"registered aws:{FOREIGN}: skipped" in w for w in keyless.warnings), keyless.warnings
        assert {u.key.split("/")[1] for u in keyless.units} == {"123456789012"}
    finally:
        store_of(graph).clear()  # later tests run discovery outside `graph`


def test_without_registered_accounts_a_job_uses_the_default_credentials(
    demo_aws: MotoServer, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDISCOVER_AWS_REGIONS", "eu-west-1")
    job = run_job_local(load_settings(), JobRequest("aws", started_by="test"), graph=graph)
    assert job.status == "succeeded", job.errors
    assert {u.key.split("/")[1] for u in job.units} == {"123456789012"}
