"""IAM read through GetAccountAuthorizationDetails gives what the entity-by-entity reads give, in fewer calls.

Both paths run against the same moto estate (the 100-resource benchmark estate, whose identities are users
with keys and groups, roles with instance profiles, customer and AWS managed policies; and the identity estate
with its inline, trust and cross-account cases); the payloads, records sorted by name, must be equal, and so
must their rows, but for one gain: the details carry a customer managed policy's description, which
ListPolicies leaves out, so the per-entity payload is given the description GetPolicy answers. The calls are
counted by botocore's own events on the client. A caller denied GetAccountAuthorizationDetails (a 403
AccessDenied answered through botocore's before-call event) falls back to the entity-by-entity path. The
published aws-cli example (tests/fixtures/real/aws/IAMPolicy, source in SOURCES.md) is read into records.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from devclouds.estate_aws import seed_aws_small
from devclouds.estate_manifest import Collected
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_identity import seed
from ingest.providers.aws.identity import get_iam
from ingest.providers.aws.identity_entities import get_iam_per_entity
from ingest.providers.aws.identity_gaad import authorization_details, get_iam_gaad, read_details
from ingest.providers.aws.identity_transform import IamPayload, PolicyRecord, transform_iam
from tests.real_payloads.aws_corpus import load_kind

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

REGION = "us-east-1"
ACCOUNT = "123456789012"


def _client(moto: MotoServer) -> tuple[IAMClient, Counter[str]]:
    """An IAM client on ``moto`` and the count of calls it makes per operation."""
    client: IAMClient = boto3.client(
        "iam", region_name=REGION, endpoint_url=moto.url, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.iam", count)
    return client, calls


def _sorted(payload: IamPayload) -> IamPayload:
    return IamPayload(
        sorted(payload.users, key=lambda u: u.user["UserName"]),
        sorted(payload.groups, key=lambda g: g.group["GroupName"]),
        sorted(payload.roles, key=lambda r: r.role["RoleName"]),
        sorted(payload.policies, key=lambda p: p.policy.get("Arn", "")),
        sorted(payload.instance_profiles, key=lambda p: p["Arn"]),
        sorted(payload.virtual_mfa_devices, key=lambda d: d["SerialNumber"]),
    )


def _with_descriptions(client: IAMClient, payload: IamPayload) -> IamPayload:
    """``payload`` with each customer managed policy's non-empty description, as GetPolicy answers it."""
    policies = []
    for record in payload.policies:
        arn = record.policy.get("Arn", "")
        description = "" if ":aws:policy/" in arn else client.get_policy(PolicyArn=arn)["Policy"].get("Description")
        policy = {**record.policy, "Description": description} if description else record.policy
        policies.append(PolicyRecord(policy, record.document))  # type: ignore[arg-type]
    return replace(payload, policies=policies)


def _rows(payload: IamPayload) -> tuple[list[Any], list[Any]]:
    out = transform_iam(payload, ACCOUNT, "global")
    return sorted(map(repr, out.nodes)), sorted(map(repr, out.edges))


def _compare(moto: MotoServer) -> tuple[Counter[str], Counter[str]]:
    client, calls = _client(moto)
    pages = authorization_details(client)
    assert pages is not None
    via_details = _sorted(get_iam_gaad(client, pages))
    gaad_calls = calls.copy()
    calls.clear()
    per_entity = _sorted(get_iam_per_entity(client))
    per_entity_calls = calls.copy()
    assert via_details.users
    assert via_details.roles
    assert via_details.policies
    assert via_details == _with_descriptions(client, per_entity)
    assert _rows(via_details) == _rows(_with_descriptions(client, per_entity))
    return gaad_calls, per_entity_calls


def _log_calls(name: str, gaad: Counter[str], per_entity: Counter[str]) -> None:
    logging.getLogger(__name__).info(
        "%s: %s calls via the details %s, %s entity by entity %s",
        name,
        gaad.total(),
        dict(gaad),
        per_entity.total(),
        dict(per_entity),
    )


@pytest.fixture(scope="module")
def small_estate(moto_server: MotoServer) -> MotoServer:
    """The 100-resource estate ``bench/bench_cli.py --size 100`` discovers, seeded once for the module."""
    moto_server.reset()
    seed_aws_small(moto_server.url, random.Random(1), Collected())
    return moto_server


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, dict) else list(value or [])


def test_the_published_details_read_into_records() -> None:
    [published] = [p for p in load_kind("IAMPolicy") if p.operation == "GetAccountAuthorizationDetails"]
    page = published.response
    details = read_details([page])  # type: ignore[list-item]
    assert [u.user["UserName"] for u in details.users] == [u["UserName"] for u in page["UserDetailList"]]
    for record, user in zip(details.users, page["UserDetailList"], strict=True):
        assert list(record.group_names) == user["GroupList"]
        assert dict(record.inline_policies) == {p["PolicyName"]: p["PolicyDocument"] for p in user["UserPolicyList"]}
        assert not {"GroupList", "UserPolicyList", "AttachedManagedPolicies"} & record.user.keys()
    for group, detail in zip(details.groups, page["GroupDetailList"], strict=True):
        assert list(group.attached_policy_arns) == [a["PolicyArn"] for a in _listed(detail["AttachedManagedPolicies"])]
    assert any(g.attached_policy_arns for g in details.groups)  # published as one object, not a list
    for role, detail in zip(details.roles, page["RoleDetailList"], strict=True):
        assert list(role.attached_policy_arns) == [a["PolicyArn"] for a in detail["AttachedManagedPolicies"]]
        assert role.role["AssumeRolePolicyDocument"] == detail["AssumeRolePolicyDocument"]
    for policy, detail in zip(details.policies, page["Policies"], strict=True):
        [default] = [v for v in detail["PolicyVersionList"] if v["IsDefaultVersion"]]
        assert policy.document == default["Document"]
        assert policy.policy["PolicyName"] == detail["PolicyName"]
        assert "PolicyVersionList" not in policy.policy


def test_the_details_read_the_small_estate_as_the_per_entity_calls(small_estate: MotoServer) -> None:
    gaad, per_entity = _compare(small_estate)
    _log_calls("100-resource estate", gaad, per_entity)
    assert gaad["GetAccountAuthorizationDetails"] >= 1
    assert gaad.total() < per_entity.total()
    assert not {"GetUser", "GetRole", "ListGroupsForUser", "ListAttachedRolePolicies"} & gaad.keys()


def test_a_caller_denied_the_details_reads_entity_by_entity(
    small_estate: MotoServer, caplog: pytest.LogCaptureFixture
) -> None:
    client, calls = _client(small_estate)

    def deny(**_: Any) -> tuple[Any, dict[str, Any]]:
        error = {"Error": {"Code": "AccessDenied", "Message": "not authorized"}, "ResponseMetadata": {}}
        return type("Http", (), {"status_code": 403})(), error

    client.meta.events.register("before-call.iam.GetAccountAuthorizationDetails", deny)
    with caplog.at_level(logging.WARNING):
        payload = get_iam(client)
    assert "GetAccountAuthorizationDetails denied" in caplog.text
    assert calls["GetUser"] == len(payload.users) > 0
    assert _sorted(payload) == _sorted(get_iam_per_entity(_client(small_estate)[0]))


def test_get_iam_reads_through_the_details_when_allowed(small_estate: MotoServer) -> None:
    client, calls = _client(small_estate)
    payload = get_iam(client)
    assert calls["GetAccountAuthorizationDetails"] >= 1
    assert calls["GetUser"] == 0
    assert _sorted(payload) == _sorted(get_iam_per_entity(_client(small_estate)[0]))


def test_the_details_read_the_identity_estate_as_the_per_entity_calls(moto: MotoServer) -> None:
    """Last in the module: ``moto`` empties the server the small estate was seeded in."""
    seed(moto.url, REGION)
    gaad, per_entity = _compare(moto)
    _log_calls("identity estate", gaad, per_entity)
    assert gaad.total() < per_entity.total()
