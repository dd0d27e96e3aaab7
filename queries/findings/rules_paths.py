"""Toxic combinations: paths through the graph where each step alone may be acceptable, together not.

Each row's ``path_ids`` walks real relationships (``path_rels`` names them, whatever their direction),
from where the internet gets in to what it reaches. The last hop from an IAM policy statement to a data
store is the derived ALLOWS_ACCESS_TO edge (the statement's Resource pattern matches the store's ARN; the
edge carries the statement's actions).
"""

from __future__ import annotations

from queries.findings.model import Rule
from queries.findings.rules_aws_network import OPEN_CIDRS
from queries.findings.rules_azure_network import INTERNET, SHADOWING_DENY, port_match
from queries.findings.rules_gcp import BROAD_ROLES
from queries.findings.rules_gcp_network import all_ports, rule_covers

# An internet-exposed EC2 instance: a public address and a group admitting the internet on some port.
_EXPOSED_INSTANCE = (
    "MATCH (i:EC2Instance)-[:MEMBER_OF_SECURITY_GROUP]->(g:SecurityGroup)-[:HAS_RULE]->"
    "(r:SecurityGroupRule {direction: 'ingress'}) "
    "WHERE i.public_ip IS NOT NULL AND r.cidr IN $open_cidrs "
    "WITH i, head(collect(r)) AS r, head(collect(g)) AS g "
)
_ROLE_CHAIN = (
    "(i)-[:USES_INSTANCE_PROFILE]->(:IAMInstanceProfile)-[:CONTAINS_ROLE]->(role:IAMRole)"
    "-[:HAS_POLICY]->(:IAMPolicy)-[:HAS_STATEMENT]->"
)
_IDS = "[x IN nodes(p) | x.id]"
_RELS = "[x IN relationships(p) | type(x)]"


_ADMIN_FIELDS = "{role: role.role_name, region: i.region, instance: i.instance_id}"
_DETACH_PROFILE = (
    "aws ec2 describe-iam-instance-profile-associations --region {region} --filters Name=instance-id,"
    "Values={instance} --query IamInstanceProfileAssociations[0].AssociationId --output text | xargs -I ASSOC "
    "aws ec2 disassociate-iam-instance-profile --region {region} --association-id ASSOC"
)

INTERNET_INSTANCE_ADMIN = Rule(
    id="aws-path-internet-instance-admin-role",
    title="Internet-exposed instance runs with administrator rights",
    severity="critical",
    provider="aws",
    kinds=("EC2Instance",),
    benchmarks=("CIS AWS Foundations 1.16", "CIS AWS Foundations 5.2"),
    cypher=(
        _EXPOSED_INSTANCE + f"MATCH p = {_ROLE_CHAIN}(:IAMPolicyStatement {{is_admin: true}}) "
        "WITH i, r, g, head(collect(p)) AS p, head(collect(role)) AS role "
        f"RETURN i.id AS resource_id, [r.id, g.id] + {_IDS} AS path_ids, "
        f"['HAS_RULE', 'MEMBER_OF_SECURITY_GROUP'] + {_RELS} AS path_rels, {_ADMIN_FIELDS} AS fields"
    ),
    description=(
        "The instance has a public address, a security group admits the internet, and its instance profile's "
        "role allows every action: one exploited service on it is full control of the account."
    ),
    remediation="Take the instance profile off (or narrow the role to what the instance needs), then close the group.",
    command=_DETACH_PROFILE,
    params=(("open_cidrs", OPEN_CIDRS),),
    path=True,
)

PUBLIC_LB_ADMIN_INSTANCE = Rule(
    id="aws-path-public-lb-admin-instance",
    title="Internet-facing load balancer sends traffic to an instance with administrator rights",
    severity="critical",
    provider="aws",
    kinds=("EC2Instance",),
    benchmarks=("CIS AWS Foundations 1.16",),
    cypher=(
        "MATCH q = (lb:LoadBalancer {scheme: 'internet-facing'})<-[:PART_OF]-(:Listener)-[:FORWARDS_TO]->"
        "(:TargetGroup)-[:TARGETS]->(i:EC2Instance) "
        f"MATCH p = {_ROLE_CHAIN}(:IAMPolicyStatement {{is_admin: true}}) "
        "WITH i, head(collect(q)) AS q, head(collect(p)) AS p, head(collect(role)) AS role "
        "RETURN i.id AS resource_id, [x IN nodes(q) | x.id] + tail([x IN nodes(p) | x.id]) AS path_ids, "
        f"[x IN relationships(q) | type(x)] + {_RELS} AS path_rels, {_ADMIN_FIELDS} AS fields"
    ),
    description=(
        "Requests from the internet reach the instance through the load balancer, and the instance's role "
        "allows every action: a request that exploits the application controls the account."
    ),
    remediation="Narrow the instance role to what the application needs (or take the profile off).",
    command=_DETACH_PROFILE,
    path=True,
)

_SECRET_ACTIONS = ("*", "secretsmanager:*", "secretsmanager:Get*", "secretsmanager:GetSecretValue")

PUBLIC_FUNCTION_SECRETS = Rule(
    id="aws-path-public-function-reads-secrets",
    title="Publicly invocable function can read secrets",
    severity="critical",
    provider="aws",
    kinds=("LambdaFunction",),
    benchmarks=("AWS FSBP Lambda.1",),
    cypher=(
        "MATCH (f:LambdaFunction) WHERE f.function_url_auth_type = 'NONE' "
        "OR EXISTS { MATCH (:APIGatewayRestApi|APIGatewayHttpApi)-[:INVOKES]->(f) } "
        "MATCH p = (f)-[:USES_ROLE]->(role:IAMRole)-[:HAS_POLICY]->(:IAMPolicy)-[:HAS_STATEMENT]->"
        "(:IAMPolicyStatement {effect: 'Allow'})-[grant:ALLOWS_ACCESS_TO]->(:SecretsManagerSecret) "
        "WHERE any(a IN coalesce(grant.actions, []) WHERE a IN $actions) "
        "WITH f, head(collect(p)) AS p, head(collect(role)) AS role "
        f"RETURN f.id AS resource_id, {_IDS} AS path_ids, {_RELS} AS path_rels, "
        "{role: role.role_name, function: f.function_name, region: f.region} AS fields"
    ),
    description=(
        "Anyone can invoke the function (a URL without auth, or an API Gateway integration) and its role may "
        "read Secrets Manager secrets: a flaw in the function leaks them."
    ),
    remediation="Require authentication to invoke the function, and limit its role to the secrets it needs.",
    command="aws lambda update-function-url-config --region {region} --function-name {function} --auth-type AWS_IAM",
    params=(("actions", _SECRET_ACTIONS),),
    path=True,
)

_DATA_ACTIONS = (
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "s3:Put*",
    "s3:PutObject",
    "s3:DeleteObject",
    "dynamodb:*",
    "dynamodb:Get*",
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:PutItem",
)

INTERNET_INSTANCE_DATA = Rule(
    id="aws-path-internet-instance-reaches-data",
    title="Internet-exposed instance can read or write a data store",
    severity="critical",
    provider="aws",
    kinds=("EC2Instance",),
    benchmarks=("CIS AWS Foundations 5.2",),
    cypher=(
        _EXPOSED_INSTANCE + f"MATCH p = {_ROLE_CHAIN}(:IAMPolicyStatement {{effect: 'Allow'}})"
        "-[grant:ALLOWS_ACCESS_TO]->(:S3Bucket|DynamoDBTable) "
        "WHERE any(a IN coalesce(grant.actions, []) WHERE a IN $actions) "
        "WITH i, r, g, head(collect(p)) AS p, head(collect(role)) AS role "
        f"RETURN i.id AS resource_id, [r.id, g.id] + {_IDS} AS path_ids, "
        f"['HAS_RULE', 'MEMBER_OF_SECURITY_GROUP'] + {_RELS} AS path_rels, "
        f"{_ADMIN_FIELDS} AS fields"
    ),
    description=(
        "The instance is reachable from the internet and its role may read or write an S3 bucket or DynamoDB "
        "table: a compromise of the instance is a data breach."
    ),
    remediation="Close the instance to the internet (behind a load balancer), and scope its role to what it needs.",
    command=_DETACH_PROFILE,
    params=(("open_cidrs", OPEN_CIDRS), ("actions", _DATA_ACTIONS)),
    path=True,
)

PUBLIC_DB_OPEN_GROUP = Rule(
    id="aws-path-public-database-open-port",
    title="Publicly accessible database admits the internet on its port",
    severity="critical",
    provider="aws",
    kinds=("RDSInstance",),
    benchmarks=("CIS AWS Foundations 2.3.3", "CIS AWS Foundations 5.2"),
    cypher=(
        "MATCH p = (r:SecurityGroupRule {direction: 'ingress'})<-[:HAS_RULE]-(g:SecurityGroup)"
        "<-[:MEMBER_OF_SECURITY_GROUP]-(d:RDSInstance {publicly_accessible: true}) "
        "WHERE r.cidr IN $open_cidrs AND (r.protocol = '-1' OR (r.protocol IN ['tcp', '6'] "
        "AND coalesce(r.from_port, 0) <= d.endpoint_port AND coalesce(r.to_port, 65535) >= d.endpoint_port)) "
        "WITH d, head(collect(p)) AS p "
        f"RETURN d.id AS resource_id, {_IDS} AS path_ids, {_RELS} AS path_rels, "
        "{region: d.region, db: d.db_instance_identifier} AS fields"
    ),
    description="The database has a public endpoint and a security group admits the internet to its port.",
    remediation="Turn public accessibility off (and remove the world-open rule).",
    command=(
        "aws rds modify-db-instance --region {region} --db-instance-identifier {db} --no-publicly-accessible "
        "--apply-immediately"
    ),
    params=(("open_cidrs", OPEN_CIDRS),),
    path=True,
)

ANYONE_ADMIN_ROLE = Rule(
    id="aws-path-anyone-can-assume-admin-role",
    title="Anyone can assume a role with administrator rights",
    severity="critical",
    provider="aws",
    kinds=("IAMRole",),
    benchmarks=("CIS AWS Foundations 1.16",),
    cypher=(
        "MATCH p = (role:IAMRole {trusts_any_principal: true})-[:HAS_POLICY]->(:IAMPolicy)-[:HAS_STATEMENT]->"
        "(:IAMPolicyStatement {is_admin: true}) WHERE NOT coalesce(role.has_condition, false) "
        "WITH role, head(collect(p)) AS p "
        f"RETURN role.id AS resource_id, {_IDS} AS path_ids, {_RELS} AS path_rels, {{role: role.role_name}} AS fields"
    ),
    description="The role's trust policy admits '*' without a condition and its policies allow every action.",
    remediation="Restrict the trust policy to named principals at once; then narrow the role's permissions.",
    command="aws iam update-assume-role-policy --role-name {role} --policy-document file://{role}-trust-policy.json",
    path=True,
)

AZURE_INTERNET_VM_ADMIN = Rule(
    id="azure-path-internet-vm-admin-port",
    title="VM with a public IP exposes SSH or RDP to the internet",
    severity="critical",
    provider="azure",
    kinds=("AzureVirtualMachine",),
    benchmarks=("CIS Azure 6.1", "CIS Azure 6.2"),
    cypher=(
        "MATCH (vm:AzureVirtualMachine)-[:HAS_NETWORK_INTERFACE]->(nic:AzureNetworkInterface)"
        "-[:HAS_PUBLIC_IP]->(pip:AzurePublicIPAddress) "
        "MATCH q = (nic)-[:PROTECTED_BY|IN_SUBNET*1..2]->(g:AzureNetworkSecurityGroup)"
        "-[:HAS_RULE]->(r:AzureSecurityRule {open_to_internet: true}) "
        "UNWIND $ports AS port WITH vm, pip, q, g, r, port "
        f"WHERE toLower(coalesce(r.protocol, '*')) IN ['tcp', '*'] AND {port_match('r', 'port')} "
        f"AND {SHADOWING_DENY.format(covers=port_match('d', 'port'))} "
        "WITH vm, pip, head(collect(q)) AS q, head(collect(r)) AS r, head(collect(g)) AS g "
        "RETURN vm.id AS resource_id, reverse([x IN nodes(q) | x.id]) + [vm.id] AS path_ids, "
        "reverse([x IN relationships(q) | type(x)]) + ['HAS_NETWORK_INTERFACE'] AS path_rels, "
        "{subscription: g.account, resource_group: g.resource_group, nsg: g.name, rule: r.name, "
        "public_ip: pip.ip_address} AS fields"
    ),
    description=(
        "The VM has a public IP and an NSG on its NIC or subnet admits the internet to SSH or RDP: it is "
        "brute-forced from the moment it starts."
    ),
    remediation="Delete the NSG rule (use Bastion or just-in-time access) or remove the public IP.",
    command=(
        "az network nsg rule delete --subscription {subscription} --resource-group {resource_group} "
        "--nsg-name {nsg} --name {rule}"
    ),
    params=(("ports", (22, 3389)), ("internet", INTERNET)),
    path=True,
)

GCP_INTERNET_INSTANCE_BROAD_SA = Rule(
    id="gcp-path-internet-instance-broad-service-account",
    title="Internet-exposed VM runs as a service account with Owner or Editor",
    severity="critical",
    provider="gcp",
    kinds=("GCPComputeInstance",),
    benchmarks=("CIS GCP 4.1", "CIS GCP 3.6"),
    cypher=(
        "MATCH p = (f:GCPFirewall {open_to_internet: true})-[:APPLIES_TO]->(i:GCPComputeInstance)"
        "-[:RUNS_AS]->(sa:GCPServiceAccount)-[h:HAS_ROLE]->(:GCPProject) "
        f"WHERE i.public_ip IS NOT NULL AND ({rule_covers('f', '22')} OR {rule_covers('f', '3389')} "
        f"OR {all_ports('f')}) AND any(x IN h.roles WHERE x IN $roles) "
        "WITH i, head(collect(p)) AS p "
        f"RETURN i.id AS resource_id, {_IDS} AS path_ids, {_RELS} AS path_rels, "
        "{instance: i.name, project: i.account, zone: i.zone} AS fields"
    ),
    description=(
        "A firewall rule admits the internet to the VM's SSH or RDP port, the VM has an external IP, and it "
        "runs as a service account that can change the whole project."
    ),
    remediation="Give the VM a least-privileged service account and close the firewall rule to the internet.",
    command=(
        "gcloud compute instances set-service-account {instance} --project {project} --zone {zone} "
        "--service-account=<dedicated service account email> --scopes=cloud-platform"
    ),
    params=(("roles", BROAD_ROLES),),
    path=True,
)

GCP_PUBLIC_FUNCTION_BROAD_SA = Rule(
    id="gcp-path-public-function-broad-service-account",
    title="Public function or Cloud Run service runs with Owner or Editor",
    severity="critical",
    provider="gcp",
    kinds=("GCPCloudFunction", "GCPCloudRunService"),
    benchmarks=("CIS GCP 1.5",),
    cypher=(
        "MATCH p = (f:GCPCloudFunction|GCPCloudRunService {is_public: true})-[:RUNS_AS]->(sa:GCPServiceAccount)"
        "-[h:HAS_ROLE]->(:GCPProject) WHERE any(x IN h.roles WHERE x IN $roles) "
        "WITH f, sa, head(collect(p)) AS p, head(collect([x IN h.roles WHERE x IN $roles][0])) AS role "
        f"RETURN f.id AS resource_id, {_IDS} AS path_ids, {_RELS} AS path_rels, "
        "{project: f.account, email: sa.email, role: role} AS fields"
    ),
    description="Anyone can invoke the workload, and it runs as a service account that can change the project.",
    remediation="Take the broad role off the service account (or give the workload a dedicated one).",
    command=("gcloud projects remove-iam-policy-binding {project} --member=serviceAccount:{email} --role={role}"),
    params=(("roles", BROAD_ROLES),),
    path=True,
)

RULES: tuple[Rule, ...] = (
    INTERNET_INSTANCE_ADMIN,
    PUBLIC_LB_ADMIN_INSTANCE,
    PUBLIC_FUNCTION_SECRETS,
    INTERNET_INSTANCE_DATA,
    PUBLIC_DB_OPEN_GROUP,
    ANYONE_ADMIN_ROLE,
    AZURE_INTERNET_VM_ADMIN,
    GCP_INTERNET_INSTANCE_BROAD_SA,
    GCP_PUBLIC_FUNCTION_BROAD_SA,
)
