"""Derived dependency edges: who uses whom, computed after every sync, each edge with the reason it is true.

No single payload shows these; ``queries.dependency_edges`` computes them from what discovery stored and
writes them (marked ``derived``; after each sync, each family of them is recomputed where its inputs changed):

- ``REACHES`` (consumer workload -> workload or data store): the network lets the consumer connect, per
  protocol and ports, and a rule names the consumer specifically (a security group, a network tag or
  service account, or an address range of /16 or narrower). The edge carries the allowing rule and the
  route. A rule open to everyone (0.0.0.0/0, ``*``, ``Internet``, ``VirtualNetwork``, 10.0.0.0/8) names
  no consumer: it makes exposure, not use.
- ``CONSUMES`` (consumer -> producer of events): an event source mapping, an SNS subscription or an S3
  notification feeds the consumer from the producer; ``via`` is the mapping, subscription or bucket.
- ``READS`` (workload -> data store): the workload's identity is granted access to the store by a grant
  that names the store (an IAM statement whose resource names it, a GCP role binding on the store or a
  service role on its project, an Azure role assignment scoped to it). A wildcard grant on every resource
  is a permission, not a use.

Their meaning for blast radius (hard, capacity, flow) is declared with the others in
``graph.schema.dependencies``.
"""

from __future__ import annotations

from graph.schema.model import NodeKind, Property, RelType

__all__ = [
    "CONSUMES",
    "DERIVED_TYPES",
    "EVENT_FLOWS",
    "NETWORK_CONSUMERS",
    "NETWORK_PROVIDERS",
    "NODES",
    "REACHES",
    "READERS",
    "READS",
    "READ_TARGETS",
    "RELATIONSHIPS",
]

REACHES = "REACHES"
CONSUMES = "CONSUMES"
READS = "READS"
DERIVED_TYPES = (REACHES, CONSUMES, READS)

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
