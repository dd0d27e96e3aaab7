"""The natural-language question set over the demo estate (size S, seed 1), written as data.

Each group is one intent: several phrasings a user might type, and the expected answer as an independent
reference (Cypher written here, or a call of an analysis function in ``queries/`` named ``call:...``), or
the expectation that the right answer is to decline or to ask back which resource is meant. The
phrasings were written before the parser; ``python -m bench.nl_question_set`` writes them to
``app/nl/questions/{dev,test}.json`` (each phrasing goes to one split by a stable hash of its text).
"""

# ruff: noqa: E501 -- the questions and their reference Cypher read best one per line

from __future__ import annotations

import hashlib
import json
from pathlib import Path

__all__ = ["GROUPS", "main"]

VMS = "(n:EC2Instance OR n:AzureVirtualMachine OR n:GCPComputeInstance)"
DBS = "(n:RDSInstance OR n:RDSCluster OR n:DynamoDBTable OR n:AzureSqlDatabase OR n:AzureCosmosDBAccount OR n:GCPCloudSQLInstance)"
BUCKETS = "(n:S3Bucket OR n:AzureStorageAccount OR n:GCPStorageBucket)"
ID = "n.id AS id"

# (category, phrasings, expectation); expectation: Cypher, "call:..." , "decline", or "ask:<Cypher of candidate ids>"
GROUPS: list[tuple[str, list[str], str]] = [
    # ---- inventory counts
    (
        "count",
        [
            "How many EC2 instances are there?",
            "how many ec2 instances do we have",
            "number of EC2 instances",
            "count the ec2 instances",
            "how many EC2 boxes are there in total?",
        ],
        "MATCH (n:EC2Instance) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many S3 buckets", "How many s3 buckets do we have?", "count of S3 buckets"],
        "MATCH (n:S3Bucket) RETURN count(n) AS count",
    ),
    (
        "count",
        [
            "how many VMs do we run across all clouds?",
            "how many virtual machines are there",
            "total number of servers",
            "How many compute instances in total?",
        ],
        f"MATCH (n:Resource) WHERE {VMS} RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many azure VMs", "How many virtual machines in Azure?", "number of Azure virtual machines"],
        "MATCH (n:AzureVirtualMachine) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many GCP compute instances are there?", "how many VMs in google cloud", "count gcp instances"],
        "MATCH (n:GCPComputeInstance) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many RDS instances", "How many RDS databases do we have?", "number of rds instances"],
        "MATCH (n:RDSInstance) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many databases are there", "how many databases do we have across clouds?"],
        f"MATCH (n:Resource) WHERE {DBS} RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many security groups", "How many security groups exist?", "number of security groups"],
        "MATCH (n:SecurityGroup) RETURN count(n) AS count",
    ),
    ("count", ["how many VPCs do we have", "how many vpcs"], "MATCH (n:VPC) RETURN count(n) AS count"),
    (
        "count",
        ["how many subnets are there in AWS?", "number of AWS subnets"],
        "MATCH (n:Subnet) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many lambda functions", "How many Lambdas do we have?"],
        "MATCH (n:LambdaFunction) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many load balancers in aws", "How many AWS load balancers are there?"],
        "MATCH (n:LoadBalancer) RETURN count(n) AS count",
    ),
    (
        "count",
        [
            "how many resources are there",
            "how many resources do we have in total?",
            "total resource count",
            "how many cloud resources did you discover",
        ],
        "MATCH (n:Resource) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many IAM roles", "how many iam roles exist", "number of IAM roles"],
        "MATCH (n:IAMRole) RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many EBS volumes", "how many ebs volumes are there?"],
        "MATCH (n:EBSVolume) RETURN count(n) AS count",
    ),
    ("count", ["how many SQS queues do we have", "how many queues"], "MATCH (n:SQSQueue) RETURN count(n) AS count"),
    (
        "count",
        ["how many kubernetes clusters", "How many k8s clusters do we run?"],
        "MATCH (n:Resource) WHERE n:EKSCluster OR n:AzureAKSCluster OR n:GCPGKECluster RETURN count(n) AS count",
    ),
    (
        "count",
        ["how many azure disks", "number of managed disks in azure"],
        "MATCH (n:AzureDisk) RETURN count(n) AS count",
    ),
    ("count", ["how many KMS keys", "how many kms keys are there?"], "MATCH (n:KMSKey) RETURN count(n) AS count"),
    (
        "count",
        ["How many network security groups in Azure?", "how many NSGs"],
        "MATCH (n:AzureNetworkSecurityGroup) RETURN count(n) AS count",
    ),
    # ---- inventory lists
    (
        "list",
        ["list the S3 buckets", "show me all s3 buckets", "which S3 buckets do we have?", "what buckets are in S3"],
        f"MATCH (n:S3Bucket) RETURN {ID}",
    ),
    (
        "list",
        ["list RDS instances", "show the rds databases", "which RDS instances exist?"],
        f"MATCH (n:RDSInstance) RETURN {ID}",
    ),
    (
        "list",
        ["list all lambda functions", "show me the lambdas", "what lambda functions are there"],
        f"MATCH (n:LambdaFunction) RETURN {ID}",
    ),
    (
        "list",
        ["list the load balancers in AWS", "show aws load balancers", "which load balancers do we have in aws?"],
        f"MATCH (n:LoadBalancer) RETURN {ID}",
    ),
    ("list", ["list the vpcs", "show me every VPC"], f"MATCH (n:VPC) RETURN {ID}"),
    (
        "list",
        ["list GCP storage buckets", "show the google cloud storage buckets"],
        f"MATCH (n:GCPStorageBucket) RETURN {ID}",
    ),
    (
        "list",
        ["list the azure storage accounts", "which storage accounts are there in azure?"],
        f"MATCH (n:AzureStorageAccount) RETURN {ID}",
    ),
    (
        "list",
        ["list all buckets", "show me every storage bucket across clouds"],
        f"MATCH (n:Resource) WHERE {BUCKETS} RETURN {ID}",
    ),
    ("list", ["list the IAM users", "who are the iam users?", "show IAM users"], f"MATCH (n:IAMUser) RETURN {ID}"),
    (
        "list",
        ["list the kubernetes clusters", "show me the k8s clusters", "which EKS, AKS or GKE clusters are there"],
        f"MATCH (n:Resource) WHERE n:EKSCluster OR n:AzureAKSCluster OR n:GCPGKECluster RETURN {ID}",
    ),
    ("list", ["list sqs queues", "show me the queues"], f"MATCH (n:SQSQueue) RETURN {ID}"),
    ("list", ["list the azure resource groups", "show resource groups"], f"MATCH (n:AzureResourceGroup) RETURN {ID}"),
    ("list", ["list the KMS keys", "show kms keys"], f"MATCH (n:KMSKey) RETURN {ID}"),
    (
        "list",
        ["list the azure sql databases", "which Azure SQL databases exist"],
        f"MATCH (n:AzureSqlDatabase) RETURN {ID}",
    ),
    ("list", ["show me the GCP projects", "list gcp projects"], f"MATCH (n:GCPProject) RETURN {ID}"),
    ("list", ["list dynamodb tables", "show the DynamoDB tables"], f"MATCH (n:DynamoDBTable) RETURN {ID}"),
    ("list", ["list the IAM roles", "show me all iam roles"], f"MATCH (n:IAMRole) RETURN {ID}"),
    (
        "list",
        ["list the google service accounts", "which GCP service accounts are there?"],
        f"MATCH (n:GCPServiceAccount) RETURN {ID}",
    ),
    # ---- filter by state
    (
        "state",
        [
            "How many EC2 instances are running?",
            "how many running ec2 instances",
            "count running EC2 instances",
            "number of ec2 instances in state running",
        ],
        "MATCH (n:EC2Instance) WHERE n.state = 'running' RETURN count(n) AS count",
    ),
    (
        "state",
        [
            "how many EC2 instances are stopped?",
            "how many stopped ec2 instances do we have",
            "count stopped instances in EC2",
        ],
        "MATCH (n:EC2Instance) WHERE n.state = 'stopped' RETURN count(n) AS count",
    ),
    (
        "state",
        ["list the running EC2 instances", "show running ec2 instances", "which EC2 instances are running?"],
        f"MATCH (n:EC2Instance) WHERE n.state = 'running' RETURN {ID}",
    ),
    (
        "state",
        ["which EBS volumes are available (not in use)?", "list ebs volumes in state available"],
        f"MATCH (n:EBSVolume) WHERE n.state = 'available' RETURN {ID}",
    ),
    (
        "state",
        ["how many ebs volumes are in use", "count in-use EBS volumes"],
        "MATCH (n:EBSVolume) WHERE n.state = 'in-use' RETURN count(n) AS count",
    ),
    (
        "state",
        ["how many GCP instances are running", "number of running gcp compute instances"],
        "MATCH (n:GCPComputeInstance) WHERE n.state = 'RUNNING' RETURN count(n) AS count",
    ),
    (
        "state",
        ["how many terminated EC2 instances", "are there any terminated ec2 instances?"],
        "MATCH (n:EC2Instance) WHERE n.state = 'terminated' RETURN count(n) AS count",
    ),
    (
        "state",
        ["which load balancers are active", "list active load balancers"],
        f"MATCH (n:LoadBalancer) WHERE n.state = 'active' RETURN {ID}",
    ),
    # ---- filter by region / account / cloud
    (
        "location",
        [
            "how many EC2 instances in eu-west-1",
            "How many EC2 instances are running in eu-west-1?",
            "count ec2 instances in eu-west-1",
            "ec2 instances in eu-west-1: how many?",
        ],
        "MATCH (n:EC2Instance) WHERE n.region = 'eu-west-1' RETURN count(n) AS count",
    ),
    (
        "location",
        ["list the EC2 instances in us-east-1", "which ec2 instances are in us-east-1?", "show ec2 in us-east-1"],
        f"MATCH (n:EC2Instance) WHERE n.region = 'us-east-1' RETURN {ID}",
    ),
    (
        "location",
        [
            "how many resources in account 210987654321",
            "How many resources does account 210987654321 have?",
            "resources in AWS account 210987654321: how many",
        ],
        "MATCH (n:Resource) WHERE n.account = '210987654321' RETURN count(n) AS count",
    ),
    (
        "location",
        ["list S3 buckets in account 210987654321", "which buckets are in account 210987654321"],
        f"MATCH (n:Resource) WHERE {BUCKETS} AND n.account = '210987654321' RETURN {ID}",
    ),
    (
        "location",
        ["how many resources in azure", "how many azure resources do we have", "count resources on Azure"],
        "MATCH (n:Resource) WHERE n.provider = 'azure' RETURN count(n) AS count",
    ),
    (
        "location",
        ["how many resources in GCP?", "how many google cloud resources are there"],
        "MATCH (n:Resource) WHERE n.provider = 'gcp' RETURN count(n) AS count",
    ),
    (
        "location",
        ["how many aws resources", "how many resources do we have in AWS"],
        "MATCH (n:Resource) WHERE n.provider = 'aws' RETURN count(n) AS count",
    ),
    (
        "location",
        ["how many RDS instances in eu-west-1", "rds databases in eu-west-1, how many?"],
        "MATCH (n:RDSInstance) WHERE n.region = 'eu-west-1' RETURN count(n) AS count",
    ),
    (
        "location",
        [
            "list RDS instances in account 123456789012 in us-east-1",
            "which rds instances are in us-east-1 in account 123456789012?",
        ],
        f"MATCH (n:RDSInstance) WHERE n.account = '123456789012' AND n.region = 'us-east-1' RETURN {ID}",
    ),
    (
        "location",
        ["how many resources in westeurope", "how many resources are in the westeurope region"],
        "MATCH (n:Resource) WHERE n.region = 'westeurope' RETURN count(n) AS count",
    ),
    (
        "location",
        [
            "how many EC2 instances in account 123456789012 in eu-west-1",
            "count ec2 instances in eu-west-1 for account 123456789012",
        ],
        "MATCH (n:EC2Instance) WHERE n.account = '123456789012' AND n.region = 'eu-west-1' RETURN count(n) AS count",
    ),
    (
        "location",
        ["list the resources in project acme-data", "what is in the gcp project acme-data?"],
        f"MATCH (n:Resource) WHERE n.account = 'acme-data' RETURN {ID}",
    ),
    (
        "location",
        ["how many VMs in project acme-prod", "how many gcp instances in acme-prod"],
        "MATCH (n:GCPComputeInstance) WHERE n.account = 'acme-prod' RETURN count(n) AS count",
    ),
    (
        "location",
        ["how many security groups in eu-west-1", "count security groups in eu-west-1"],
        "MATCH (n:SecurityGroup) WHERE n.region = 'eu-west-1' RETURN count(n) AS count",
    ),
    (
        "location",
        [
            "which t3.micro instances do we have?",
            "list ec2 instances of type t3.micro",
            "show instances with instance type t3.micro",
        ],
        f"MATCH (n:EC2Instance) WHERE n.instance_type = 't3.micro' RETURN {ID}",
    ),
    (
        "location",
        ["how many c5.large instances", "how many EC2 instances are c5.large?"],
        "MATCH (n:EC2Instance) WHERE n.instance_type = 'c5.large' RETURN count(n) AS count",
    ),
    (
        "location",
        ["which rds instances run mysql", "list mysql databases", "RDS instances with engine mysql"],
        f"MATCH (n:RDSInstance) WHERE n.engine = 'mysql' RETURN {ID}",
    ),
    (
        "location",
        ["how many postgres RDS instances", "how many rds instances use postgres?"],
        "MATCH (n:RDSInstance) WHERE n.engine = 'postgres' RETURN count(n) AS count",
    ),
    (
        "location",
        ["how many azure VMs are Standard_D4s_v5", "count azure vms of size Standard_D4s_v5"],
        "MATCH (n:AzureVirtualMachine) WHERE n.vm_size = 'Standard_D4s_v5' RETURN count(n) AS count",
    ),
    (
        "location",
        ["which gcp instances are e2-small", "list gcp compute instances with machine type e2-small"],
        f"MATCH (n:GCPComputeInstance) WHERE n.machine_type = 'e2-small' RETURN {ID}",
    ),
    # ---- tags
    (
        "tag",
        [
            "which resources are tagged team=payments",
            "list resources with tag team=payments",
            "show everything owned by team payments",
            "resources tagged team payments",
        ],
        f"MATCH (n:Resource) WHERE 'team=payments' IN n.tags RETURN {ID}",
    ),
    (
        "tag",
        [
            "how many resources are tagged env=prod",
            "count resources with env=prod",
            "how many prod resources (env=prod)?",
        ],
        "MATCH (n:Resource) WHERE 'env=prod' IN n.tags RETURN count(n) AS count",
    ),
    (
        "tag",
        [
            "which EC2 instances have role=web",
            "list ec2 instances tagged role=web",
            "web role EC2 instances (tag role=web)",
        ],
        f"MATCH (n:EC2Instance) WHERE 'role=web' IN n.tags RETURN {ID}",
    ),
    (
        "tag",
        ["which resources have the tag owner=search", "resources tagged owner=search"],
        f"MATCH (n:Resource) WHERE 'owner=search' IN n.tags RETURN {ID}",
    ),
    (
        "tag",
        ["how many resources are tagged team=identity", "count resources of team identity"],
        "MATCH (n:Resource) WHERE 'team=identity' IN n.tags RETURN count(n) AS count",
    ),
    (
        "tag",
        ["which buckets are tagged data-classification=sensitive", "list resources with data-classification=sensitive"],
        f"MATCH (n:Resource) WHERE 'data-classification=sensitive' IN n.tags RETURN {ID}",
    ),
    (
        "tag",
        ["which resources have a costcenter tag", "list resources tagged with costcenter"],
        f"MATCH (n:Resource) WHERE any(t IN n.tags WHERE t STARTS WITH 'costcenter=') RETURN {ID}",
    ),
    (
        "tag",
        ["how many resources by team", "count resources per team tag", "resources grouped by team"],
        "MATCH (n:Resource) UNWIND n.tags AS t WITH n, t WHERE t STARTS WITH 'team=' "
        "RETURN substring(t, 5) AS team, count(n) AS count",
    ),
    (
        "tag",
        ["which azure VMs are tagged owner=checkout", "azure virtual machines with owner checkout"],
        f"MATCH (n:AzureVirtualMachine) WHERE 'owner=checkout' IN n.tags RETURN {ID}",
    ),
    (
        "tag",
        ["which resources are tagged app=orders", "what belongs to app orders (tag app=orders)?"],
        f"MATCH (n:Resource) WHERE 'app=orders' IN n.tags RETURN {ID}",
    ),
    # ---- security posture
    (
        "security",
        [
            "which buckets are public?",
            "list public buckets",
            "show me the public storage buckets",
            "are any of our buckets public?",
            "public buckets across all clouds",
        ],
        "MATCH (n:Resource) WHERE (n:S3Bucket AND (n.policy_allows_public OR n.acl_public)) OR "
        "(n:AzureStorageAccount AND n.allow_blob_public_access) OR (n:GCPStorageBucket AND n.is_public) RETURN n.id AS id",
    ),
    (
        "security",
        ["which S3 buckets are public", "public s3 buckets"],
        "MATCH (n:S3Bucket) WHERE n.policy_allows_public OR n.acl_public RETURN n.id AS id",
    ),
    (
        "security",
        ["how many public S3 buckets are there?", "count the public s3 buckets"],
        "MATCH (n:S3Bucket) WHERE n.policy_allows_public OR n.acl_public RETURN count(n) AS count",
    ),
    (
        "security",
        [
            "which RDS instances are publicly accessible?",
            "public rds databases",
            "list publicly accessible RDS instances",
        ],
        f"MATCH (n:RDSInstance) WHERE n.publicly_accessible = true RETURN {ID}",
    ),
    (
        "security",
        [
            "which RDS instances are not encrypted",
            "unencrypted rds databases",
            "list RDS instances without storage encryption",
        ],
        f"MATCH (n:RDSInstance) WHERE n.storage_encrypted = false RETURN {ID}",
    ),
    (
        "security",
        [
            "which EBS volumes are unencrypted?",
            "list unencrypted ebs volumes",
        ],
        f"MATCH (n:EBSVolume) WHERE n.encrypted = false RETURN {ID}",
    ),
    (
        "security",
        ["how many EBS volumes are not encrypted", "count unencrypted EBS volumes"],
        "MATCH (n:EBSVolume) WHERE n.encrypted = false RETURN count(n) AS count",
    ),
    (
        "security",
        [
            "which security groups open admin ports to the internet?",
            "open admin ports",
            "show security groups with ssh open to the world",
            "which firewalls allow SSH or RDP from anywhere?",
        ],
        "MATCH (f:Finding) WHERE f.rule_id IN ['aws-sg-ssh-open','aws-sg-rdp-open','azure-nsg-ssh-open','azure-nsg-rdp-open',"
        "'gcp-firewall-ssh-open'] RETURN DISTINCT f.resource_id AS id",
    ),
    (
        "security",
        ["which IAM users have no MFA", "iam users without mfa", "list users without MFA enabled"],
        f"MATCH (n:IAMUser) WHERE n.mfa_enabled = false RETURN {ID}",
    ),
    (
        "security",
        ["which KMS keys have rotation disabled?", "kms keys without rotation"],
        f"MATCH (n:KMSKey) WHERE n.rotation_enabled = false RETURN {ID}",
    ),
    (
        "security",
        ["which GCP firewalls are open to the internet", "gcp firewall rules open to the world"],
        f"MATCH (n:GCPFirewall) WHERE n.open_to_internet = true RETURN {ID}",
    ),
    (
        "security",
        ["which load balancers are internet-facing?", "list internet facing load balancers"],
        f"MATCH (n:LoadBalancer) WHERE n.scheme = 'internet-facing' RETURN {ID}",
    ),
    (
        "security",
        ["which EC2 instances have a public IP", "ec2 instances with public ip addresses"],
        f"MATCH (n:EC2Instance) WHERE n.public_ip IS NOT NULL RETURN {ID}",
    ),
    # ---- findings
    (
        "findings",
        [
            "how many critical findings?",
            "how many critical findings are there",
            "count critical security findings",
            "number of critical issues",
        ],
        "MATCH (f:Finding) WHERE f.severity = 'critical' AND f.status = 'open' RETURN count(f) AS count",
    ),
    (
        "findings",
        [
            "findings by severity",
            "how many findings per severity",
            "break down the findings by severity",
            "security findings grouped by severity",
        ],
        "MATCH (f:Finding) WHERE f.status = 'open' RETURN f.severity AS severity, count(f) AS count",
    ),
    (
        "findings",
        ["how many high severity findings", "count high findings"],
        "MATCH (f:Finding) WHERE f.severity = 'high' AND f.status = 'open' RETURN count(f) AS count",
    ),
    (
        "findings",
        ["list the critical findings", "show me critical findings", "what are the critical security issues?"],
        "MATCH (f:Finding) WHERE f.severity = 'critical' AND f.status = 'open' RETURN f.id AS id",
    ),
    (
        "findings",
        ["how many findings are there", "how many open findings do we have", "total number of security findings"],
        "MATCH (f:Finding) WHERE f.status = 'open' RETURN count(f) AS count",
    ),
    (
        "findings",
        ["how many findings in azure", "azure findings count", "how many security findings on azure?"],
        "MATCH (f:Finding) WHERE f.status = 'open' AND f.provider = 'azure' RETURN count(f) AS count",
    ),
    (
        "findings",
        ["what findings does reporting-db have?", "findings on reporting-db", "security issues of reporting-db"],
        "MATCH (f:Finding) WHERE f.status = 'open' AND f.resource_name = 'reporting-db' RETURN f.id AS id",
    ),
    (
        "findings",
        ["critical findings in gcp", "list critical findings on google cloud"],
        "MATCH (f:Finding) WHERE f.severity = 'critical' AND f.status = 'open' AND f.provider = 'gcp' RETURN f.id AS id",
    ),
    (
        "findings",
        ["findings per account", "how many findings per account?"],
        "MATCH (f:Finding) WHERE f.status = 'open' RETURN f.account AS account, count(f) AS count",
    ),
    # ---- relationships
    (
        "relationships",
        ["which EC2 instances are in subnet payments-us1-000-public?", "instances in subnet payments-us1-000-public"],
        f"MATCH (n:EC2Instance)-[:IN_SUBNET]->(s:Subnet {{name: 'payments-us1-000-public'}}) RETURN DISTINCT {ID}",
    ),
    (
        "relationships",
        ["which subnets are in vpc checkout-eu1-000-vpc", "list subnets of the checkout-eu1-000-vpc VPC"],
        f"MATCH (n:Subnet)-[:IN_VPC]->(v:VPC {{name: 'checkout-eu1-000-vpc'}}) RETURN {ID}",
    ),
    (
        "relationships",
        ["which lambda functions use role worker-lambda", "what uses the IAM role worker-lambda?"],
        f"MATCH (n)-[:USES_ROLE]->(r:IAMRole {{name: 'worker-lambda'}}) RETURN {ID}",
    ),
    (
        "relationships",
        [
            "what security groups is exposed-app in",
            "security groups of instance exposed-app",
            "which security groups protect exposed-app?",
        ],
        "MATCH (i:EC2Instance {name: 'exposed-app'})-[:MEMBER_OF_SECURITY_GROUP]->(n:SecurityGroup) RETURN DISTINCT n.id AS id",
    ),
    (
        "relationships",
        ["what is in resource group rg-app", "list what is in resource group rg-app"],
        f"MATCH (n)-[:IN_RESOURCE_GROUP]->(g:AzureResourceGroup {{name: 'rg-app'}}) RETURN {ID}",
    ),
    (
        "relationships",
        ["which disks are attached to vm-web-1", "disks of vm-web-1"],
        f"MATCH (v:AzureVirtualMachine {{name: 'vm-web-1'}})-[:USES_DISK]->(n) RETURN {ID}",
    ),
    (
        "relationships",
        ["which service account does bastion-1 run as", "what service account is bastion-1 using?"],
        f"MATCH (i:GCPComputeInstance {{name: 'bastion-1'}})-[:RUNS_AS]->(n) RETURN {ID}",
    ),
    (
        "relationships",
        ["which volumes are attached to admin-worker", "ebs volumes of admin-worker"],
        f"MATCH (n:EBSVolume)-[:ATTACHED_TO]->(i:EC2Instance {{name: 'admin-worker'}}) RETURN {ID}",
    ),
    (
        "relationships",
        ["which key encrypts the reporting-db database?", "what KMS key is reporting-db encrypted with"],
        f"MATCH (d:RDSInstance {{name: 'reporting-db'}})-[:ENCRYPTED_BY]->(n) RETURN {ID}",
    ),
    (
        "relationships",
        ["what instances are behind target group checkout-eu1-000-alb", "targets of target group checkout-eu1-000-alb"],
        f"MATCH (t:TargetGroup {{name: 'checkout-eu1-000-alb'}})-[:TARGETS]->(n) RETURN {ID}",
    ),
    # ---- exposure
    (
        "exposure",
        [
            "what is exposed to the internet?",
            "which resources are reachable from the internet",
            "show me everything internet-exposed",
            "what can be reached from the internet?",
            "internet exposure",
        ],
        "call:exposure",
    ),
    (
        "exposure",
        ["what is exposed to the internet in azure", "which azure resources are reachable from the internet?"],
        "call:exposure:azure",
    ),
    ("exposure", ["what is exposed in gcp", "internet-exposed resources on google cloud"], "call:exposure:gcp"),
    (
        "exposure",
        [
            "is exposed-app exposed to the internet?",
            "how is exposed-app reachable from the internet",
            "exposure of exposed-app",
        ],
        "call:exposure-of:EC2Instance:exposed-app",
    ),
    (
        "exposure",
        ["is bastion-1 reachable from the internet", "exposure of bastion-1"],
        "call:exposure-of:GCPComputeInstance:bastion-1",
    ),
    (
        "exposure",
        ["is admin-worker exposed to the internet?", "can admin-worker be reached from the internet"],
        "call:exposure-of:EC2Instance:admin-worker",
    ),
    # ---- blast radius / dependents / dependencies
    (
        "blast",
        [
            "what is the blast radius of legacy-db",
            "what breaks if legacy-db goes down?",
            "what depends on legacy-db",
            "blast radius of legacy-db",
        ],
        "call:blast:RDSInstance:legacy-db",
    ),
    (
        "blast",
        [
            "what depends on the orders-db RDS instance?",
            "blast radius of the RDS database orders-db",
            "what breaks if the aws orders-db fails",
        ],
        "call:blast:RDSInstance:orders-db",
    ),
    (
        "blast",
        ["what depends on orders-db in gcp", "blast radius of the cloud sql instance orders-db"],
        "call:blast:GCPCloudSQLInstance:orders-db",
    ),
    (
        "blast",
        ["what does exposed-app depend on?", "dependencies of exposed-app", "what is exposed-app using"],
        "call:deps:EC2Instance:exposed-app",
    ),
    (
        "blast",
        ["what does order-worker depend on", "dependencies of lambda order-worker"],
        "call:deps:LambdaFunction:order-worker",
    ),
    (
        "blast",
        ["blast radius of vpc checkout-eu1-000-vpc", "what would be affected if checkout-eu1-000-vpc failed?"],
        "call:blast:VPC:checkout-eu1-000-vpc",
    ),
    (
        "blast",
        ["what depends on kv-prod-secrets", "blast radius of key vault kv-prod-secrets"],
        "call:blast:AzureKeyVault:kv-prod-secrets",
    ),
    ("blast", ["what does vm-web-1 depend on", "dependencies of vm-web-1"], "call:deps:AzureVirtualMachine:vm-web-1"),
    # ---- network path
    (
        "path",
        [
            "path from exposed-app to estate-123456789012-sensitive",
            "how does exposed-app reach estate-123456789012-sensitive?",
            "show the network path between exposed-app and estate-123456789012-sensitive",
        ],
        "call:path:EC2Instance:exposed-app:S3Bucket:estate-123456789012-sensitive",
    ),
    (
        "path",
        ["how is vm-web-1 connected to vm-web-2", "path from vm-web-1 to vm-web-2"],
        "call:path:AzureVirtualMachine:vm-web-1:AzureVirtualMachine:vm-web-2",
    ),
    (
        "path",
        ["path from bastion-1 to acme-data-private", "how can bastion-1 reach acme-data-private?"],
        "call:path:GCPComputeInstance:bastion-1:GCPStorageBucket:acme-data-private",
    ),
    # ---- cost
    (
        "cost",
        [
            "what are the most expensive resources?",
            "top 10 costliest resources",
            "show the 10 most expensive resources",
            "what costs the most?",
        ],
        "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.id AS id ORDER BY n.monthly_cost_usd DESC, n.id LIMIT 10",
    ),
    (
        "cost",
        [
            "top 5 most expensive resources",
            "the five costliest resources",
            "which 5 resources cost the most per month?",
        ],
        "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.id AS id ORDER BY n.monthly_cost_usd DESC, n.id LIMIT 5",
    ),
    (
        "cost",
        [
            "what is our total monthly cost?",
            "how much do we spend per month",
            "total estimated monthly spend",
            "what's the monthly bill?",
        ],
        "MATCH (n:Resource) RETURN round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["cost per cloud", "monthly cost by provider", "how much do we spend on each cloud?"],
        "MATCH (n:Resource) RETURN n.provider AS provider, round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["cost by region", "monthly cost per region"],
        "MATCH (n:Resource) RETURN n.region AS region, round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["cost per account", "how much does each account cost per month?"],
        "MATCH (n:Resource) RETURN n.account AS account, round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["how much do the EC2 instances cost per month", "monthly cost of EC2 instances"],
        "MATCH (n:EC2Instance) RETURN round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["what does azure cost us a month", "monthly azure spend"],
        "MATCH (n:Resource) WHERE n.provider = 'azure' RETURN round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd",
    ),
    (
        "cost",
        ["most expensive azure VMs", "which azure virtual machines cost the most?"],
        "MATCH (n:AzureVirtualMachine) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.id AS id "
        "ORDER BY n.monthly_cost_usd DESC, n.id LIMIT 10",
    ),
    (
        "cost",
        ["top 3 costliest azure virtual machines", "the 3 most expensive Azure VMs"],
        "MATCH (n:AzureVirtualMachine) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.id AS id "
        "ORDER BY n.monthly_cost_usd DESC, n.id LIMIT 3",
    ),
    (
        "cost",
        ["how much does reporting-db cost?", "monthly cost of reporting-db"],
        "MATCH (n:RDSInstance {name: 'reporting-db'}) RETURN n.monthly_cost_usd AS usd",
    ),
    # ---- savings
    (
        "savings",
        [
            "top 5 savings",
            "where can we save money?",
            "show savings opportunities",
            "how can we cut costs?",
            "what savings are there",
        ],
        "call:savings",
    ),
    ("savings", ["how much could we save per month", "total possible monthly savings"], "call:savings-total"),
    (
        "savings",
        ["which volumes are unattached?", "unattached ebs volumes", "unused volumes"],
        "MATCH (n:EBSVolume) WHERE n.state = 'available' RETURN n.id AS id",
    ),
    ("savings", ["idle elastic ips", "which elastic IPs are not associated?"], "call:savings-rule:idle-elastic-ip"),
    # ---- history
    (
        "history",
        [
            "what changed in the last day?",
            "what changed in the last 24 hours",
            "changes since yesterday",
            "what's new since yesterday?",
            "recent changes",
        ],
        "call:changes:1",
    ),
    (
        "history",
        ["how many resources were created in the last week", "how many new resources this week?"],
        "MATCH (c:Change) WHERE c.change = 'created' AND c.at >= datetime() - duration('P7D') RETURN count(DISTINCT c.resource_id) AS count",
    ),
    (
        "history",
        ["what was deleted in the last week", "which resources were deleted in the last 7 days?"],
        "MATCH (c:Change) WHERE c.change = 'deleted' AND c.at >= datetime() - duration('P7D') RETURN c.resource_id AS id",
    ),
    (
        "history",
        ["which RDS instances changed since yesterday", "rds changes in the last day"],
        "MATCH (c:Change) WHERE c.resource_kind = 'RDSInstance' AND c.at >= datetime() - duration('P2D') RETURN DISTINCT c.resource_id AS id",
    ),
    ("history", ["what changed on legacy-db", "history of legacy-db"], "call:history:RDSInstance:legacy-db"),
    # ---- aggregation / group by / top-k
    (
        "aggregate",
        ["how many resources per cloud", "resources by provider", "count resources per provider"],
        "MATCH (n:Resource) RETURN n.provider AS provider, count(n) AS count",
    ),
    (
        "aggregate",
        ["how many resources per region", "resource count by region", "break down resources by region"],
        "MATCH (n:Resource) RETURN n.region AS region, count(n) AS count",
    ),
    (
        "aggregate",
        ["how many resources per account", "resources by account"],
        "MATCH (n:Resource) RETURN n.account AS account, count(n) AS count",
    ),
    (
        "aggregate",
        ["how many resources of each kind", "resource count per type", "break down by kind"],
        "MATCH (n:Resource) RETURN n.kind AS kind, count(n) AS count",
    ),
    (
        "aggregate",
        ["EC2 instances per region", "how many ec2 instances in each region?", "count ec2 instances by region"],
        "MATCH (n:EC2Instance) RETURN n.region AS region, count(n) AS count",
    ),
    (
        "aggregate",
        ["ec2 instances by instance type", "how many EC2 instances of each instance type"],
        "MATCH (n:EC2Instance) RETURN n.instance_type AS instance_type, count(n) AS count",
    ),
    (
        "aggregate",
        ["how many ec2 instances per account", "ec2 count by account"],
        "MATCH (n:EC2Instance) RETURN n.account AS account, count(n) AS count",
    ),
    (
        "aggregate",
        ["rds instances by engine", "how many RDS databases per engine?"],
        "MATCH (n:RDSInstance) RETURN n.engine AS engine, count(n) AS count",
    ),
    (
        "aggregate",
        ["which region has the most resources?", "top region by resource count"],
        "MATCH (n:Resource) RETURN n.region AS region, count(n) AS count ORDER BY count DESC LIMIT 1",
    ),
    (
        "aggregate",
        ["top 3 accounts by number of resources", "which 3 accounts have the most resources"],
        "MATCH (n:Resource) RETURN n.account AS account, count(n) AS count ORDER BY count DESC LIMIT 3",
    ),
    (
        "aggregate",
        ["how many resources does each AWS account have in each region?", "aws resources per account and region"],
        "MATCH (n:Resource) WHERE n.provider = 'aws' RETURN n.account AS account, n.region AS region, count(n) AS count",
    ),
    (
        "aggregate",
        ["azure vms by size", "how many azure virtual machines per vm size"],
        "MATCH (n:AzureVirtualMachine) RETURN n.vm_size AS vm_size, count(n) AS count",
    ),
    # ---- questions to decline
    (
        "decline",
        [
            "write me a poem about clouds",
            "what's the weather in Dublin?",
            "who won the world cup?",
            "tell me a joke",
            "translate hello into French",
        ],
        "decline",
    ),
    (
        "decline",
        [
            "delete all public buckets",
            "stop every EC2 instance in eu-west-1",
            "make reporting-db private",
            "drop the legacy-db database",
            "rotate all the KMS keys now",
        ],
        "decline",
    ),
    (
        "decline",
        [
            "what is the CPU utilisation of exposed-app?",
            "how much memory does vm-web-1 use?",
            "show me the logs of order-worker",
            "what is the password of reporting-db?",
        ],
        "decline",
    ),
    (
        "decline",
        [
            "who deleted the bucket last week?",
            "which engineer created admin-worker?",
            "how much will we spend next year?",
            "are we SOC 2 compliant?",
        ],
        "decline",
    ),
    (
        "decline",
        [
            "how many spaceships are there?",
            "list the unicorns",
            "how many printers do we have",
            "which kubernetes pods are crashing?",
        ],
        "decline",
    ),
    # ---- ambiguous names: ask back
    (
        "ambiguous",
        ["what depends on orders-db?", "blast radius of orders-db", "what breaks if orders-db goes down?"],
        "ask:MATCH (n:Resource {name: 'orders-db'}) RETURN n.id AS id",
    ),
    (
        "ambiguous",
        ["is orders-db exposed to the internet?", "exposure of orders-db"],
        "ask:MATCH (n:Resource {name: 'orders-db'}) RETURN n.id AS id",
    ),
    (
        "ambiguous",
        ["what depends on orders?", "blast radius of orders"],
        "ask:MATCH (n:Resource {name: 'orders'}) RETURN n.id AS id",
    ),
    (
        "ambiguous",
        ["what does payments-us1-000-web depend on?", "dependencies of payments-us1-000-web"],
        "ask:MATCH (n:Resource {name: 'payments-us1-000-web'}) RETURN n.id AS id",
    ),
    (
        "ambiguous",
        ["what does orders-api depend on", "what depends on orders-api"],
        "ask:MATCH (n:Resource {name: 'orders-api'}) RETURN n.id AS id",
    ),
]


def split_of(text: str) -> str:
    return "test" if hashlib.sha256(text.encode()).digest()[0] % 2 else "dev"


def main() -> None:
    out: dict[str, list[dict[str, str]]] = {"dev": [], "test": []}
    seen: set[str] = set()
    for number, (category, phrasings, expect) in enumerate(GROUPS):
        for index, text in enumerate(phrasings):
            assert text not in seen, text
            seen.add(text)
            out[split_of(text)].append(
                {"id": f"{category}-{number:03d}-{index}", "category": category, "question": text, "expect": expect}
            )
    folder = Path(__file__).resolve().parents[1] / "app" / "nl" / "questions"
    folder.mkdir(exist_ok=True)
    for split, items in out.items():
        (folder / f"{split}.json").write_text(json.dumps(items, indent=1) + "\n")
        print(split, len(items))


if __name__ == "__main__":
    main()
