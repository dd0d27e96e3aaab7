"""Pure cost models: one resource's properties and a price snapshot -> a monthly estimate, or why not.

Every estimate is list price, on demand, 730 hours a month, and says how it was computed in ``basis``
(e.g. ``t3.large us-east-1 $0.0832/h x 730 h``). Usage-based charges (requests, data processed,
LCUs) are never guessed: the basis says they are not included. Kinds that cloud providers do not
bill (VPCs, subnets, security groups, IAM, ...) cost $0 with a basis saying so. Anything else, or a
price missing from the snapshot, is *not priced*: no estimate, and the reason is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from queries.cost import models_aws as aws
from queries.cost import models_azure as azure
from queries.cost import models_gcp as gcp
from queries.cost.cost_model import CostInput, Estimate, NotPriced, Outcome, money, rate
from queries.cost.prices_snapshot import PriceSnapshot

__all__ = ["FREE_KINDS", "MODELS", "CostInput", "Estimate", "NotPriced", "Outcome", "estimate", "money", "rate"]

Model = Callable[[CostInput, PriceSnapshot], Outcome]

MODELS: dict[str, Model] = {
    "EC2Instance": aws.ec2_instance,
    "EBSVolume": aws.ebs_volume,
    "EBSSnapshot": aws.ebs_snapshot,
    "RDSInstance": aws.rds_instance,
    "LoadBalancer": aws.load_balancer,
    "NATGateway": aws.nat_gateway,
    "ElasticIP": aws.elastic_ip,
    "DynamoDBTable": aws.dynamodb_table,
    "EKSCluster": aws.eks_cluster,
    "KMSKey": aws.kms_key,
    "SecretsManagerSecret": aws.secret,
    "Route53HostedZone": aws.hosted_zone,
    "TransitGatewayAttachment": aws.tgw_attachment,
    "AzureVirtualMachine": azure.azure_vm,
    "AzureDisk": azure.azure_disk,
    "AzurePublicIPAddress": azure.azure_public_ip,
    "AzureLoadBalancer": azure.azure_load_balancer,
    "AzureApplicationGateway": azure.azure_app_gateway,
    "AzureSqlDatabase": azure.azure_sql_database,
    "AzureAppServicePlan": azure.azure_app_service_plan,
    "AzureAKSNodePool": azure.azure_node_pool,
    "AzurePrivateEndpoint": azure.azure_private_endpoint,
    "GCPComputeInstance": gcp.gcp_instance,
    "GCPDisk": gcp.gcp_disk,
    "GCPCloudSQLInstance": gcp.gcp_cloud_sql,
    "GCPGKENodePool": gcp.gcp_node_pool,
    "GCPGKECluster": gcp.gke_cluster,
    "GCPForwardingRule": gcp.gcp_forwarding_rule,
    "GCPResource": gcp.gcp_resource,
}

# Kinds the providers do not bill by themselves: $0, with a basis saying so.
FREE_KINDS: frozenset[str] = frozenset(
    {
        "VPC",
        "Subnet",
        "SecurityGroup",
        "RouteTable",
        "NetworkAcl",
        "InternetGateway",
        "NetworkInterface",
        "Listener",
        "TargetGroup",
        "AutoScalingGroup",
        "LaunchTemplate",
        "IAMUser",
        "IAMGroup",
        "IAMRole",
        "IAMPolicy",
        "IAMInstanceProfile",
        "VPCPeeringConnection",
        "LambdaEventSourceMapping",
        "ECSCluster",
        "ECSTaskDefinition",
        "SNSSubscription",
        "AMI",
        "Route53Record",
        "IAMAccessKey",
        "TransitGateway",
        "EKSNodeGroup",
        "AzureWebApp",
        "GCPPrincipal",
        "AzureSubscription",
        "AzureResourceGroup",
        "AzureVirtualNetwork",
        "AzureSubnet",
        "AzureNetworkSecurityGroup",
        "AzureNetworkInterface",
        "AzureLoadBalancerBackendPool",
        "AzureSqlServer",
        "AzureSqlFirewallRule",
        "AzureRoleAssignment",
        "AzurePrincipal",
        "AzureVirtualNetworkPeering",
        "GCPOrganization",
        "GCPFolder",
        "GCPProject",
        "GCPNetwork",
        "GCPSubnetwork",
        "GCPFirewall",
        "GCPServiceAccount",
        "GCPServiceAccountKey",
        "GCPInstanceGroup",
        "GCPBackendService",
        "GCPTargetProxy",
    }
)


def estimate(r: CostInput, prices: PriceSnapshot) -> Outcome:
    """The monthly estimate of one resource, or why there is none."""
    model = MODELS.get(r.kind)
    if model is not None:
        outcome = model(r, prices)
        if isinstance(outcome, Estimate):
            return Estimate(round(outcome.usd, 4), outcome.basis)
        return outcome
    if r.kind in FREE_KINDS:
        return Estimate(0.0, f"no charge: {r.provider} does not bill {r.kind} resources by themselves")
    return NotPriced(f"no cost model for {r.kind} (usage-based or not yet modelled)")
