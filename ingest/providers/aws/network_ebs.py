"""EBS volumes, the account's own snapshots and AMIs: the "ebs" unit.

get (paginated describe_volumes, describe_snapshots OwnerIds=self, describe_images Owners=self) ->
transform (pure). Snapshot and image ARNs follow AWS's own format, which has no account
(``arn:aws:ec2:<region>::snapshot/snap-...``, ``...::image/ami-...``): an image id means the same
image whichever account launches it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.client import AwsClients, partition_for
from ingest.providers.aws.ec2 import arn, name_from, tag_list
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import ImageTypeDef, SnapshotTypeDef, VolumeTypeDef

log = logging.getLogger(__name__)

LABELS = ("EBSVolume", "EBSSnapshot", "AMI")


@dataclass(frozen=True)
class EbsPayload:
    """What one account and region returned."""

    volumes: Sequence[VolumeTypeDef]
    snapshots: Sequence[SnapshotTypeDef]
    images: Sequence[ImageTypeDef]


# --- get -------------------------------------------------------------------------------------------


def get_ebs(client: EC2Client) -> EbsPayload:
    """Read every page of volumes, and the account's own snapshots and images."""
    volumes = [v for page in client.get_paginator("describe_volumes").paginate() for v in page["Volumes"]]
    snapshots = [
        s for page in client.get_paginator("describe_snapshots").paginate(OwnerIds=["self"]) for s in page["Snapshots"]
    ]
    images = [i for page in client.get_paginator("describe_images").paginate(Owners=["self"]) for i in page["Images"]]
    return EbsPayload(volumes, snapshots, images)


def fetch_ebs(clients: AwsClients, region: str) -> EbsPayload:
    return get_ebs(clients.ec2(region))


# --- transform (pure) ------------------------------------------------------------------------------


def snapshot_arn(region: str, snapshot_id: str) -> str:
    return f"arn:{partition_for(region)}:ec2:{region}::snapshot/{snapshot_id}"


def image_arn(region: str, image_id: str) -> str:
    return f"arn:{partition_for(region)}:ec2:{region}::image/{image_id}"


def parse_time(value: object) -> datetime | None:
    """An aware datetime from boto3's datetime or the API's ISO 8601 string (CreationDate); None if neither."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            log.debug("unparseable timestamp %r", value)
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _owned(owner: str | None, account: str) -> bool:
    # Owners=self / OwnerIds=self already filter on AWS; emulators may not, and an image shared with
    # us is not ours to own in the graph.
    return owner is None or owner == account


def transform_volumes(volumes: Iterable[VolumeTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for vol in volumes:
        volume_id = vol.get("VolumeId")
        if not volume_id:
            continue
        node_id = arn(region, account, f"volume/{volume_id}")  # built, so SNAPSHOT_OF edges meet it
        tags = vol.get("Tags")
        attachments = [a for a in vol.get("Attachments", []) if a.get("InstanceId")]
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, volume_id),
            "tags": tag_list(tags),
            "volume_id": volume_id,
            "size": vol.get("Size"),
            "volume_type": vol.get("VolumeType"),
            "iops": vol.get("Iops"),
            "throughput": vol.get("Throughput"),
            "encrypted": vol.get("Encrypted"),
            "kms_key_id": vol.get("KmsKeyId"),
            "state": vol.get("State"),
            "availability_zone": vol.get("AvailabilityZone"),
            "snapshot_id": vol.get("SnapshotId") or None,
            "create_time": parse_time(vol.get("CreateTime")),
            "multi_attach_enabled": vol.get("MultiAttachEnabled"),
            "attached_instance_ids": tuple(sorted({a["InstanceId"] for a in attachments})) or None,
        }
        nodes.append(NodeRow("EBSVolume", node_id, props))
        for att in attachments:
            edge_props: dict[str, PropValue] = {
                "device": att.get("Device"),
                "state": att.get("State"),
                "delete_on_termination": att.get("DeleteOnTermination"),
            }
            target = arn(region, account, f"instance/{att['InstanceId']}")
            edges.append(EdgeRow("ATTACHED_TO", "EBSVolume", node_id, "EC2Instance", target, edge_props))
        if vol.get("SnapshotId"):
            target = snapshot_arn(region, vol["SnapshotId"])
            edges.append(EdgeRow("CREATED_FROM", "EBSVolume", node_id, "EBSSnapshot", target))
    return Transformed(tuple(nodes), tuple(edges))


def transform_snapshots(snapshots: Iterable[SnapshotTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for snap in snapshots:
        snapshot_id = snap.get("SnapshotId")
        if not snapshot_id or not _owned(snap.get("OwnerId"), account):
            continue
        node_id = snapshot_arn(region, snapshot_id)
        tags = snap.get("Tags")
        volume_id = snap.get("VolumeId")
        # vol-ffffffff is the placeholder AWS shows for snapshots copied from elsewhere.
        real_volume = volume_id if volume_id and volume_id != "vol-ffffffff" else None
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, snapshot_id),
            "tags": tag_list(tags),
            "snapshot_id": snapshot_id,
            "volume_id": volume_id,
            "volume_size": snap.get("VolumeSize"),
            "state": snap.get("State"),
            "progress": snap.get("Progress") or None,
            "encrypted": snap.get("Encrypted"),
            "kms_key_id": snap.get("KmsKeyId"),
            "start_time": parse_time(snap.get("StartTime")),
            "description": snap.get("Description") or None,
            "owner_id": snap.get("OwnerId"),
            "storage_tier": snap.get("StorageTier"),
        }
        nodes.append(NodeRow("EBSSnapshot", node_id, props))
        if real_volume:
            target = arn(region, account, f"volume/{real_volume}")
            edges.append(EdgeRow("SNAPSHOT_OF", "EBSSnapshot", node_id, "EBSVolume", target))
    return Transformed(tuple(nodes), tuple(edges))


def transform_images(images: Iterable[ImageTypeDef], account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for image in images:
        image_id = image.get("ImageId")
        if not image_id or not _owned(image.get("OwnerId"), account):
            continue
        node_id = image_arn(region, image_id)
        tags = image.get("Tags")
        snapshot_ids = tuple(
            sorted(
                {
                    str(bdm["Ebs"]["SnapshotId"])
                    for bdm in image.get("BlockDeviceMappings", [])
                    if bdm.get("Ebs", {}).get("SnapshotId")
                }
            )
        )
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, image.get("Name") or image_id),
            "tags": tag_list(tags),
            "image_id": image_id,
            "image_name": image.get("Name"),
            "state": image.get("State"),
            "description": image.get("Description") or None,
            "architecture": image.get("Architecture"),
            "platform": image.get("PlatformDetails"),
            "image_type": image.get("ImageType"),
            "root_device_type": image.get("RootDeviceType"),
            "root_device_name": image.get("RootDeviceName"),
            "virtualization_type": image.get("VirtualizationType"),
            "creation_date": parse_time(image.get("CreationDate")),
            "public": image.get("Public"),
            "owner_id": image.get("OwnerId"),
            "snapshot_ids": snapshot_ids or None,
        }
        nodes.append(NodeRow("AMI", node_id, props))
        for snapshot_id in snapshot_ids:
            edges.append(EdgeRow("USES_SNAPSHOT", "AMI", node_id, "EBSSnapshot", snapshot_arn(region, snapshot_id)))
    return Transformed(tuple(nodes), tuple(edges))


def transform_ebs(payload: EbsPayload, account: str, region: str) -> Transformed:
    return (
        transform_volumes(payload.volumes, account, region)
        + transform_snapshots(payload.snapshots, account, region)
        + transform_images(payload.images, account, region)
    )


UNIT = AwsUnit("ebs", LABELS, fetch_ebs, transform_ebs)
