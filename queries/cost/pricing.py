"""Pure cost models: one resource's properties and a price snapshot -> a monthly estimate, or why not.

Every estimate is list price, on demand, 730 hours a month, and says how it was computed in ``basis``
(e.g. ``t3.large us-east-1 $0.0832/h x 730 h``). Usage-based charges (requests, data processed,
LCUs) are never guessed: the basis says they are not included. Kinds that cloud providers do not
bill (VPCs, subnets, security groups, IAM, ...) cost $0 with a basis saying so. Anything else, or a
price missing from the snapshot, is *not priced*: no estimate, and the reason is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.schema import SCHEMA
from graph.schema.model import FREE
from queries.cost import models_aws as aws
from queries.cost import models_azure as azure
from queries.cost import models_gcp as gcp
from queries.cost.cost_model import CostInput, Estimate, NotPriced, Outcome, money, rate
from queries.cost.prices_snapshot import PriceSnapshot

__all__ = ["MODELS", "CostInput", "Estimate", "NotPriced", "Outcome", "estimate", "money", "rate"]

Model = Callable[[CostInput, PriceSnapshot], Outcome]
_LABELS = frozenset(k.label for k in SCHEMA.nodes)

# By name; each kind names its model (or FREE) in graph.schema (NodeKind.billing).
MODELS: dict[str, Model] = {
    "ec2_instance": aws.ec2_instance,
    "ebs_volume": aws.ebs_volume,
    "ebs_snapshot": aws.ebs_snapshot,
    "rds_instance": aws.rds_instance,
    "load_balancer": aws.load_balancer,
    "nat_gateway": aws.nat_gateway,
    "elastic_ip": aws.elastic_ip,
    "dynamodb_table": aws.dynamodb_table,
    "eks_cluster": aws.eks_cluster,
    "kms_key": aws.kms_key,
    "secret": aws.secret,
    "hosted_zone": aws.hosted_zone,
    "tgw_attachment": aws.tgw_attachment,
    "azure_vm": azure.azure_vm,
    "azure_disk": azure.azure_disk,
    "azure_public_ip": azure.azure_public_ip,
    "azure_load_balancer": azure.azure_load_balancer,
    "azure_app_gateway": azure.azure_app_gateway,
    "azure_sql_database": azure.azure_sql_database,
    "azure_app_service_plan": azure.azure_app_service_plan,
    "azure_node_pool": azure.azure_node_pool,
    "azure_private_endpoint": azure.azure_private_endpoint,
    "gcp_instance": gcp.gcp_instance,
    "gcp_disk": gcp.gcp_disk,
    "gcp_cloud_sql": gcp.gcp_cloud_sql,
    "gcp_node_pool": gcp.gcp_node_pool,
    "gke_cluster": gcp.gke_cluster,
    "gcp_forwarding_rule": gcp.gcp_forwarding_rule,
    "gcp_resource": gcp.gcp_resource,
}


def estimate(r: CostInput, prices: PriceSnapshot) -> Outcome:
    """The monthly estimate of one resource, or why there is none."""
    billing = SCHEMA.node(r.kind).billing if r.kind in _LABELS else None
    model = MODELS.get(billing) if billing is not None else None
    if model is not None:
        outcome = model(r, prices)
        if isinstance(outcome, Estimate):
            return Estimate(round(outcome.usd, 4), outcome.basis)
        return outcome
    if billing == FREE:
        return Estimate(0.0, f"no charge: {r.provider} does not bill {r.kind} resources by themselves")
    return NotPriced(f"no cost model for {r.kind} (usage-based or not yet modelled)")
