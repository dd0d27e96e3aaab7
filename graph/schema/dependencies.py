"""What relationships mean for analysis, declared as data: dependency, access, entry points and data stores.

Dependency (blast radius, dependencies, dependents): each :class:`Dependency` says, for a relationship
type (optionally only between two labels), who depends on whom: ``"source"`` (the source needs the
target: an instance needs its subnet), ``"target"`` (the target needs the source: an instance needs
the volume attached to it) or ``"both"``. A pair-specific declaration wins over the type's default.
Types listed in ``NOT_DEPENDENCIES`` were considered and carry no dependency (a principal holding a
role, a volume created from a snapshot). Traversals are generated from these tables.

Blast radius walks the same table from the failed resource to its dependents and keeps the casualties:
every reached resource whose kind is not in ``STRUCTURAL`` (rules, routes, subnets, groups, addresses,
interfaces, IAM documents, connectors such as event source mappings: they are walked through, never
counted), each ``down`` or ``degraded`` by the ``effect`` of the edges that reached it.

Access (critical paths): each :class:`Access` says which way requests or data reach along an edge
(``forward``: from source to target). :class:`CompoundHop` declares reach that no single edge shows
(members of a security group allowed by another group's rule reach that group's members).
Where paths start and end (entry points, data stores) is declared on the kinds themselves
(``NodeKind.entry_point``, ``NodeKind.data_store``; read with ``SCHEMA.entry_points()`` and ``SCHEMA.data_stores()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph.schema.model import NodeKind, RelType

Meaning = Literal["source", "target", "both"]
Effect = Literal["hard", "capacity", "flow", "partial"]


@dataclass(frozen=True)
class Dependency:
    """``type`` (between ``source`` and ``target`` labels when given) means ``meaning`` depends on the other end.

    ``effect`` says what the dependent loses when the other end fails: ``hard`` (it fails with it, or works
    with less when that end only works with less), ``capacity`` (one of interchangeable members: down only
    when every member of the group is down, else degraded), ``flow`` (an input of events or data: degraded,
    and the loss travels on along flows only) or ``partial`` (degraded, and nothing further loses anything).
    """

    type: str
    meaning: Meaning
    source: str | None = None
    target: str | None = None
    effect: Effect = "hard"


@dataclass(frozen=True)
class Access:
    """Along ``type`` (between the labels when given) requests or data go source -> target, or back when not forward."""

    type: str
    forward: bool = True
    source: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class CompoundHop:
    """Reach across several edges. ``match`` binds ``a`` (already bound), ``b`` (reached) and ``via`` (the node whose
    properties say why, e.g. the allowing rule)."""

    name: str
    match: str
    description: str


D = Dependency
DEPENDENCIES: tuple[Dependency, ...] = (
    # placement and containment: the contained needs its container
    *(
        D(t, "source")
        for t in (
            "IN_SUBNET",
            "IN_VPC",
            "IN_VNET",
            "IN_SUBNETWORK",
            "IN_NETWORK",
            "IN_ZONE",
            "IN_CLUSTER",
            "IN_SUBNET_GROUP",
            "IN_PROJECT",
            "IN_FOLDER",
            "IN_ORGANIZATION",
            "IN_RESOURCE_GROUP",
            "IN_SUBSCRIPTION",
            "MEMBER_OF_CLUSTER",
            "MEMBER_OF",
            "BELONGS_TO",
        )
    ),
    # security and identity the source runs with
    *(
        D(t, "source")
        for t in (
            "MEMBER_OF_SECURITY_GROUP",
            "USES_SECURITY_GROUP",
            "PROTECTED_BY",
            "RUNS_AS",
            "USES_ROLE",
            "USES_EXECUTION_ROLE",
            "USES_INSTANCE_PROFILE",
            "CONTAINS_ROLE",
            "HAS_POLICY",
            "ENCRYPTED_BY",
            "ROTATED_BY",
            "HAS_MFA_DEVICE",
            "ASSIGNED_TO",
            "GRANTS_ACCESS_TO",
        )
    ),
    D("APPLIES_TO", "target"),  # the instance is reachable only as its firewall rules allow
    # what the source uses to run or serve
    *(
        D(t, "source")
        for t in (
            "USES_DISK",
            "ATTACHED_DISK",
            "HAS_NETWORK_INTERFACE",
            "HAS_PUBLIC_IP",
            "USES_ELASTIC_IP",
            "USES_NETWORK_INTERFACE",
            "USES_LAUNCH_TEMPLATE",
            "USES_IMAGE",
            "USES_SNAPSHOT",
            "USES_TASK_DEFINITION",
            "USES_CERTIFICATE",
            "HOSTED_ON",
            "CONNECTS_TO",
            "ACCEPTER_VPC",
            "REQUESTER_VPC",
            "ATTACHES_VPC",
        )
    ),
    # request and data flow: the caller needs what it sends to or reads from
    *(
        D(t, "source")
        for t in (
            "ROUTES_TO",
            "FORWARDS_TO",
            "ORIGIN",
            "INVOKES",
            "RESOLVES_TO",
            "SUBSCRIBES_TO",
            "READS_FROM",
        )
    ),
    # interchangeable members: the group is down only when all are
    *(D(t, "source", effect="capacity") for t in ("TARGETS", "HAS_MEMBER")),
    *(
        D("ROUTES_TO", "source", s, effect="capacity")
        for s in ("AzureLoadBalancerBackendPool", "AzureApplicationGateway", "GCPBackendService", "GCPTargetProxy")
    ),
    # events and data fed to the target: it loses that input
    D("INVOKES", "target", "LambdaEventSourceMapping", effect="flow"),
    D("DELIVERS_TO", "target", effect="flow"),
    D("NOTIFIES", "target", effect="flow"),
    D("SENDS_FAILURES_TO", "source", effect="partial"),  # a queue without its dead-letter queue still delivers
    D("ON_BUS", "source"),  # a rule matches its bus's events; what it feeds is the derived CONSUMES (enabled only)
    # derived (graph.schema.dependency_edges): network use, event feeds, data reads
    D("REACHES", "source", effect="capacity"),  # grouped by the allowing rule; a data store is its own group
    D("CONSUMES", "source", effect="flow"),
    D("READS", "source"),
    D("CONFIGURED_TO_USE", "source"),  # its configuration names the resource: it cannot work without it
    # an address or interface serves the workload it belongs to, which needs it
    D("ASSOCIATED_WITH", "both", "ElasticIP", "EC2Instance"),
    D("HAS_NETWORK_INTERFACE", "both", "AzureVirtualMachine", "AzureNetworkInterface"),
    D("REPLICA_OF", "source"),  # a read replica needs its source instance
    D("PART_OF", "both"),  # a listener is part of its load balancer, which serves through it
    D("HAS_BACKEND_POOL", "both", effect="capacity"),
    D("MANAGES", "both", effect="capacity"),  # the group replaces its instances; it serves through them
    # parts owned by the source: they go with it
    *(
        D(t, "target")
        for t in (
            "HAS_DATABASE",
            "HAS_FIREWALL_RULE",
            "HAS_CONFIG",
            "HAS_NODE_POOL",
            "HAS_PEERING",
            "HAS_RULE",
            "HAS_ENTRY",
            "HAS_STATEMENT",
        )
    ),
    D("ALLOWS_FROM", "source"),
    # ATTACHED_TO: mostly the target needs what is attached to it
    D("ATTACHED_TO", "target"),
    D("ATTACHED_TO", "source", "TransitGatewayAttachment", "TransitGateway"),
    # ASSOCIATED_WITH: a subnet needs its route table and ACL, an interface its address; a private zone its VPC
    D("ASSOCIATED_WITH", "target"),
    D("ASSOCIATED_WITH", "source", "Route53HostedZone", "VPC"),
)

# Walked through, never counted as casualties: containment, rules, routes, addresses, identities, connectors.
STRUCTURAL: frozenset[str] = frozenset(
    {
        "VPC",
        "Subnet",
        "SecurityGroup",
        "NetworkAcl",
        "RouteTable",
        "NetworkInterface",
        "ElasticIP",
        "VPCPeeringConnection",
        "TransitGatewayAttachment",
        "LambdaEventSourceMapping",
        "SNSSubscription",
        "EventBridgeRule",
        "IAMRole",
        "IAMPolicy",
        "IAMInstanceProfile",
        "IAMGroup",
        "IAMUser",
        "IAMAccessKey",
        "ECSTaskDefinition",
        "LaunchTemplate",
        "RDSSubnetGroup",
        "IAMMFADevice",
        "AWSAccount",
        "AzureSubscription",
        "AzureResourceGroup",
        "AzureVirtualNetwork",
        "AzureVirtualNetworkPeering",
        "AzureSubnet",
        "AzureNetworkSecurityGroup",
        "AzureNetworkInterface",
        "AzurePublicIPAddress",
        "AzurePrivateEndpoint",
        "AzureRoleAssignment",
        "AzurePrincipal",
        "AzureSqlFirewallRule",
        "AzureLoadBalancerRule",
        "AzureRouteTable",
        "AzureApplicationSecurityGroup",
        "AzureWafPolicy",
        "AzureWebAppConfig",
        "GCPOrganization",
        "GCPFolder",
        "GCPProject",
        "GCPNetwork",
        "GCPSubnetwork",
        "GCPFirewall",
        "GCPServiceAccount",
        "GCPServiceAccountKey",
        "GCPPrincipal",
        "GCPBucketIamPolicy",
    }
)

# Considered and not a dependency: access grants, lineage, peer connectivity.
# TRIGGERS: a rule's target; a disabled rule keeps its targets and carries nothing, so the events it carries are
# the derived CONSUMES edges of enabled rules.
NOT_DEPENDENCIES: tuple[str, ...] = (
    "HAS_ROLE",
    "CREATED_FROM",
    "SNAPSHOT_OF",
    "LAUNCHED_FROM",
    "PEERED_WITH",
    "TRIGGERS",
    "HAS_ACCESS_TO",  # derived: a permission, not a use (READS is the named share workloads use)
)

A = Access
ACCESS: tuple[Access, ...] = (
    *(
        A(t)
        for t in (
            "TARGETS",
            "FORWARDS_TO",
            "ORIGIN",
            "RESOLVES_TO",
            "HAS_MEMBER",
            "HAS_BACKEND_POOL",
            "MANAGES",
            "DELIVERS_TO",
            "READS_FROM",
            "CONNECTS_TO",
            "HAS_DATABASE",
            "RUNS_AS",
            "NOTIFIES",
        )
    ),
    *(
        A("ROUTES_TO", source=s)
        for s in (
            "Route53Record",
            "AzureLoadBalancerBackendPool",
            "AzureApplicationGateway",
            "GCPTargetProxy",
            "GCPBackendService",
        )
    ),
    A("INVOKES", source="APIGatewayRestApi"),
    A("INVOKES", source="APIGatewayHttpApi"),
    A("INVOKES", forward=False, source="LambdaEventSourceMapping"),  # the function reaches the queue via its mapping
    A("SUBSCRIBES_TO", forward=False),  # a topic reaches its subscriptions
    A("PART_OF", forward=False),  # a load balancer reaches its listeners
    A("ASSOCIATED_WITH", source="ElasticIP"),
    A("ATTACHED_TO", source="NetworkInterface", target="EC2Instance"),
    *(A("ATTACHED_TO", forward=False, source=s) for s in ("AutoScalingGroup", "ECSService")),
    A("HAS_PUBLIC_IP", forward=False),  # a public address reaches its interface or frontend
    A("HAS_NETWORK_INTERFACE", forward=False),
    A("HAS_ROLE", source="GCPServiceAccount"),  # a workload's service account reaches what it holds roles on
    A("APPLIES_TO", source="GCPBucketIamPolicy"),  # a public bucket's access record reaches the bucket
    A("REACHES"),  # derived: a workload connects to what a rule lets it reach
    A("READS"),  # derived: a workload reads a store it is granted
    A("CONFIGURED_TO_USE"),  # derived: a workload uses what its configuration names
    A("CONSUMES", forward=False),  # derived: events go from the producer to the consumer
)

COMPOUND_HOPS: tuple[CompoundHop, ...] = (
    CompoundHop(
        "ALLOWED_BY_SECURITY_GROUP",
        "MATCH (a)-[:MEMBER_OF_SECURITY_GROUP]->(:SecurityGroup)<-[:ALLOWS_FROM]-"
        "(via:SecurityGroupRule {direction: 'ingress'})<-[:HAS_RULE]-(:SecurityGroup)"
        "<-[:MEMBER_OF_SECURITY_GROUP]-(b:Resource) WHERE b <> a",
        "A rule of the target's security group admits a security group of the source.",
    ),
    CompoundHop(
        "SAME_GCP_NETWORK",
        "MATCH (a:GCPComputeInstance)-[:IN_SUBNETWORK]->(:GCPSubnetwork)-[:IN_NETWORK]->(via:GCPNetwork)"
        "<-[:IN_NETWORK]-(b:GCPCloudSQLInstance)",
        "The instance and the database's private IP are in the same VPC network.",
    ),
    CompoundHop(
        "PRIVATE_ENDPOINT_IN_VNET",
        "MATCH (a:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(:AzureNetworkInterface)-[:IN_SUBNET]->(:AzureSubnet)"
        "-[:IN_VNET]->(vnet:AzureVirtualNetwork) "  # a second MATCH: the endpoint may share the VM's subnet
        "MATCH (vnet)<-[:IN_VNET]-(:AzureSubnet)<-[:IN_SUBNET]-(via:AzurePrivateEndpoint)-[:CONNECTS_TO]->(b:Resource)",
        "The VM's network holds a private endpoint of the target.",
    ),
)

# No labels or relationships of its own: this module describes the ones the other modules declare.
NODES: tuple[NodeKind, ...] = ()
RELATIONSHIPS: tuple[RelType, ...] = ()
