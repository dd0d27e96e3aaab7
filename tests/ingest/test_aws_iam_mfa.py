"""IAM MFA devices are a kind, and a user links to the device it signs in with.

The transform is read on published ListVirtualMFADevices outputs (AWS CLI documentation and botocore's
service-model example; sources in the fixture); discovery end to end through moto: a virtual device enabled
for a user and one left unassigned.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.providers.aws.identity_transform import IamPayload, UserRecord, transform_iam
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job

DATA = Path(__file__).resolve().parent.parent / "data" / "aws" / "identity"
ACCOUNT = "123456789012"


def _examples() -> Any:
    def parse(obj: dict[str, Any]) -> dict[str, Any]:
        for key in {"EnableDate", "CreateDate"} & obj.keys():
            obj[key] = datetime.fromisoformat(obj[key].replace("Z", "+00:00"))
        return obj

    return json.loads((DATA / "list_virtual_mfa_devices_examples.json").read_text(), object_hook=parse)


def test_virtual_mfa_devices_from_the_published_examples(offline_writer: Any) -> None:
    examples = _examples()
    devices = [*examples["cli"]["VirtualMFADevices"], *examples["botocore"]["VirtualMFADevices"]]
    bob = examples["cli"]["VirtualMFADevices"][0]["User"]
    payload = IamPayload(users=[UserRecord(bob)], virtual_mfa_devices=devices)
    rows = transform_iam(payload, ACCOUNT, "global")
    found = {n.id: n.props for n in rows.nodes if n.label == "IAMMFADevice"}
    assert sorted(found) == sorted(d["SerialNumber"] for d in devices)
    assigned = found["arn:aws:iam::123456789012:mfa/MFATest"]
    assert (assigned["assigned"], assigned["user_name"], assigned["virtual"], assigned["name"]) == (
        True,
        "Bob",
        True,
        "MFATest",
    )
    assert assigned["enabled_at"] == datetime(2012, 12, 28, 0, 37, 6, tzinfo=UTC)
    juan = found["arn:aws:iam::123456789012:mfa/Juan"]
    assert (juan["assigned"], juan["user_name"], juan["enabled_at"]) == (False, None, None)
    mfa_edges = [(e.source_id, e.target_id) for e in rows.edges if e.type == "HAS_MFA_DEVICE"]
    assert mfa_edges == [("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:mfa/MFATest")]
    offline_writer(rows)


def test_a_device_both_listings_show_is_one_node_and_one_edge() -> None:
    examples = _examples()
    device = examples["cli"]["VirtualMFADevices"][0]
    bob = device["User"]
    mine = {"UserName": "Bob", "SerialNumber": device["SerialNumber"], "EnableDate": device["EnableDate"]}
    rows = transform_iam(
        IamPayload(users=[UserRecord(bob, mfa_devices=[mine])], virtual_mfa_devices=[device]), ACCOUNT, "global"
    )
    assert [n.id for n in rows.nodes if n.label == "IAMMFADevice"] == [device["SerialNumber"]]
    assert len([e for e in rows.edges if e.type == "HAS_MFA_DEVICE"]) == 1
    user = next(n for n in rows.nodes if n.label == "IAMUser")
    assert (user.props["mfa_enabled"], user.props["mfa_device_count"]) == (True, 1)


def test_discovery_finds_a_users_virtual_mfa_device_and_an_unassigned_one(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=moto.url)
    iam.create_user(UserName="ops")
    enabled = iam.create_virtual_mfa_device(VirtualMFADeviceName="ops-phone")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="ops", SerialNumber=enabled, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    spare = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")["VirtualMFADevice"]["SerialNumber"]

    report = discover_job(aws_settings, graph, regions=("us-east-1",), units=[unit("iam")])
    assert (report.errors, report.warnings) == ((), ())
    devices = {
        r["id"]: (r["assigned"], r["user"], r["users"])
        for r in graph.read(
            "MATCH (d:IAMMFADevice) OPTIONAL MATCH (u:IAMUser)-[:HAS_MFA_DEVICE]->(d) "
            "RETURN d.id AS id, d.assigned AS assigned, d.user_name AS user, collect(u.user_name) AS users"
        )
    }
    assert devices == {enabled: (True, "ops", ["ops"]), spare: (False, None, [])}
    user = graph.read("MATCH (u:IAMUser {user_name: 'ops'}) RETURN u.mfa_enabled AS on, u.region AS region")
    assert [(r["on"], r["region"]) for r in user] == [(True, "global")]
