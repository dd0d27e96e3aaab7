"""Derived dependency edges: who uses whom, computed after every sync, each edge with the reason it is true.

No single payload shows these; ``queries.dependency_edges`` computes them from what discovery stored and
writes them (marked ``derived``; after each sync, each family of them is recomputed where its inputs changed):

- ``REACHES`` (consumer workload -> workload or data store): the network lets the consumer connect, per
  protocol and ports, and a rule names the consumer specifically (a security group or application security
  group, a network tag or service account, or an address range of /16 or narrower). The edge carries the
  allowing rule and the route. A rule open to everyone (0.0.0.0/0, ``*``, ``Internet``, ``VirtualNetwork``,
  10.0.0.0/8) names no consumer: it makes exposure, not use.
- ``CONSUMES`` (consumer -> producer of events): an event source mapping, an SNS subscription, an S3
  notification or an enabled EventBridge rule feeds the consumer from the producer (a rule's targets consume
  its bus); ``via`` is the mapping, subscription, bucket or rule. A disabled rule feeds nothing.
- ``CONFIGURED_TO_USE`` (function or task definition -> resource): an environment variable or injected
  secret of its configuration names the resource (an ARN, a queue URL, an RDS endpoint, a bucket or table
  name); the edge carries the variable's NAME, never its value. The workload cannot do its work without it.
- ``READS`` (workload -> data store): the workload's identity is granted access to the store by a grant
  that names the store (an IAM statement whose resource names it, a GCP role binding on the store or a
  service role on its project, an Azure role assignment scoped to it). A wildcard grant on every resource
  is a permission, not a use.
- ``HAS_ACCESS_TO`` (IAM role or user, or a workload running as a role -> resource): effective IAM access,
  one edge per allowing statement, with the actions of that statement that act on the resource's kind (an
  action on ``*`` reaches only the kinds of its service), the statement's condition, and whether the
  statement names the resource or only matches it by wildcard. A permission, not a dependency: "who can act
  on this store" reads it, and ``READS`` is its named share for workloads.

Their meaning for blast radius (hard, capacity, flow) is declared with the others in
``graph.schema.dependencies``.
"""

from __future__ import annotations

from graph.schema.links import GRANT_TARGETS
from graph.schema.model import NodeKind, Property, RelType

__all__ = [
    "ACCESS_HOLDERS",
    "CONFIGURED_TO_USE",
    "CONFIG_CONSUMERS",
    "CONFIG_TARGETS",
    "CONSUMES",
    "DERIVED_TYPES",
    "EVENT_FLOWS",
    "HAS_ACCESS_TO",
    "NETWORK_CONSUMERS",
    "NETWORK_PROVIDERS",
    "NODES",
    "RDS_ENDPOINT_REF",
    "REACHES",
    "READERS",
    "READS",
    "READ_TARGETS",
    "RELATIONSHIPS",
]

REACHES = "REACHES"
CONSUMES = "CONSUMES"
READS = "READS"
CONFIGURED_TO_USE = "CONFIGURED_TO_USE"
HAS_ACCESS_TO = "HAS_ACCESS_TO"
DERIVED_TYPES = (REACHES, CONSUMES, READS, CONFIGURED_TO_USE, HAS_ACCESS_TO)

P = Property
_COMMON = (
    P("reason", "string", "Why the edge holds, in words: the rule, route, mapping or grant that makes it true."),
    P("via", "string", "Id of what makes the edge true (the allowing rule, the mapping, the grant)."),
    P("derived_at", "int", "Generation of the computation that wrote the edge."),
    P("family", "string", "The derivation family that wrote the edge (queries.derived.compute.FAMILIES)."),
    P("scope", "string", "The part of the estate the family recomputes the edge with (a VPC for AWS network use)."),
)
_NETWORK = (
    P("protocol", "string", "tcp, udp or all."),
    P("ports", "string", "Ports the path lets through, e.g. 'tcp 5432'."),
    P(
        "route",
        "string",
        "How packets get there: the VPC's local route, or the route tables and the peering or transit gateway "
        "carrying them across VPCs, both ways.",
    ),
    P(
        "route_hops",
        "string[]",
        "Across VPCs: ids of the source subnet's route table, the peering or transit "
        "gateway, the target subnet's route table.",
    ),
)

# Workloads that open connections, and what they connect to, per provider.
NETWORK_CONSUMERS: dict[str, tuple[str, ...]] = {
    "aws": ("EC2Instance", "ECSService", "ECSTask", "EKSNodeGroup", "LambdaFunction"),
    "azure": ("AzureVirtualMachine",),
    "gcp": ("GCPComputeInstance",),
}
NETWORK_PROVIDERS: dict[str, tuple[str, ...]] = {
    "aws": (*NETWORK_CONSUMERS["aws"], "RDSInstance", "RDSCluster"),
    "azure": NETWORK_CONSUMERS["azure"],
    "gcp": NETWORK_CONSUMERS["gcp"],
}
# (consumer, producer): the consumer is fed events by the producer
EVENT_FLOWS: tuple[tuple[str, str], ...] = (
    ("LambdaFunction", "SQSQueue"),
    ("LambdaFunction", "DynamoDBTable"),
    ("LambdaFunction", "SNSTopic"),
    ("SQSQueue", "SNSTopic"),
    ("LambdaFunction", "S3Bucket"),
    ("SQSQueue", "S3Bucket"),
    ("SNSTopic", "S3Bucket"),
    # the targets of an enabled EventBridge rule consume its bus
    ("LambdaFunction", "EventBridgeBus"),
    ("SQSQueue", "EventBridgeBus"),
    ("SNSTopic", "EventBridgeBus"),
    ("ECSCluster", "EventBridgeBus"),
    ("EventBridgeBus", "EventBridgeBus"),
)
# Workloads whose identity reads data stores, and the stores, per provider.
READERS: dict[str, tuple[str, ...]] = {
    "aws": ("EC2Instance", "LambdaFunction", "ECSService", "EKSNodeGroup"),
    "azure": ("AzureWebApp", "AzureVirtualMachine", "AzureAKSCluster"),
    "gcp": ("GCPComputeInstance", "GCPCloudRunService", "GCPCloudFunction", "GCPGKENodePool"),
}
READ_TARGETS: dict[str, tuple[str, ...]] = {
    "aws": (
        "S3Bucket",
        "DynamoDBTable",
        "SQSQueue",
        "SNSTopic",
        "SecretsManagerSecret",
        "RDSInstance",
        "RDSCluster",
        "KMSKey",
    ),
    "azure": ("AzureStorageAccount", "AzureKeyVault", "AzureSqlServer", "AzureCosmosDBAccount"),
    "gcp": ("GCPStorageBucket", "GCPCloudSQLInstance"),
}

# Workloads whose configuration names the resources they use, and what it may name. A reference to an RDS
# endpoint is kept as this prefix + the host name (matched on the instance's or cluster's endpoint).
RDS_ENDPOINT_REF = "rds-endpoint:"
CONFIG_CONSUMERS: tuple[str, ...] = ("LambdaFunction", "ECSTaskDefinition")
CONFIG_TARGETS: tuple[str, ...] = (*READ_TARGETS["aws"], "LambdaFunction", "EventBridgeBus")
# Who holds effective IAM access: identities, and the workloads that run as a role.
ACCESS_HOLDERS: tuple[str, ...] = ("IAMRole", "IAMUser", *READERS["aws"])

RELATIONSHIPS: tuple[RelType, ...] = (
    *(
        RelType(
            REACHES,
            source,
            target,
            "The network lets the source connect to the target (a rule naming the source admits it).",
            (*_COMMON, *_NETWORK),
            derived=True,
        )
        for provider, consumers in NETWORK_CONSUMERS.items()
        for source in consumers
        for target in NETWORK_PROVIDERS[provider]
    ),
    *(
        RelType(
            CONSUMES,
            consumer,
            producer,
            "The source is fed events by the target (event source mapping, subscription or notification).",
            _COMMON,
            derived=True,
        )
        for consumer, producer in EVENT_FLOWS
    ),
    *(
        RelType(
            READS,
            reader,
            store,
            "The source's identity is granted access to the target by a grant that names it.",
            (*_COMMON, P("actions", "string[]", "The granted actions or roles.")),
            derived=True,
        )
        for provider, readers in READERS.items()
        for reader in readers
        for store in READ_TARGETS[provider]
    ),
    *(
        RelType(
            CONFIGURED_TO_USE,
            consumer,
            target,
            "The source's configuration (an environment variable or injected secret) names the target.",
            (*_COMMON, P("variable", "string", "The variable's name (its value is never stored).")),
            derived=True,
        )
        for consumer in CONFIG_CONSUMERS
        for target in CONFIG_TARGETS
    ),
    *(
        RelType(
            HAS_ACCESS_TO,
            holder,
            target,
            "IAM lets the source act on the target: an Allow statement of a policy the identity holds (or the role "
            "the workload runs as holds) matches it through actions that act on its kind.",
            (
                *_COMMON,
                P("actions", "string[]", "The statement's actions that act on the target's kind (may hold wildcards)."),
                P("condition", "string", "The statement's Condition block as JSON: the access holds only then."),
                P("named", "bool", "Whether the statement names the target (no wildcard), rather than matching it."),
            ),
            derived=True,
        )
        for holder in ACCESS_HOLDERS
        for target in GRANT_TARGETS
    ),
)
NODES: tuple[NodeKind, ...] = (
    NodeKind(
        "DerivationState",
        "any",
        "dependencies",
        "What one derivation family last computed its edges from: a fingerprint of its input kinds' rows and one "
        "per scope it recomputes separately, so the next derivation recomputes only what changed.",
        (
            P("id", "string", "The family's name."),
            P("edge_type", "string", "The relationship type the family derives."),
            P("inputs", "string", "Fingerprint of the family's input kinds (ids, content and edge hashes, stamps)."),
            P("scopes", "string", "JSON object: scope (a VPC for AWS network use) -> fingerprint of its rows."),
            P("derived_at", "int", "Generation of the derivation that recorded it."),
        ),
        resource=False,
        hidden=True,
    ),
)
