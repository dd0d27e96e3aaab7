"""How the launch templates, Lambda, load balancing, Auto Scaling, ECS, EKS and ECR kinds
are read from their published payloads (see aws_reading.Reading)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graph.rows import Transformed
from ingest.providers.aws import compute_ecs, compute_eks, compute_elb, compute_lambda
from ingest.providers.aws.compute_autoscaling import transform_groups, transform_launch_templates
from ingest.providers.aws.compute_ecr import EcrPayload, transform_ecr
from tests.real_payloads.aws_reading import A, F, Items, R, Reading, one

__all__ = ["KINDS"]


def _latest_versions(items: Items) -> Items:
    """The fetch layer describes each template's latest version."""
    latest: dict[str, Mapping[str, Any]] = {}
    for version in items:
        held = latest.get(version["LaunchTemplateId"])
        if held is None or version["VersionNumber"] > held["VersionNumber"]:
            latest[version["LaunchTemplateId"]] = version
    return list(latest.values())


def _template_versions(items: Items) -> Transformed:
    """DescribeLaunchTemplates names each template its versions belong to (same id and name)."""
    templates = [
        {"LaunchTemplateId": v["LaunchTemplateId"], "LaunchTemplateName": v.get("LaunchTemplateName")} for v in items
    ]
    return transform_launch_templates(cast(Any, templates), {v["LaunchTemplateId"]: v for v in items}, A, R)


KINDS: Mapping[str, tuple[Reading, ...]] = {
    "LaunchTemplate": one(
        Reading(
            "LaunchTemplates",
            "LaunchTemplateId",
            lambda i: transform_launch_templates(i, {}, A, R),
            (F("LaunchTemplateName", "launch_template_name"), F("LatestVersionNumber", "latest_version")),
            operations=("DescribeLaunchTemplates",),
        ),
        Reading(
            "LaunchTemplateVersions",
            "LaunchTemplateId",
            _template_versions,
            (
                F("LaunchTemplateData.ImageId", "image_id"),
                F("LaunchTemplateData.InstanceType", "instance_type"),
                F("LaunchTemplateData.KeyName", "key_name"),
                F("LaunchTemplateData.NetworkInterfaces[].Groups[]", edge="USES_SECURITY_GROUP"),
                F("LaunchTemplateData.NetworkInterfaces[].SubnetId", "subnet_ids"),
                F("LaunchTemplateData.IamInstanceProfile.Arn", "iam_instance_profile_arn"),
                F("LaunchTemplateData.MetadataOptions.HttpTokens", "metadata_http_tokens"),
            ),
            operations=("DescribeLaunchTemplateVersions",),
            select=_latest_versions,
        ),
    ),
    "LambdaFunction": one(
        Reading(
            "Functions",
            "FunctionName",
            lambda i: compute_lambda.transform_functions(i, {}, {}, A, R),
            (
                F("Runtime", "runtime"),
                F("Role", "role_arn"),
                F("VpcConfig.SubnetIds[]", edge="IN_SUBNET"),
                F("VpcConfig.SecurityGroupIds[]", edge="MEMBER_OF_SECURITY_GROUP"),
                F("KMSKeyArn", "kms_key_arn"),
            ),
        )
    ),
    "LambdaEventSourceMapping": one(
        Reading(
            "EventSourceMappings",
            "UUID",
            lambda i: compute_lambda.transform_mappings(i, A, R),
            (
                F("EventSourceArn", "event_source_arn"),
                F("FunctionArn", edge="INVOKES"),
                F("State", "state"),
                F("BatchSize", "batch_size"),
            ),
        )
    ),
    "LoadBalancer": one(
        Reading(
            "LoadBalancers",
            "LoadBalancerArn",
            lambda i: compute_elb.transform_load_balancers(i, {}, A, R),
            (
                F("Scheme", "scheme"),
                F("DNSName", "dns_name"),
                F("AvailabilityZones[].SubnetId", edge="IN_SUBNET"),
                F("SecurityGroups[]", edge="MEMBER_OF_SECURITY_GROUP"),
                F("VpcId", edge="IN_VPC"),
            ),
        )
    ),
    "TargetGroup": one(
        Reading(
            "TargetGroups",
            "TargetGroupArn",
            lambda i: compute_elb.transform_target_groups(i, {}, {}, A, R),
            (
                F("Protocol", "protocol"),
                F("Port", "port"),
                F("TargetType", "target_type"),
                F("LoadBalancerArns[]", "load_balancer_arns"),
            ),
        )
    ),
    "Listener": one(
        Reading(
            "Listeners",
            "ListenerArn",
            lambda i: compute_elb.transform_listeners(i, {}, A, R),
            (
                F("Port", "port"),
                F("Protocol", "protocol"),
                F("SslPolicy", "ssl_policy"),
                F("Certificates[].CertificateArn", "certificate_arns"),
                F("DefaultActions[].TargetGroupArn", edge="FORWARDS_TO"),
            ),
        )
    ),
    "AutoScalingGroup": one(
        Reading(
            "AutoScalingGroups",
            "AutoScalingGroupName",
            lambda i: transform_groups(i, {}, A, R),
            (
                F("Instances[].InstanceId", edge="MANAGES"),
                F("VPCZoneIdentifier", edge="IN_SUBNET"),
                F("TargetGroupARNs[]", edge="REGISTERED_IN"),
            ),
        )
    ),
    "ECSCluster": one(
        Reading("clusters", "clusterArn", lambda i: compute_ecs.transform_clusters(i, A, R), (F("status", "status"),))
    ),
    "ECSService": one(
        Reading(
            "services",
            "serviceArn",
            lambda i: compute_ecs.transform_services(i, A, R),
            (
                F("taskDefinition", edge="USES_TASK_DEFINITION"),
                F("loadBalancers[].targetGroupArn", edge="REGISTERED_IN"),
                F("clusterArn", edge="IN_CLUSTER"),
            ),
        )
    ),
    "ECSTaskDefinition": one(
        Reading(
            "taskDefinition",
            "taskDefinitionArn",
            lambda i: compute_ecs.transform_task_definitions([compute_ecs.TaskDefinition(d) for d in i], A, R),
            (
                F("family", "family"),
                F("containerDefinitions[].image", "container_images"),
                F("containerDefinitions[].name", "container_names"),
                F("taskRoleArn", "task_role_arn"),
                F("executionRoleArn", "execution_role_arn"),
                F("networkMode", "network_mode"),
                F("containerDefinitions[].portMappings[].containerPort", "container_ports"),
            ),
        )
    ),
    "ECSTask": one(
        Reading(
            "tasks",
            "taskArn",
            lambda i: compute_ecs.transform_tasks(i, A, R),
            (
                F("clusterArn", edge="IN_CLUSTER"),
                F("taskDefinitionArn", edge="USES_TASK_DEFINITION"),
                F("lastStatus", "last_status"),
                F("launchType", "launch_type"),
                F("containerInstanceArn", "container_instance_arn"),
            ),
        )
    ),
    "EKSCluster": one(
        Reading(
            "cluster",
            "name",
            lambda i: compute_eks.transform_clusters(i, A, R),
            (
                F("roleArn", "role_arn"),
                F("resourcesVpcConfig.subnetIds[]", edge="IN_SUBNET"),
                F("resourcesVpcConfig.endpointPublicAccess", "endpoint_public_access"),
                F("resourcesVpcConfig.publicAccessCidrs[]", "public_access_cidrs"),
                F("resourcesVpcConfig.securityGroupIds[]", edge="MEMBER_OF_SECURITY_GROUP"),
                F("resourcesVpcConfig.clusterSecurityGroupId", edge="MEMBER_OF_SECURITY_GROUP"),
                F("resourcesVpcConfig.vpcId", edge="IN_VPC"),
                F("logging.clusterLogging[].types[]", "enabled_log_types"),
            ),
        )
    ),
    "EKSNodeGroup": one(
        Reading(
            "nodegroup",
            "nodegroupArn",
            lambda i: compute_eks.transform_nodegroups(i, A, R),
            (
                F("nodeRole", "node_role_arn"),
                F("subnets[]", edge="IN_SUBNET"),
                F("clusterName", edge="IN_CLUSTER"),
                F("resources.autoScalingGroups[].name", "auto_scaling_group_names"),
                F("instanceTypes[]", "instance_types"),
                F("remoteAccess.ec2SshKey", "remote_access_ssh_key"),
            ),
        )
    ),
    "ECRRepository": one(
        Reading(
            "repositories",
            "repositoryArn",
            lambda i: transform_ecr(EcrPayload(repositories=i), A, R),
            (F("repositoryUri", "uri"),),
        )
    ),
}
