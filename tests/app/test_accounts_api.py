"""GraphQL for accounts, schedules and notifications (roles, errors), and the guarantee that secrets
never reach a response or a log line: register / list / discover-ish paths run with DEBUG logging
under the product's own logging set-up, and every captured line is scanned for the secret strings."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from app.api.context import Context
from app.api.permissions import Principal, Role
from app.api.schema import schema
from app.cli import main
from core.logs import configure_logging
from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.accounts.crypto import generate_key
from ingest.accounts.store import list_accounts
from tests.settings_update import replace_settings

ROLE = "arn:aws:iam::210987654321:role/aidiscover-read"
EXTERNAL_ID = "ExtId-Never-Logged-5150"
SP_SECRET = "Azure-SP-Secret-Never-Logged-8086"
HOOK_SECRET = "Hook-Secret-Never-Logged-6502"
SUB = "5a3e7c90-1b2d-4e6f-8a9b-0c1d2e3f4a5b"
SECRETS = (EXTERNAL_ID, SP_SECRET, HOOK_SECRET)

REGISTER = """mutation($input: CloudAccountInput!) { registerCloudAccount(input: $input) {
  id provider accountId name authMethod roleArn regions hasSecret } }"""
LIST = "{ cloudAccounts { id authMethod hasSecret tenantId clientId } }"


@pytest.fixture
def keyed(settings: Settings) -> Settings:
    return replace_settings(settings, accounts={"secret_key": SecretStr(generate_key())})


def run(graph: Graph, settings: Settings, query: str, role: Role | None = "admin", **variables: Any) -> Any:
    principal = Principal("test", role, "local") if role else None
    ctx = Context(graph=graph, settings=settings, principal=principal)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


def test_admins_register_and_everyone_signed_in_lists_without_secrets(graph: Graph, keyed: Settings) -> None:
    aws = {"provider": "aws", "authMethod": "role", "roleArn": ROLE, "secret": EXTERNAL_ID, "regions": ["eu-west-1"]}
    done = run(graph, keyed, REGISTER, input=aws)
    assert done.errors is None
    assert done.data["registerCloudAccount"] == {
        "id": "aws:210987654321",
        "provider": "aws",
        "accountId": "210987654321",
        "name": "210987654321",
        "authMethod": "role",
        "roleArn": ROLE,
        "regions": ["eu-west-1"],
        "hasSecret": True,
    }
    refused = run(graph, keyed, REGISTER, role="operator", input={**aws, "roleArn": ROLE.replace("2109", "3109")})
    assert codes(refused) == ["FORBIDDEN"]
    assert codes(run(graph, keyed, LIST, role=None)) == ["UNAUTHENTICATED"]
    dup = run(graph, keyed, REGISTER, input=aws)
    assert dup.errors[0].message.startswith("aws account 210987654321 is already registered")
    bad = run(graph, keyed, REGISTER, input={**aws, "roleArn": "arn:aws:iam::oops"})
    assert "is not an IAM role ARN" in bad.errors[0].message
    listed = run(graph, keyed, LIST, role="viewer")
    assert listed.data == {
        "cloudAccounts": [
            {"id": "aws:210987654321", "authMethod": "role", "hasSecret": True, "tenantId": None, "clientId": None}
        ]
    }
    removed = run(graph, keyed, 'mutation { removeCloudAccount(id: "aws:210987654321") { id resourcesPurged } }')
    assert removed.data == {"removeCloudAccount": {"id": "aws:210987654321", "resourcesPurged": 0}}


def test_operators_manage_schedules_viewers_only_read_them(graph: Graph, keyed: Settings) -> None:
    run(graph, keyed, REGISTER, input={"provider": "azure", "authMethod": "managed_identity", "accountId": SUB})
    set_q = 'mutation($s: String!) { setSchedule(account: "%s", spec: $s) { id spec paused } }' % SUB  # noqa: UP031
    assert codes(run(graph, keyed, set_q, role="viewer", s="0 3 * * *")) == ["FORBIDDEN"]
    assert run(graph, keyed, set_q, role="operator", s="0 3 * * *").data == {
        "setSchedule": {"id": f"azure:{SUB}", "spec": "0 3 * * *", "paused": False}
    }
    assert "not a 5-field cron" in run(graph, keyed, set_q, role="operator", s="every day").errors[0].message
    paused = run(graph, keyed, f'mutation {{ pauseSchedule(id: "azure:{SUB}") {{ paused }} }}', role="operator")
    assert paused.data == {"pauseSchedule": {"paused": True}}
    resumed = run(graph, keyed, f'mutation {{ resumeSchedule(id: "azure:{SUB}") {{ paused }} }}', role="operator")
    assert resumed.data == {"resumeSchedule": {"paused": False}}
    assert run(graph, keyed, "{ schedules { id account } }", role="viewer").data == {
        "schedules": [{"id": f"azure:{SUB}", "account": f"azure:{SUB}"}]
    }


def test_notification_targets_over_graphql_hide_secrets_and_slack_paths(graph: Graph, keyed: Settings) -> None:
    add = """mutation($i: NotificationTargetInput!) { addNotificationTarget(input: $i) {
      id kind events endpoint hasSecret } }"""
    hook = {
        "name": "hook",
        "kind": "webhook",
        "url": "https://hooks.example.org/in?token=abc",
        "secret": HOOK_SECRET,
        "events": ["job.failed"],
    }
    assert codes(run(graph, keyed, add, role="operator", i=hook)) == ["FORBIDDEN"]
    assert run(graph, keyed, add, i=hook).data == {
        "addNotificationTarget": {
            "id": "hook",
            "kind": "webhook",
            "events": ["job.failed"],
            "endpoint": "https://hooks.example.org/in",
            "hasSecret": True,
        }
    }
    slack = {"name": "slack", "kind": "slack", "url": "https://hooks.slack.com/services/T1/B2/sekrit"}
    assert run(graph, keyed, add, i=slack).data["addNotificationTarget"]["endpoint"] == "hooks.slack.com"
    listed = run(graph, keyed, "{ notificationTargets { id endpoint } deliveries { id } }", role="operator")
    assert "sekrit" not in json.dumps(listed.data)
    assert listed.data["deliveries"] == []


def test_secrets_never_reach_a_response_or_a_log_line(
    graph: Graph,
    keyed: Settings,
    moto: MotoServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from ingest.providers.aws.accounts import assumed_session
    from ingest.providers.aws.client import AwsClients

    configure_logging("DEBUG", "text")  # the product's own set-up, at its most verbose
    caplog.set_level(logging.DEBUG)
    assert keyed.accounts.secret_key is not None
    monkeypatch.setenv("AIDISCOVER_SECRET_KEY", keyed.accounts.secret_key.get_secret_value())
    responses: list[str] = []
    # register: GraphQL and CLI
    result = run(
        graph, keyed, REGISTER, input={"provider": "aws", "authMethod": "role", "roleArn": ROLE, "secret": EXTERNAL_ID}
    )
    responses.append(json.dumps(result.data))
    secret_file = tmp_path / "sp"
    secret_file.write_text(SP_SECRET)
    assert (
        main(
            [
                "-v",
                "accounts",
                "add",
                "--provider",
                "azure",
                "--auth",
                "service_principal",
                "--id",
                SUB,
                "--tenant-id",
                SUB,
                "--client-id",
                SUB,
                "--secret-file",
                str(secret_file),
            ]
        )
        == 0
    )
    hook_file = tmp_path / "hook"
    hook_file.write_text(HOOK_SECRET)
    assert (
        main(
            [
                "-v",
                "notify",
                "add",
                "hook",
                "--kind",
                "webhook",
                "--url",
                "http://127.0.0.1:9/x",
                "--secret-file",
                str(hook_file),
            ]
        )
        == 0
    )
    # list: GraphQL, CLI
    responses.append(json.dumps(run(graph, keyed, LIST).data))
    responses.append(json.dumps(run(graph, keyed, "{ notificationTargets { id endpoint hasSecret } }").data))
    assert main(["-v", "accounts", "list"]) == 0
    assert main(["-v", "notify", "list"]) == 0
    # discover-ish: read the credentials back and assume the role with its external id (moto's STS)
    accounts = {a.id: a for a in list_accounts(graph, keyed.accounts)}
    role = accounts["aws:210987654321"]
    assert role.secret == EXTERNAL_ID
    session = assumed_session(AwsClients(keyed.aws).sts(), role.role_arn, role.secret, "us-east-1")
    identity = AwsClients(keyed.aws, session).sts().get_caller_identity()
    assert identity["Account"] == "210987654321"
    # a failing registration whose input carries the secret
    bad = run(
        graph, keyed, REGISTER, input={"provider": "aws", "authMethod": "role", "roleArn": ROLE, "secret": EXTERNAL_ID}
    )
    responses.append(json.dumps([e.message for e in bad.errors or []]))

    out = capsys.readouterr()
    logged = caplog.text + out.out + out.err + "\n".join(responses)
    # the CLI's set-up keeps pytest's capturing handlers and sets DEBUG (-v): caplog and stdout/stderr are scanned
    assert "registered aws account 210987654321" in logged  # the logs were captured at all
    assert "registered azure account" in logged
    assert re.search(r"^DEBUG\s", caplog.text, re.MULTILINE), "DEBUG lines were captured"
    for secret in SECRETS:
        assert secret not in logged, f"{secret} leaked"
