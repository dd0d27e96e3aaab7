"""ECS clusters, services, task definitions and tasks.

get: every page of list_clusters, then per cluster list_services / list_tasks with their describe
calls in the API's batch sizes (10 services, 100 tasks or clusters); task definitions: the revision
each service and task uses plus the latest ACTIVE revision of every family (not every historic
revision: accounts that deploy often keep thousands).
transform (pure): nodes, IN_CLUSTER and USES_TASK_DEFINITION edges, a service's target groups and
classic ELBs (ATTACHED_TO, with container and port), awsvpc subnets and security groups.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_common import (
    client,
    integer,
    last_segment,
    resource,
    sg_arn,
    strings,
    subnet_arn,
    tags_from_list,
    text,
    timestamp,
)
from ingest.providers.aws.compute_elb import classic_arn
from ingest.providers.aws.config_refs import references
from ingest.providers.aws.fanout import each
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_ecs.type_defs import ClusterTypeDef, ServiceTypeDef, TaskDefinitionTypeDef, TaskTypeDef

log = logging.getLogger(__name__)

LABELS = ("ECSCluster", "ECSService", "ECSTaskDefinition", "ECSTask")


@dataclass(frozen=True)
class TaskDefinition:
    """describe_task_definition's answer: the definition and its tags (they come beside it)."""

    definition: TaskDefinitionTypeDef
    tags: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class EcsPayload:
    clusters: Sequence[ClusterTypeDef] = ()
    services: Sequence[ServiceTypeDef] = ()
    task_definitions: Sequence[TaskDefinition] = ()
    tasks: Sequence[TaskTypeDef] = ()


# --- get -------------------------------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _latest_per_family(arns: Iterable[str]) -> list[str]:
    latest: dict[str, tuple[int, str]] = {}
    for task_definition_arn in arns:
        family, _, revision = task_definition_arn.rpartition(":")  # ...:task-definition/<family>:<revision>
        number = integer(revision) or 0
        if family not in latest or number > latest[family][0]:
            latest[family] = (number, task_definition_arn)
    return [a for _, a in latest.values()]


def _cluster_contents(ecs: ECSClient, cluster_arn: str) -> tuple[list[ServiceTypeDef], list[TaskTypeDef]]:
    services: list[ServiceTypeDef] = []
    tasks: list[TaskTypeDef] = []
    service_arns = [
        a for page in ecs.get_paginator("list_services").paginate(cluster=cluster_arn) for a in page["serviceArns"]
    ]
    for chunk in _chunks(service_arns, 10):
        services += ecs.describe_services(cluster=cluster_arn, services=chunk, include=["TAGS"]).get("services", [])
    task_arns = [a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster_arn) for a in page["taskArns"]]
    for chunk in _chunks(task_arns, 100):
        tasks += ecs.describe_tasks(cluster=cluster_arn, tasks=chunk, include=["TAGS"]).get("tasks", [])
    return services, tasks


def get_ecs(ecs: ECSClient, concurrency: int = 1) -> EcsPayload:
    cluster_arns = [a for page in ecs.get_paginator("list_clusters").paginate() for a in page["clusterArns"]]
    clusters = [
        c
        for chunk in _chunks(cluster_arns, 100)
        for c in ecs.describe_clusters(clusters=chunk, include=["TAGS"]).get("clusters", [])
    ]
    per_cluster = each(concurrency, cluster_arns, lambda cluster_arn: _cluster_contents(ecs, cluster_arn))
    services = [service for found, _ in per_cluster for service in found]
    tasks = [task for _, found in per_cluster for task in found]
    active = [
        a
        for page in ecs.get_paginator("list_task_definitions").paginate(status="ACTIVE")
        for a in page["taskDefinitionArns"]
    ]
    wanted = dict.fromkeys(
        [*(text(s.get("taskDefinition")) for s in services), *(text(t.get("taskDefinitionArn")) for t in tasks)]
    )
    wanted.update(dict.fromkeys(_latest_per_family(active)))

    def definition(task_definition_arn: str) -> TaskDefinition:
        answer = ecs.describe_task_definition(taskDefinition=task_definition_arn, include=["TAGS"])
        return TaskDefinition(answer["taskDefinition"], (answer.get("tags") or []))

    definitions = each(concurrency, [a for a in wanted if a], definition)
    return EcsPayload(clusters, services, definitions, tasks)


# --- transform (pure) ------------------------------------------------------------------------------


def _tags(tags: object) -> tuple[str, ...]:
    return tags_from_list(tags, key="key", value="value")


def transform_clusters(clusters: Iterable[ClusterTypeDef], account: str, region: str) -> Transformed:
    nodes = []
    for cluster in clusters:
        cluster_arn = text(cluster.get("clusterArn"))
        if not cluster_arn:
            continue
        name = text(cluster.get("clusterName")) or last_segment(cluster_arn)
        props = resource(
            account,
            region,
            name,
            _tags(cluster.get("tags")),
            cluster_name=name,
            status=text(cluster.get("status")),
            active_services_count=integer(cluster.get("activeServicesCount")),
            running_tasks_count=integer(cluster.get("runningTasksCount")),
            pending_tasks_count=integer(cluster.get("pendingTasksCount")),
            registered_container_instances_count=integer(cluster.get("registeredContainerInstancesCount")),
            capacity_providers=strings(cluster.get("capacityProviders")),
        )
        nodes.append(NodeRow("ECSCluster", cluster_arn, props))
    return Transformed(tuple(nodes), ())


def _awsvpc(holder: Mapping[str, Any]) -> Mapping[str, Any]:
    config = (holder.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    return config if isinstance(config, dict) else {}


def transform_services(services: Iterable[ServiceTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for service in services:
        service_arn = text(service.get("serviceArn"))
        if not service_arn:
            continue
        name = text(service.get("serviceName")) or last_segment(service_arn)
        cluster_arn, task_definition = text(service.get("clusterArn")), text(service.get("taskDefinition"))
        awsvpc = _awsvpc(service)
        subnets, groups = strings(awsvpc.get("subnets")) or (), strings(awsvpc.get("securityGroups")) or ()
        props = resource(
            account,
            region,
            name,
            _tags(service.get("tags")),
            service_name=name,
            cluster_arn=cluster_arn,
            status=text(service.get("status")),
            launch_type=text(service.get("launchType")),
            desired_count=integer(service.get("desiredCount")),
            running_count=integer(service.get("runningCount")),
            task_definition_arn=task_definition,
            scheduling_strategy=text(service.get("schedulingStrategy")),
            subnet_ids=subnets or None,
            security_group_ids=groups or None,
            assign_public_ip=text(awsvpc.get("assignPublicIp")),
            role_arn=text(service.get("roleArn")),
            created_at=timestamp(service.get("createdAt")),
        )
        nodes.append(NodeRow("ECSService", service_arn, props))
        if cluster_arn:
            edges.append(EdgeRow("IN_CLUSTER", "ECSService", service_arn, "ECSCluster", cluster_arn))
        if task_definition:
            edges.append(
                EdgeRow("USES_TASK_DEFINITION", "ECSService", service_arn, "ECSTaskDefinition", task_definition)
            )
        for lb in service.get("loadBalancers") or []:
            if not isinstance(lb, dict):
                continue
            lb_props: dict[str, PropValue] = {
                "container_name": text(lb.get("containerName")),
                "container_port": integer(lb.get("containerPort")),
            }
            if text(lb.get("targetGroupArn")):
                edges.append(
                    EdgeRow("ATTACHED_TO", "ECSService", service_arn, "TargetGroup", lb["targetGroupArn"], lb_props)
                )
            elif text(lb.get("loadBalancerName")):
                target = classic_arn(region, account, lb["loadBalancerName"])
                edges.append(EdgeRow("ATTACHED_TO", "ECSService", service_arn, "LoadBalancer", target, lb_props))
        edges += [
            EdgeRow("IN_SUBNET", "ECSService", service_arn, "Subnet", subnet_arn(region, account, s)) for s in subnets
        ]
        edges += [
            EdgeRow("MEMBER_OF_SECURITY_GROUP", "ECSService", service_arn, "SecurityGroup", sg_arn(region, account, g))
            for g in groups
        ]
    return Transformed(tuple(nodes), tuple(edges))


def _container_settings(containers: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(name, value) of every container's plain variables and (name, source ARN) of its injected secrets."""
    pairs: list[tuple[str, str]] = []
    for container in containers:
        for item in container.get("environment") or []:
            if isinstance(item, dict):
                pairs.append((str(item.get("name") or ""), str(item.get("value") or "")))
        for item in container.get("secrets") or []:
            if isinstance(item, dict):
                pairs.append((str(item.get("name") or ""), str(item.get("valueFrom") or "")))
    return pairs


def _container_ports(containers: Iterable[Mapping[str, Any]]) -> tuple[str, ...] | None:
    ports = {
        port
        for container in containers
        for mapping in container.get("portMappings") or []
        if isinstance(mapping, dict) and (port := integer(mapping.get("containerPort"))) is not None
    }
    return tuple(str(p) for p in sorted(ports)) or None


def transform_task_definitions(definitions: Iterable[TaskDefinition], account: str, region: str) -> Transformed:
    nodes = []
    for item in definitions:
        definition = item.definition
        node_id = text(definition.get("taskDefinitionArn"))
        if not node_id:
            continue
        family, revision = text(definition.get("family")), integer(definition.get("revision"))
        containers = [c for c in (definition.get("containerDefinitions") or []) if isinstance(c, dict)]
        props = resource(
            account,
            region,
            f"{family}:{revision}" if family else node_id.rsplit("/", 1)[-1],
            _tags(item.tags),
            family=family,
            revision=revision,
            status=text(definition.get("status")),
            task_role_arn=text(definition.get("taskRoleArn")),
            execution_role_arn=text(definition.get("executionRoleArn")),
            network_mode=text(definition.get("networkMode")),
            requires_compatibilities=strings(definition.get("requiresCompatibilities")),
            cpu=text(definition.get("cpu")),
            memory=text(definition.get("memory")),
            container_names=strings([c.get("name") for c in containers]),
            container_images=strings([c.get("image") for c in containers]),
            container_ports=_container_ports(containers),
            config_references=references(_container_settings(containers), account, region),
        )
        nodes.append(NodeRow("ECSTaskDefinition", node_id, props))
    return Transformed(tuple(nodes), ())


def _eni_details(task: Mapping[str, Any]) -> dict[str, str]:
    for attachment in task.get("attachments") or []:
        if isinstance(attachment, dict) and attachment.get("type") == "ElasticNetworkInterface":
            return {
                str(d.get("name")): str(d.get("value"))
                for d in (attachment.get("details") or [])
                if isinstance(d, dict) and d.get("value")
            }
    return {}


def transform_tasks(tasks: Iterable[TaskTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for task in tasks:
        task_arn = text(task.get("taskArn"))
        if not task_arn:
            continue
        cluster_arn, task_definition = text(task.get("clusterArn")), text(task.get("taskDefinitionArn"))
        eni = _eni_details(task)
        subnet_id = text(eni.get("subnetId"))
        task_id = last_segment(task_arn)
        props = resource(
            account,
            region,
            task_id,
            _tags(task.get("tags")),
            task_id=task_id,
            cluster_arn=cluster_arn,
            task_definition_arn=task_definition,
            last_status=text(task.get("lastStatus")),
            desired_status=text(task.get("desiredStatus")),
            launch_type=text(task.get("launchType")),
            group=text(task.get("group")),
            availability_zone=text(task.get("availabilityZone")),
            private_ip=text(eni.get("privateIPv4Address")),
            subnet_id=subnet_id,
            started_at=timestamp(task.get("startedAt")),
            network_interface_id=text(eni.get("networkInterfaceId")),
            container_instance_arn=text(task.get("containerInstanceArn")),
        )
        nodes.append(NodeRow("ECSTask", task_arn, props))
        if cluster_arn:
            edges.append(EdgeRow("IN_CLUSTER", "ECSTask", task_arn, "ECSCluster", cluster_arn))
        if task_definition:
            edges.append(EdgeRow("USES_TASK_DEFINITION", "ECSTask", task_arn, "ECSTaskDefinition", task_definition))
        if subnet_id:
            edges.append(EdgeRow("IN_SUBNET", "ECSTask", task_arn, "Subnet", subnet_arn(region, account, subnet_id)))
    return Transformed(tuple(nodes), tuple(edges))


def transform_ecs(payload: EcsPayload, account: str, region: str) -> Transformed:
    return (
        transform_clusters(payload.clusters, account, region)
        + transform_services(payload.services, account, region)
        + transform_task_definitions(payload.task_definitions, account, region)
        + transform_tasks(payload.tasks, account, region)
    )


# --- the unit ---------------------------------------------------------------------------------------


def fetch_ecs(clients: AwsClients, region: str) -> EcsPayload:
    return get_ecs(client(clients, "ecs", region), clients.settings.fetch_concurrency)


UNITS = (AwsUnit("ecs", LABELS, fetch_ecs, transform_ecs),)
