"""EC2 Auto Scaling groups and the launch templates they launch from.

get: every page of describe_auto_scaling_groups and describe_launch_templates, and the latest version
of each template (describe_launch_template_versions with $Latest).
transform (pure): AutoScalingGroup and LaunchTemplate nodes; the group's subnets (VPCZoneIdentifier),
template (with the version it asks for), target groups, classic ELBs and member instances.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_common import (
    client,
    ec2_arn,
    instance_arn,
    integer,
    resource,
    sg_arn,
    strings,
    subnet_arn,
    tags_from_list,
    text,
    timestamp,
)
from ingest.providers.aws.compute_elb import classic_arn
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_autoscaling.type_defs import AutoScalingGroupTypeDef
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.type_defs import LaunchTemplateTypeDef, LaunchTemplateVersionTypeDef

log = logging.getLogger(__name__)

LABELS = ("AutoScalingGroup", "LaunchTemplate")


@dataclass(frozen=True)
class AutoScalingPayload:
    """What one account and region returned; ``latest_versions`` is keyed by launch template id."""

    groups: Sequence[AutoScalingGroupTypeDef] = ()
    launch_templates: Sequence[LaunchTemplateTypeDef] = ()
    latest_versions: Mapping[str, LaunchTemplateVersionTypeDef] = field(default_factory=dict)


# --- get -------------------------------------------------------------------------------------------


def get_autoscaling(autoscaling: AutoScalingClient, ec2: EC2Client) -> AutoScalingPayload:
    groups = [
        g
        for page in autoscaling.get_paginator("describe_auto_scaling_groups").paginate()
        for g in page["AutoScalingGroups"]
    ]
    templates = [
        t for page in ec2.get_paginator("describe_launch_templates").paginate() for t in page["LaunchTemplates"]
    ]
    latest: dict[str, LaunchTemplateVersionTypeDef] = {}
    for template in templates:
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest"]
        ).get("LaunchTemplateVersions", [])
        if versions:
            latest[template["LaunchTemplateId"]] = versions[0]
    return AutoScalingPayload(groups, templates, latest)


# --- transform (pure) ------------------------------------------------------------------------------


def launch_template_arn(region: str, account: str, template_id: str) -> str:
    return ec2_arn(region, account, f"launch-template/{template_id}")


def _template_groups(data: Mapping[str, Any]) -> tuple[str, ...]:
    ids = list(strings(data.get("SecurityGroupIds")) or ())
    for interface in data.get("NetworkInterfaces") or []:
        if isinstance(interface, dict):
            ids += strings(interface.get("Groups")) or ()
    return tuple(dict.fromkeys(ids))


def _template_subnets(data: Mapping[str, Any]) -> tuple[str, ...] | None:
    interfaces = [i for i in data.get("NetworkInterfaces") or [] if isinstance(i, dict)]
    return tuple(sorted({s for i in interfaces if (s := text(i.get("SubnetId")))})) or None


def transform_launch_templates(
    templates: Iterable[LaunchTemplateTypeDef],
    latest: Mapping[str, LaunchTemplateVersionTypeDef],
    account: str,
    region: str,
) -> Transformed:
    nodes, edges = [], []
    for template in templates:
        template_id = text(template.get("LaunchTemplateId"))
        if not template_id:
            continue
        node_id = launch_template_arn(region, account, template_id)
        data: Mapping[str, Any] = latest.get(template_id, {}).get("LaunchTemplateData") or {}
        groups = _template_groups(data)
        profile = data.get("IamInstanceProfile") or {}
        props = resource(
            account,
            region,
            text(template.get("LaunchTemplateName")) or template_id,
            tags_from_list(template.get("Tags")),
            launch_template_id=template_id,
            launch_template_name=text(template.get("LaunchTemplateName")),
            latest_version=integer(template.get("LatestVersionNumber")),
            default_version=integer(template.get("DefaultVersionNumber")),
            instance_type=text(data.get("InstanceType")),
            image_id=text(data.get("ImageId")),
            security_group_ids=groups or None,
            key_name=text(data.get("KeyName")),
            iam_instance_profile_arn=text(profile.get("Arn")) or text(profile.get("Name")),
            subnet_ids=_template_subnets(data),
            metadata_http_tokens=text((data.get("MetadataOptions") or {}).get("HttpTokens")),
            created_time=timestamp(template.get("CreateTime")),
        )
        nodes.append(NodeRow("LaunchTemplate", node_id, props))
        edges += [
            EdgeRow("USES_SECURITY_GROUP", "LaunchTemplate", node_id, "SecurityGroup", sg_arn(region, account, g))
            for g in groups
        ]
    return Transformed(tuple(nodes), tuple(edges))


def _template_ref(group: Mapping[str, Any]) -> Mapping[str, Any]:
    """The launch template a group uses: directly, or through a mixed instances policy."""
    direct = group.get("LaunchTemplate")
    if isinstance(direct, dict):
        return direct
    policy = group.get("MixedInstancesPolicy") or {}
    spec = (policy.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
    return spec if isinstance(spec, dict) else {}


def transform_groups(
    groups: Iterable[AutoScalingGroupTypeDef], template_ids_by_name: Mapping[str, str], account: str, region: str
) -> Transformed:
    nodes, edges = [], []
    for group in groups:
        name = text(group.get("AutoScalingGroupName"))
        node_id = text(group.get("AutoScalingGroupARN"))
        if not name or not node_id:
            continue
        ref = _template_ref(group)
        template_id = text(ref.get("LaunchTemplateId")) or template_ids_by_name.get(
            str(ref.get("LaunchTemplateName") or "")
        )
        version = text(ref.get("Version"))
        subnets = tuple(s.strip() for s in str(group.get("VPCZoneIdentifier") or "").split(",") if s.strip())
        target_groups = strings(group.get("TargetGroupARNs")) or ()
        classic = strings(group.get("LoadBalancerNames")) or ()
        props = resource(
            account,
            region,
            name,
            tags_from_list(group.get("Tags")),
            auto_scaling_group_name=name,
            min_size=integer(group.get("MinSize")),
            max_size=integer(group.get("MaxSize")),
            desired_capacity=integer(group.get("DesiredCapacity")),
            health_check_type=text(group.get("HealthCheckType")),
            availability_zones=strings(group.get("AvailabilityZones")),
            subnet_ids=subnets or None,
            launch_template_id=template_id,
            launch_template_version=version,
            launch_configuration_name=text(group.get("LaunchConfigurationName")),
            target_group_arns=target_groups or None,
            load_balancer_names=classic or None,
            service_linked_role_arn=text(group.get("ServiceLinkedRoleARN")),
            created_time=timestamp(group.get("CreatedTime")),
        )
        nodes.append(NodeRow("AutoScalingGroup", node_id, props))
        edges += [
            EdgeRow("IN_SUBNET", "AutoScalingGroup", node_id, "Subnet", subnet_arn(region, account, s)) for s in subnets
        ]
        if template_id:
            version_props: dict[str, PropValue] | None = {"version": version} if version else None
            template = launch_template_arn(region, account, template_id)
            edges.append(
                EdgeRow("USES_LAUNCH_TEMPLATE", "AutoScalingGroup", node_id, "LaunchTemplate", template, version_props)
            )
        edges += [EdgeRow("ATTACHED_TO", "AutoScalingGroup", node_id, "TargetGroup", tg) for tg in target_groups]
        edges += [
            EdgeRow("ATTACHED_TO", "AutoScalingGroup", node_id, "LoadBalancer", classic_arn(region, account, lb))
            for lb in classic
        ]
        for instance in group.get("Instances") or []:
            instance_id = text(instance.get("InstanceId")) if isinstance(instance, dict) else None
            if instance_id:
                member: dict[str, PropValue] = {
                    "lifecycle_state": text(instance.get("LifecycleState")),
                    "health_status": text(instance.get("HealthStatus")),
                }
                target = instance_arn(region, account, instance_id)
                edges.append(EdgeRow("MANAGES", "AutoScalingGroup", node_id, "EC2Instance", target, member))
    return Transformed(tuple(nodes), tuple(edges))


def transform_autoscaling(payload: AutoScalingPayload, account: str, region: str) -> Transformed:
    by_name = {
        str(t.get("LaunchTemplateName")): str(t.get("LaunchTemplateId"))
        for t in payload.launch_templates
        if t.get("LaunchTemplateName") and t.get("LaunchTemplateId")
    }
    return transform_launch_templates(
        payload.launch_templates, payload.latest_versions, account, region
    ) + transform_groups(payload.groups, by_name, account, region)


# --- the unit ---------------------------------------------------------------------------------------


def fetch_autoscaling(clients: AwsClients, region: str) -> AutoScalingPayload:
    return get_autoscaling(client(clients, "autoscaling", region), clients.ec2(region))


UNITS = (AwsUnit("autoscaling", LABELS, fetch_autoscaling, transform_autoscaling),)
