"""AWS network exposure rules: security groups and network ACLs open to the internet, public images,
unencrypted block storage, plain-HTTP load balancers, tasks with public addresses."""

from __future__ import annotations

from queries.findings.model import Rule, Severity

OPEN_CIDRS = ("0.0.0.0/0", "::/0")

# One IpPermissions shorthand per offending rule, quoted for the shell: 'IpProtocol=tcp,FromPort=22,...'.
_PERMISSIONS = (
    "reduce(s = '', x IN rules | s + \" '\" + 'IpProtocol=' + x.protocol"
    " + CASE WHEN x.protocol = '-1' THEN '' ELSE ',FromPort=' + toString(x.from_port)"
    " + ',ToPort=' + toString(x.to_port) END"
    " + CASE WHEN x.cidr CONTAINS ':' THEN ',Ipv6Ranges=[{CidrIpv6=' + x.cidr + '}]'"
    " ELSE ',IpRanges=[{CidrIp=' + x.cidr + '}]' END + \"'\")"
)
_REVOKE = "aws ec2 revoke-security-group-ingress --region {region} --group-id {group_id} --ip-permissions{permissions}"


def _port_rule(slug: str, port: int, service: str, severity: Severity, benchmarks: tuple[str, ...]) -> Rule:
    """A security group admits the internet to one port (a rule covering every port is aws-sg-all-open's)."""
    return Rule(
        id=f"aws-sg-{slug}-open",
        title=f"Security group allows {service} (port {port}) from the internet",
        severity=severity,
        provider="aws",
        kinds=("SecurityGroup",),
        benchmarks=benchmarks,
        cypher=(
            "MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) "
            "WHERE r.cidr IN $open_cidrs AND r.protocol IN ['tcp', '6'] "
            "AND coalesce(r.from_port, 0) <= $port AND coalesce(r.to_port, 65535) >= $port "
            "AND NOT (coalesce(r.from_port, 0) <= 0 AND coalesce(r.to_port, 65535) >= 65535) "
            "WITH g, collect(r) AS rules "
            f"RETURN g.id AS resource_id, {{region: g.region, group_id: g.group_id, permissions: {_PERMISSIONS}}} "
            "AS fields"
        ),
        description=(
            f"An ingress rule admits 0.0.0.0/0 or ::/0 to port {port} ({service}). Anyone on the internet can "
            "reach the service on every instance, load balancer or database in the group and try to log in "
            "or exploit it."
        ),
        remediation=(
            f"Remove the world-open rule; admit {service} only from known address ranges, a bastion's security "
            "group, or use Session Manager / a VPN instead of exposing the port."
        ),
        command=_REVOKE,
        params=(("open_cidrs", OPEN_CIDRS), ("port", port)),
    )


_ADMIN = ("CIS AWS Foundations 5.2", "CIS AWS Foundations 5.3")
_DB = ("AWS FSBP EC2.19",)

PORT_RULES: tuple[Rule, ...] = (
    _port_rule("ssh", 22, "SSH", "high", _ADMIN),
    _port_rule("rdp", 3389, "RDP", "high", _ADMIN),
    _port_rule("mysql", 3306, "MySQL", "high", _DB),
    _port_rule("postgres", 5432, "PostgreSQL", "high", _DB),
    _port_rule("mssql", 1433, "SQL Server", "high", _DB),
    _port_rule("oracle", 1521, "Oracle", "high", _DB),
    _port_rule("redis", 6379, "Redis", "high", _DB),
    _port_rule("mongodb", 27017, "MongoDB", "high", _DB),
    _port_rule("elasticsearch", 9200, "Elasticsearch", "high", _DB),
    _port_rule("memcached", 11211, "Memcached", "medium", _DB),
)

SG_ALL_OPEN = Rule(
    id="aws-sg-all-open",
    title="Security group allows every port from the internet",
    severity="critical",
    provider="aws",
    kinds=("SecurityGroup",),
    benchmarks=_ADMIN,
    cypher=(
        "MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) "
        "WHERE r.cidr IN $open_cidrs AND (r.protocol = '-1' OR (r.protocol IN ['tcp', '6', 'udp', '17'] "
        "AND coalesce(r.from_port, 0) <= 0 AND coalesce(r.to_port, 65535) >= 65535)) "
        "WITH g, collect(r) AS rules "
        f"RETURN g.id AS resource_id, {{region: g.region, group_id: g.group_id, permissions: {_PERMISSIONS}}} AS fields"
    ),
    description="An ingress rule admits the whole internet to every port (or every protocol) of the group's members.",
    remediation="Replace the rule with rules for the ports the workload serves, from the sources that need them.",
    command=_REVOKE,
    params=(("open_cidrs", OPEN_CIDRS),),
)

SG_DEFAULT_OPEN = Rule(
    id="aws-sg-default-has-rules",
    title="Default security group allows traffic",
    severity="low",
    provider="aws",
    kinds=("SecurityGroup",),
    benchmarks=("CIS AWS Foundations 5.4",),
    cypher=(
        "MATCH (g:SecurityGroup {group_name: 'default'})-[:HAS_RULE]->(r:SecurityGroupRule) "
        "WITH g, count(r) AS rules "
        "RETURN g.id AS resource_id, {region: g.region, group_id: g.group_id} AS fields"
    ),
    description=(
        "The VPC's default security group has inbound or outbound rules. Anything launched without an explicit "
        "group lands in it and gets that access."
    ),
    remediation="Remove every rule of the default group and attach purpose-made groups to resources instead.",
    command=(
        "aws ec2 revoke-security-group-ingress --region {region} --group-id {group_id} --ip-permissions "
        '"$(aws ec2 describe-security-groups --region {region} --group-ids {group_id} '
        '--query SecurityGroups[0].IpPermissions)" && aws ec2 revoke-security-group-egress --region {region} '
        '--group-id {group_id} --ip-permissions "$(aws ec2 describe-security-groups --region {region} '
        '--group-ids {group_id} --query SecurityGroups[0].IpPermissionsEgress)"'
    ),
)

NACL_ADMIN_OPEN = Rule(
    id="aws-nacl-admin-ports-open",
    title="Network ACL allows SSH or RDP from the internet",
    severity="medium",
    provider="aws",
    kinds=("NetworkAcl",),
    benchmarks=("CIS AWS Foundations 5.1",),
    cypher=(
        "MATCH (a:NetworkAcl)-[:HAS_ENTRY]->(e:NetworkAclEntry {direction: 'ingress', rule_action: 'allow'}) "
        "WHERE e.cidr IN $open_cidrs AND e.protocol IN ['-1', '6'] "
        "AND any(port IN $ports WHERE e.protocol = '-1' "
        "OR (coalesce(e.from_port, 0) <= port AND coalesce(e.to_port, 65535) >= port)) "
        "AND NOT EXISTS { MATCH (a)-[:HAS_ENTRY]->(d:NetworkAclEntry {direction: 'ingress', rule_action: 'deny'}) "
        "WHERE d.rule_number < e.rule_number AND d.cidr = e.cidr AND d.protocol IN ['-1', '6'] "
        "AND all(port IN $ports WHERE d.protocol = '-1' "
        "OR (coalesce(d.from_port, 0) <= port AND coalesce(d.to_port, 65535) >= port)) } "
        "WITH a, min(e.rule_number) AS rule_number, head(collect(e.cidr)) AS cidr "
        "RETURN a.id AS resource_id, {region: a.region, network_acl_id: a.network_acl_id, "
        "rule_number: toString(rule_number), cidr: cidr} AS fields"
    ),
    description=(
        "An allow entry of the ACL admits 0.0.0.0/0 or ::/0 to port 22 or 3389 and no earlier deny entry stops "
        "it, so the subnet's admin ports are only guarded by security groups."
    ),
    remediation="Add a lower-numbered deny entry for ports 22 and 3389 from the internet, or narrow the allow entry.",
    command=(
        "aws ec2 create-network-acl-entry --region {region} --network-acl-id {network_acl_id} --ingress "
        "--rule-number 1 --protocol tcp --port-range From=22,To=22 --cidr-block {cidr} --rule-action deny && "
        "aws ec2 create-network-acl-entry --region {region} --network-acl-id {network_acl_id} --ingress "
        "--rule-number 2 --protocol tcp --port-range From=3389,To=3389 --cidr-block {cidr} --rule-action deny"
    ),
    params=(("open_cidrs", OPEN_CIDRS), ("ports", (22, 3389))),
)

AMI_PUBLIC = Rule(
    id="aws-ami-public",
    title="Machine image is public",
    severity="high",
    provider="aws",
    kinds=("AMI",),
    benchmarks=("AWS FSBP EC2.1",),
    cypher=(
        "MATCH (i:AMI {public: true}) RETURN i.id AS resource_id, {region: i.region, image_id: i.image_id} AS fields"
    ),
    description="Every AWS account can launch the image and read whatever it contains (keys, code, data).",
    remediation="Remove the public launch permission (share with named accounts only).",
    command=(
        "aws ec2 modify-image-attribute --region {region} --image-id {image_id} "
        '--launch-permission "Remove=[{{Group=all}}]"'
    ),
)

EBS_UNENCRYPTED = Rule(
    id="aws-ebs-volume-unencrypted",
    title="EBS volume is not encrypted",
    severity="medium",
    provider="aws",
    kinds=("EBSVolume",),
    benchmarks=("CIS AWS Foundations 2.2.1",),
    cypher=(
        "MATCH (v:EBSVolume {encrypted: false}) "
        "RETURN v.id AS resource_id, {region: v.region, volume_id: v.volume_id} AS fields"
    ),
    description="The volume's data, its snapshots and the volumes made from them are stored unencrypted.",
    remediation=(
        "Turn on EBS encryption by default for the region, then replace the volume with one restored from an "
        "encrypted copy of its snapshot."
    ),
    command=(
        "aws ec2 enable-ebs-encryption-by-default --region {region} && aws ec2 create-snapshot --region {region} "
        "--volume-id {volume_id} --description 'before encrypting {volume_id}'"
    ),
)

EBS_SNAPSHOT_UNENCRYPTED = Rule(
    id="aws-ebs-snapshot-unencrypted",
    title="EBS snapshot is not encrypted",
    severity="low",
    provider="aws",
    kinds=("EBSSnapshot",),
    benchmarks=("CIS AWS Foundations 2.2.1",),
    cypher=(
        "MATCH (s:EBSSnapshot {encrypted: false}) "
        "RETURN s.id AS resource_id, {region: s.region, snapshot_id: s.snapshot_id} AS fields"
    ),
    description="The snapshot holds a copy of a volume's data unencrypted; volumes restored from it are too.",
    remediation="Copy the snapshot with encryption on, then delete the unencrypted one.",
    command=(
        "aws ec2 copy-snapshot --region {region} --source-region {region} --source-snapshot-id {snapshot_id} "
        "--encrypted && aws ec2 delete-snapshot --region {region} --snapshot-id {snapshot_id}"
    ),
)

ELB_HTTP = Rule(
    id="aws-elb-internet-http-listener",
    title="Internet-facing load balancer serves plain HTTP",
    severity="medium",
    provider="aws",
    kinds=("LoadBalancer",),
    benchmarks=("AWS FSBP ELB.1",),
    cypher=(
        "MATCH (l:Listener {protocol: 'HTTP'})-[:PART_OF]->(lb:LoadBalancer {scheme: 'internet-facing'}) "
        "WHERE NOT 'redirect' IN coalesce(l.default_action_types, []) "
        "WITH lb, head(collect(l)) AS l "
        "RETURN lb.id AS resource_id, {region: lb.region, listener_arn: l.id} AS fields"
    ),
    description="A listener forwards unencrypted HTTP from the internet instead of redirecting it to HTTPS.",
    remediation="Make the HTTP listener's default action a redirect to HTTPS (port 443).",
    command=(
        "aws elbv2 modify-listener --region {region} --listener-arn {listener_arn} --default-actions "
        "'Type=redirect,RedirectConfig={{Protocol=HTTPS,Port=443,StatusCode=HTTP_301}}'"
    ),
)

ECS_PUBLIC_IP = Rule(
    id="aws-ecs-service-public-ip",
    title="ECS service gives its tasks public IP addresses",
    severity="medium",
    provider="aws",
    kinds=("ECSService",),
    benchmarks=("AWS FSBP ECS.2",),
    cypher=(
        "MATCH (s:ECSService {assign_public_ip: 'ENABLED'}) "
        "RETURN s.id AS resource_id, {region: s.region, cluster: s.cluster_arn, service: s.service_name, "
        "subnets: reduce(acc = '', x IN coalesce(s.subnet_ids, []) | acc + CASE WHEN acc = '' THEN '' ELSE ',' END "
        "+ x)} AS fields"
    ),
    description="Every task of the service gets a public address and is reachable from the internet past the load "
    "balancer.",
    remediation="Run the tasks in private subnets without public IPs (outbound through a NAT gateway).",
    command=(
        "aws ecs update-service --region {region} --cluster {cluster} --service {service} "
        "--network-configuration 'awsvpcConfiguration={{subnets=[{subnets}],assignPublicIp=DISABLED}}'"
    ),
)

RULES: tuple[Rule, ...] = (
    *PORT_RULES,
    SG_ALL_OPEN,
    SG_DEFAULT_OPEN,
    NACL_ADMIN_OPEN,
    AMI_PUBLIC,
    EBS_UNENCRYPTED,
    EBS_SNAPSHOT_UNENCRYPTED,
    ELB_HTTP,
    ECS_PUBLIC_IP,
)
