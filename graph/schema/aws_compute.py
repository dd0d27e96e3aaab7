"""AWS compute and load balancing node kinds and relationship types.

Load balancers (ELBv2 and classic) with listeners and target groups, Auto Scaling groups and launch
templates, Lambda functions and event source mappings, ECS clusters/services/task definitions/tasks,
EKS clusters and node groups, ECR repositories. Edges to labels other areas own (IAM roles, SQS
queues, KMS keys) are not declared here: those ARNs are stored as properties (``role_arn``, ...).
"""

from __future__ import annotations

from graph.schema.model import FREE, EntryPoint, NodeKind, Property, RelType

P = Property

LOAD_BALANCER = NodeKind(
    label="LoadBalancer",
    provider="aws",
    service="elasticloadbalancing",
    description="An Elastic Load Balancer: application, network or gateway (ELBv2), or classic.",
    properties=(
        P("load_balancer_name", "string", "The load balancer's name.", indexed=True),
        P("lb_type", "string", "application, network, gateway or classic.", indexed=True),
        P("scheme", "string", "internet-facing or internal.", indexed=True),
        P("dns_name", "string", "Public or internal DNS name clients resolve.", indexed=True),
        P("elastic_ip_allocation_ids", "string[]", "Elastic IPs of a network load balancer's zones (eipalloc-...)."),
        P("state", "string", "provisioning, active, active_impaired or failed (ELBv2 only)."),
        P("vpc_id", "string", "VPC the load balancer is in."),
        P("ip_address_type", "string", "ipv4, dualstack or dualstack-without-public-ipv4."),
        P("availability_zones", "string[]", "Availability zones it serves."),
        P("subnet_ids", "string[]", "Subnets it has nodes in."),
        P("security_group_ids", "string[]", "Security groups attached (ALB, NLB with groups, classic)."),
        P("canonical_hosted_zone_id", "string", "Route 53 zone id of its DNS name (alias targets)."),
        P("created_time", "datetime", "When it was created."),
    ),
    entry_point=EntryPoint(3, "scheme", "internet-facing", in_network=True),
    billing="load_balancer",
)

LISTENER = NodeKind(
    label="Listener",
    provider="aws",
    service="elasticloadbalancing",
    description="A load balancer listener: a protocol and port, and the default action for requests.",
    properties=(
        P("load_balancer_arn", "string", "The load balancer it belongs to."),
        P("protocol", "string", "HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE (classic: also SSL).", indexed=True),
        P("port", "int", "Port it listens on.", indexed=True),
        P("ssl_policy", "string", "TLS negotiation policy (HTTPS and TLS listeners)."),
        P("certificate_arns", "string[]", "Server certificates (ACM or IAM)."),
        P("default_action_types", "string[]", "Types of the default actions: forward, redirect, fixed-response, ..."),
        P("instance_protocol", "string", "Classic only: protocol to the instances."),
        P("instance_port", "int", "Classic only: port on the instances."),
    ),
    billing=FREE,
)

TARGET_GROUP = NodeKind(
    label="TargetGroup",
    provider="aws",
    service="elasticloadbalancing",
    description="An ELBv2 target group: where listeners forward traffic (instances, IPs, a Lambda, an ALB).",
    properties=(
        P("target_group_name", "string", "The target group's name.", indexed=True),
        P("protocol", "string", "Protocol to the targets."),
        P("port", "int", "Default port on the targets."),
        P("target_type", "string", "instance, ip, lambda or alb.", indexed=True),
        P("vpc_id", "string", "VPC of the targets (absent for lambda targets)."),
        P("health_check_protocol", "string", "Health check protocol."),
        P("health_check_path", "string", "Health check path (HTTP/HTTPS)."),
        P("load_balancer_arns", "string[]", "Load balancers whose listeners or rules forward here."),
        P("ip_targets", "string[]", "ip targets as 'address:port' strings (target_type ip)."),
    ),
    billing=FREE,
)

AUTO_SCALING_GROUP = NodeKind(
    label="AutoScalingGroup",
    provider="aws",
    service="autoscaling",
    description="An EC2 Auto Scaling group: a fleet of instances kept between a minimum and a maximum size.",
    properties=(
        P("auto_scaling_group_name", "string", "The group's name.", indexed=True),
        P("min_size", "int", "Minimum number of instances."),
        P("max_size", "int", "Maximum number of instances."),
        P("desired_capacity", "int", "Number of instances it aims for."),
        P("health_check_type", "string", "EC2 or ELB (or EBS, VPC_LATTICE)."),
        P("availability_zones", "string[]", "Zones it launches into."),
        P("subnet_ids", "string[]", "Subnets from VPCZoneIdentifier."),
        P("launch_template_id", "string", "Launch template it launches from (lt-...)."),
        P("launch_template_version", "string", "Version it uses: a number, $Latest or $Default."),
        P("launch_configuration_name", "string", "Legacy launch configuration, when used instead of a template."),
        P("target_group_arns", "string[]", "Target groups its instances are registered in."),
        P("load_balancer_names", "string[]", "Classic load balancers its instances are registered with."),
        P("service_linked_role_arn", "string", "IAM role Auto Scaling acts with."),
        P("created_time", "datetime", "When the group was created."),
    ),
    billing=FREE,
)

LAUNCH_TEMPLATE = NodeKind(
    label="LaunchTemplate",
    provider="aws",
    service="ec2",
    description="An EC2 launch template; properties describe its latest version.",
    properties=(
        P("launch_template_id", "string", "Template id (lt-...).", indexed=True),
        P("launch_template_name", "string", "Template name."),
        P("latest_version", "int", "Latest version number."),
        P("default_version", "int", "Default version number."),
        P("instance_type", "string", "Latest version's instance type."),
        P("image_id", "string", "Latest version's AMI id."),
        P("security_group_ids", "string[]", "Latest version's security group ids (also from its interfaces)."),
        P("key_name", "string", "Latest version's SSH key pair."),
        P("iam_instance_profile_arn", "string", "Latest version's instance profile (ARN, or name when only that)."),
        P("subnet_ids", "string[]", "Latest version's network interfaces' subnets (where its instances launch)."),
        P("metadata_http_tokens", "string", "Latest version's instance metadata tokens: required or optional."),
        P("created_time", "datetime", "When the template was created."),
    ),
    billing=FREE,
)

LAMBDA_FUNCTION = NodeKind(
    label="LambdaFunction",
    provider="aws",
    service="lambda",
    description="A Lambda function ($LATEST). Environment variable names only, never their values.",
    properties=(
        P("function_name", "string", "Function name.", indexed=True),
        P("runtime", "string", "Runtime, e.g. python3.12 (absent for container images).", indexed=True),
        P("handler", "string", "Handler entry point."),
        P("package_type", "string", "Zip or Image."),
        P("memory_size", "int", "Memory in MB."),
        P("timeout", "int", "Timeout in seconds."),
        P("role_arn", "string", "Execution role ARN.", indexed=True),
        P("architectures", "string[]", "x86_64 and/or arm64."),
        P("state", "string", "Pending, Active, Inactive or Failed."),
        P("last_modified", "datetime", "When the function was last updated."),
        P("vpc_id", "string", "VPC of its network interfaces, when it runs in one."),
        P("subnet_ids", "string[]", "Subnets of its network interfaces."),
        P("security_group_ids", "string[]", "Security groups of its network interfaces."),
        P("environment_variable_names", "string[]", "Names of its environment variables (values are never stored)."),
        P(
            "config_references",
            "string[]",
            "NAME=resource for each environment variable whose value names a resource (never the value itself).",
        ),
        P("kms_key_arn", "string", "Customer managed key encrypting its environment."),
        P("layer_arns", "string[]", "Layer version ARNs."),
        P("function_url", "string", "Function URL, when one is configured."),
        P("function_url_auth_type", "string", "NONE (public) or AWS_IAM, when a function URL is configured."),
        P("description", "string", "The function's description."),
    ),
    entry_point=EntryPoint(2, "function_url_auth_type", "NONE"),
    iam_prefixes=("lambda",),
)

LAMBDA_EVENT_SOURCE_MAPPING = NodeKind(
    label="LambdaEventSourceMapping",
    provider="aws",
    service="lambda",
    description="A Lambda event source mapping: Lambda polls a queue or stream and invokes a function.",
    properties=(
        P("uuid", "string", "Mapping id.", indexed=True),
        P("event_source_arn", "string", "The queue, stream or cluster it reads from.", indexed=True),
        P("function_arn", "string", "The function it invokes."),
        P("state", "string", "Enabled, Disabled, Creating, ..."),
        P("batch_size", "int", "Records per invocation."),
        P("maximum_batching_window", "int", "Seconds to gather records before invoking."),
        P("starting_position", "string", "Stream start: TRIM_HORIZON, LATEST or AT_TIMESTAMP."),
        P("last_modified", "datetime", "When the mapping was last updated."),
    ),
    billing=FREE,
)

ECS_CLUSTER = NodeKind(
    label="ECSCluster",
    provider="aws",
    service="ecs",
    description="An ECS cluster.",
    properties=(
        P("cluster_name", "string", "Cluster name.", indexed=True),
        P("status", "string", "ACTIVE, PROVISIONING, DEPROVISIONING, FAILED or INACTIVE."),
        P("active_services_count", "int", "Services in ACTIVE state."),
        P("running_tasks_count", "int", "Tasks in RUNNING state."),
        P("pending_tasks_count", "int", "Tasks in PENDING state."),
        P("registered_container_instances_count", "int", "EC2 container instances registered."),
        P("capacity_providers", "string[]", "Capacity providers associated with the cluster."),
    ),
    billing=FREE,
)

ECS_SERVICE = NodeKind(
    label="ECSService",
    provider="aws",
    service="ecs",
    description="An ECS service: keeps a desired number of tasks of one task definition running.",
    properties=(
        P("service_name", "string", "Service name.", indexed=True),
        P("cluster_arn", "string", "Cluster the service runs in."),
        P("status", "string", "ACTIVE, DRAINING or INACTIVE."),
        P("launch_type", "string", "FARGATE, EC2 or EXTERNAL (absent with a capacity provider strategy)."),
        P("desired_count", "int", "Tasks it aims for."),
        P("running_count", "int", "Tasks running."),
        P("task_definition_arn", "string", "Task definition of the primary deployment."),
        P("scheduling_strategy", "string", "REPLICA or DAEMON."),
        P("subnet_ids", "string[]", "awsvpc subnets of its tasks."),
        P("security_group_ids", "string[]", "awsvpc security groups of its tasks."),
        P("assign_public_ip", "string", "ENABLED or DISABLED (awsvpc)."),
        P("role_arn", "string", "Service role ELB registration is done with, when set."),
        P("created_at", "datetime", "When the service was created."),
    ),
)

ECS_TASK_DEFINITION = NodeKind(
    label="ECSTaskDefinition",
    provider="aws",
    service="ecs",
    description="One revision of an ECS task definition (active revisions only).",
    properties=(
        P("family", "string", "Task definition family.", indexed=True),
        P("revision", "int", "Revision number."),
        P("status", "string", "ACTIVE, INACTIVE or DELETE_IN_PROGRESS."),
        P("task_role_arn", "string", "IAM role the containers assume.", indexed=True),
        P("execution_role_arn", "string", "IAM role the agent pulls images and writes logs with."),
        P("network_mode", "string", "awsvpc, bridge, host or none."),
        P("requires_compatibilities", "string[]", "EC2, FARGATE, EXTERNAL."),
        P("cpu", "string", "Task CPU units (as the API gives them)."),
        P("memory", "string", "Task memory in MiB (as the API gives it)."),
        P("container_names", "string[]", "Container names."),
        P("container_images", "string[]", "Container images, in container order."),
        P("container_ports", "string[]", "Ports the containers listen on (port mappings' container ports)."),
        P(
            "config_references",
            "string[]",
            "NAME=resource for each container variable or secret whose value names a resource (never the value).",
        ),
    ),
    billing=FREE,
)

ECS_TASK = NodeKind(
    label="ECSTask",
    provider="aws",
    service="ecs",
    description="A running (or recently stopped) ECS task.",
    properties=(
        P("task_id", "string", "Task id (last part of its ARN).", indexed=True),
        P("cluster_arn", "string", "Cluster the task runs in."),
        P("task_definition_arn", "string", "Task definition it runs."),
        P("last_status", "string", "PROVISIONING, PENDING, RUNNING, STOPPED, ...", indexed=True),
        P("desired_status", "string", "RUNNING or STOPPED."),
        P("launch_type", "string", "FARGATE, EC2 or EXTERNAL."),
        P("group", "string", "service:<name> for a service's tasks, else the started-by group."),
        P("availability_zone", "string", "Availability zone."),
        P("private_ip", "string", "Private IPv4 of its awsvpc interface."),
        P("subnet_id", "string", "Subnet of its awsvpc interface."),
        P("network_interface_id", "string", "Its awsvpc network interface (eni-...)."),
        P("container_instance_arn", "string", "EC2 launch type: the container instance (an EC2 host) it runs on."),
        P("started_at", "datetime", "When the task started."),
    ),
)

EKS_CLUSTER = NodeKind(
    label="EKSCluster",
    provider="aws",
    service="eks",
    description="An EKS Kubernetes control plane.",
    properties=(
        P("cluster_name", "string", "Cluster name.", indexed=True),
        P("version", "string", "Kubernetes version."),
        P("platform_version", "string", "EKS platform version."),
        P("status", "string", "CREATING, ACTIVE, DELETING, FAILED, UPDATING or PENDING."),
        P("endpoint", "string", "API server endpoint."),
        P("endpoint_public_access", "bool", "Whether the API server is reachable from the internet."),
        P("endpoint_private_access", "bool", "Whether the API server is reachable from the VPC."),
        P("public_access_cidrs", "string[]", "CIDRs allowed to the public endpoint."),
        P("role_arn", "string", "IAM role of the control plane.", indexed=True),
        P("vpc_id", "string", "VPC of the cluster."),
        P("subnet_ids", "string[]", "Subnets of the control plane interfaces."),
        P("security_group_ids", "string[]", "Additional security groups of the control plane interfaces."),
        P("cluster_security_group_id", "string", "The security group EKS created for the cluster."),
        P("oidc_issuer", "string", "OIDC issuer URL (IRSA)."),
        P("enabled_log_types", "string[]", "Control plane logs sent to CloudWatch (api, audit, authenticator, ...)."),
        P("created_at", "datetime", "When the cluster was created."),
    ),
    billing="eks_cluster",
)

EKS_NODE_GROUP = NodeKind(
    label="EKSNodeGroup",
    provider="aws",
    service="eks",
    description="An EKS managed node group: worker instances run by an Auto Scaling group EKS manages.",
    properties=(
        P("nodegroup_name", "string", "Node group name.", indexed=True),
        P("cluster_name", "string", "Cluster it belongs to."),
        P("status", "string", "CREATING, ACTIVE, UPDATING, DELETING, DEGRADED, ..."),
        P("version", "string", "Kubernetes version of the nodes."),
        P("release_version", "string", "AMI release version."),
        P("instance_types", "string[]", "Instance types."),
        P("ami_type", "string", "AMI type, e.g. AL2023_x86_64_STANDARD."),
        P("capacity_type", "string", "ON_DEMAND, SPOT or CAPACITY_BLOCK."),
        P("min_size", "int", "Minimum nodes."),
        P("max_size", "int", "Maximum nodes."),
        P("desired_size", "int", "Desired nodes."),
        P("disk_size", "int", "Root volume size in GiB."),
        P("node_role_arn", "string", "IAM role of the nodes.", indexed=True),
        P("subnet_ids", "string[]", "Subnets the nodes launch in."),
        P("auto_scaling_group_names", "string[]", "Auto Scaling groups EKS created for it."),
        P("created_at", "datetime", "When the node group was created."),
    ),
    billing=FREE,
)

ECR_REPOSITORY = NodeKind(
    label="ECRRepository",
    provider="aws",
    service="ecr",
    description="An ECR container image repository.",
    properties=(
        P("repository_name", "string", "Repository name.", indexed=True),
        P("repository_uri", "string", "URI images are pushed to and pulled from.", indexed=True),
        P("registry_id", "string", "Registry (account) id."),
        P("scan_on_push", "bool", "Whether images are scanned when pushed."),
        P("image_tag_mutability", "string", "MUTABLE or IMMUTABLE (or with exclusions)."),
        P("encryption_type", "string", "AES256 or KMS (or KMS_DSSE)."),
        P("kms_key_arn", "string", "KMS key, when encryption_type is KMS."),
        P("created_at", "datetime", "When the repository was created."),
    ),
    iam_prefixes=("ecr",),
)

NODES = (
    LOAD_BALANCER,
    LISTENER,
    TARGET_GROUP,
    AUTO_SCALING_GROUP,
    LAUNCH_TEMPLATE,
    LAMBDA_FUNCTION,
    LAMBDA_EVENT_SOURCE_MAPPING,
    ECS_CLUSTER,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    ECS_TASK,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    ECR_REPOSITORY,
)

_TARGET_PROPS = (
    P("port", "int", "Port traffic is sent to on the target."),
    P("health_state", "string", "initial, healthy, unhealthy, unused, draining or unavailable."),
)
_LB_CONTAINER_PROPS = (
    P("container_name", "string", "Container the load balancer sends traffic to."),
    P("container_port", "int", "Container port."),
)

RELATIONSHIPS = (
    # placement: what is in which subnet, security group, VPC
    RelType("IN_SUBNET", "LoadBalancer", "Subnet", "The load balancer has a node in this subnet."),
    RelType("IN_VPC", "LoadBalancer", "VPC", "The load balancer is in this VPC."),
    RelType("MEMBER_OF_SECURITY_GROUP", "LoadBalancer", "SecurityGroup", "The load balancer uses this group."),
    RelType("IN_VPC", "TargetGroup", "VPC", "The target group's targets are in this VPC."),
    RelType("IN_SUBNET", "AutoScalingGroup", "Subnet", "The group launches instances in this subnet."),
    RelType("IN_SUBNET", "LambdaFunction", "Subnet", "The function's interfaces are in this subnet."),
    RelType("MEMBER_OF_SECURITY_GROUP", "LambdaFunction", "SecurityGroup", "The function's interfaces use this group."),
    RelType("IN_SUBNET", "ECSService", "Subnet", "The service's awsvpc tasks run in this subnet."),
    RelType("MEMBER_OF_SECURITY_GROUP", "ECSService", "SecurityGroup", "The service's awsvpc tasks use this group."),
    RelType("IN_SUBNET", "ECSTask", "Subnet", "The task's awsvpc interface is in this subnet."),
    RelType("IN_SUBNET", "EKSCluster", "Subnet", "The control plane has interfaces in this subnet."),
    RelType("IN_VPC", "EKSCluster", "VPC", "The cluster is in this VPC."),
    RelType("MEMBER_OF_SECURITY_GROUP", "EKSCluster", "SecurityGroup", "The control plane interfaces use this group."),
    RelType("IN_SUBNET", "EKSNodeGroup", "Subnet", "The node group launches nodes in this subnet."),
    RelType("USES_SECURITY_GROUP", "LaunchTemplate", "SecurityGroup", "Instances launched from it get this group."),
    # load balancing
    RelType("PART_OF", "Listener", "LoadBalancer", "The listener belongs to this load balancer."),
    RelType(
        "FORWARDS_TO",
        "Listener",
        "TargetGroup",
        "The listener's default action forwards to this group.",
        (P("weight", "int", "Weight of the group in a weighted forward action."),),
    ),
    RelType("TARGETS", "TargetGroup", "EC2Instance", "The instance is a registered target.", _TARGET_PROPS),
    RelType("TARGETS", "TargetGroup", "LambdaFunction", "The function is the group's target.", _TARGET_PROPS),
    RelType("TARGETS", "TargetGroup", "LoadBalancer", "The ALB is the (NLB) group's target.", _TARGET_PROPS),
    RelType("TARGETS", "LoadBalancer", "EC2Instance", "Classic ELB: the instance is registered with it."),
    # auto scaling
    RelType(
        "USES_LAUNCH_TEMPLATE",
        "AutoScalingGroup",
        "LaunchTemplate",
        "The group launches from this template.",
        (P("version", "string", "Template version the group uses: a number, $Latest or $Default."),),
    ),
    RelType("ATTACHED_TO", "AutoScalingGroup", "TargetGroup", "The group registers its instances in this group."),
    RelType("ATTACHED_TO", "AutoScalingGroup", "LoadBalancer", "The group registers its instances with this ELB."),
    RelType(
        "MANAGES",
        "AutoScalingGroup",
        "EC2Instance",
        "The instance is a member of the group.",
        (
            P("lifecycle_state", "string", "InService, Pending, Terminating, Standby, ..."),
            P("health_status", "string", "Healthy or Unhealthy."),
        ),
    ),
    # lambda
    RelType("INVOKES", "LambdaEventSourceMapping", "LambdaFunction", "The mapping invokes this function."),
    # ecs
    RelType("IN_CLUSTER", "ECSService", "ECSCluster", "The service runs in this cluster."),
    RelType("IN_CLUSTER", "ECSTask", "ECSCluster", "The task runs in this cluster."),
    RelType("USES_TASK_DEFINITION", "ECSService", "ECSTaskDefinition", "The service's primary deployment runs it."),
    RelType("USES_TASK_DEFINITION", "ECSTask", "ECSTaskDefinition", "The task runs this task definition."),
    RelType(
        "ATTACHED_TO",
        "ECSService",
        "TargetGroup",
        "The service registers its tasks in this group.",
        _LB_CONTAINER_PROPS,
    ),
    RelType(
        "ATTACHED_TO",
        "ECSService",
        "LoadBalancer",
        "The service registers its tasks with this classic ELB.",
        _LB_CONTAINER_PROPS,
    ),
    # eks
    RelType("IN_CLUSTER", "EKSNodeGroup", "EKSCluster", "The node group belongs to this cluster."),
)
