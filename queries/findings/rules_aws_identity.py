"""AWS identity and workload rules: IAM users, keys, admin policies and role trust; public function URLs,
old runtimes, public Kubernetes endpoints, container registries, CDN and API settings."""

from __future__ import annotations

from queries.findings.model import Rule

_USER = "{user: u.user_name, account: u.account}"

USER_NO_MFA = Rule(
    id="aws-iam-user-console-no-mfa",
    title="IAM user can sign in to the console without MFA",
    severity="high",
    provider="aws",
    kinds=("IAMUser",),
    benchmarks=("CIS AWS Foundations 1.10",),
    cypher=(
        "MATCH (u:IAMUser {console_access: true}) WHERE NOT coalesce(u.mfa_enabled, false) "
        f"RETURN u.id AS resource_id, {_USER} AS fields"
    ),
    description="The user has a console password and no MFA device: a phished or reused password is enough.",
    remediation="Enrol an MFA device for the user (and require MFA with an IAM policy condition).",
    command=(
        "aws iam create-virtual-mfa-device --virtual-mfa-device-name {user} --outfile {user}-mfa.png "
        "--bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name {user} --serial-number "
        "arn:aws:iam::{account}:mfa/{user} --authentication-code1 <code 1> --authentication-code2 <code 2>"
    ),
)

_KEY = "{user: k.user_name, key: k.access_key_id}"

ACCESS_KEY_STALE = Rule(
    id="aws-iam-access-key-not-rotated",
    title="IAM access key is older than 90 days",
    severity="medium",
    provider="aws",
    kinds=("IAMAccessKey",),
    benchmarks=("CIS AWS Foundations 1.14",),
    cypher=(
        "MATCH (k:IAMAccessKey {status: 'Active'}) WHERE k.created < $now - duration({days: $days}) "
        f"RETURN k.id AS resource_id, {_KEY} AS fields"
    ),
    description="A long-lived key that has not been rotated for 90 days has had that long to leak.",
    remediation="Create a new key, move its users to it, then deactivate and delete the old one.",
    command=(
        "aws iam create-access-key --user-name {user} && "
        "aws iam update-access-key --user-name {user} --access-key-id {key} --status Inactive"
    ),
    params=(("days", 90),),
)

ACCESS_KEY_UNUSED = Rule(
    id="aws-iam-access-key-unused",
    title="Active IAM access key unused for 90 days",
    severity="medium",
    provider="aws",
    kinds=("IAMAccessKey",),
    benchmarks=("CIS AWS Foundations 1.12",),
    cypher=(
        "MATCH (k:IAMAccessKey {status: 'Active'}) "
        "WHERE coalesce(k.last_used, k.created) < $now - duration({days: $days}) "
        f"RETURN k.id AS resource_id, {_KEY} AS fields"
    ),
    description="Nobody uses the key, yet it still works for whoever holds a copy.",
    remediation="Deactivate the key, and delete it once nothing breaks.",
    command="aws iam update-access-key --user-name {user} --access-key-id {key} --status Inactive",
    params=(("days", 90),),
)

PASSWORD_UNUSED = Rule(
    id="aws-iam-user-password-unused",
    title="IAM user's console password unused for 90 days",
    severity="medium",
    provider="aws",
    kinds=("IAMUser",),
    benchmarks=("CIS AWS Foundations 1.12",),
    cypher=(
        "MATCH (u:IAMUser {console_access: true}) "
        "WHERE coalesce(u.password_last_used, u.created) < $now - duration({days: $days}) "
        f"RETURN u.id AS resource_id, {_USER} AS fields"
    ),
    description="The password still signs in although nobody has used it for 90 days.",
    remediation="Remove the user's login profile.",
    command="aws iam delete-login-profile --user-name {user}",
    params=(("days", 90),),
)

USER_DIRECT_POLICY = Rule(
    id="aws-iam-user-direct-policy",
    title="IAM user has policies attached directly",
    severity="low",
    provider="aws",
    kinds=("IAMUser",),
    benchmarks=("CIS AWS Foundations 1.15",),
    cypher=(
        "MATCH (u:IAMUser)-[:HAS_POLICY]->(p:IAMPolicy) WITH u, head(collect(p)) AS p "
        "RETURN u.id AS resource_id, {user: u.user_name, policy: p.policy_name, policy_arn: p.id, "
        "action: CASE WHEN p.is_inline THEN 'delete-user-policy' ELSE 'detach-user-policy' END, "
        "target: CASE WHEN p.is_inline THEN '--policy-name ' + p.policy_name ELSE '--policy-arn ' + p.id END} "
        "AS fields"
    ),
    description="Permissions given user by user drift apart and are hard to review; grant them through groups.",
    remediation="Put the user in a group that carries the policy, then remove the direct policy.",
    command="aws iam {action} --user-name {user} {target}",
)

_OWNER = "split(coalesce(p.owner_arn, ''), ':')[5]"

POLICY_ADMIN = Rule(
    id="aws-iam-policy-full-admin",
    title="IAM policy allows every action on every resource",
    severity="high",
    provider="aws",
    kinds=("IAMPolicy",),
    benchmarks=("CIS AWS Foundations 1.16",),
    cypher=(
        "MATCH (p:IAMPolicy)-[:HAS_STATEMENT]->(s:IAMPolicyStatement {is_admin: true}) "
        "WHERE NOT coalesce(p.is_aws_managed, false) AND (p.is_inline OR coalesce(p.attachment_count, 0) > 0) "
        "WITH DISTINCT p "
        "RETURN p.id AS resource_id, {policy_arn: p.id, policy: p.policy_name, "
        f"command: CASE WHEN p.is_inline THEN 'aws iam delete-' + split({_OWNER}, '/')[0] + '-policy --' "
        f"+ split({_OWNER}, '/')[0] + '-name ' + last(split({_OWNER}, '/')) + ' --policy-name ' + p.policy_name "
        "ELSE 'aws iam create-policy-version --policy-arn ' + p.id "
        "+ ' --policy-document file://least-privilege.json --set-as-default' END} AS fields"
    ),
    description="A customer policy in use grants '*:*' (full administrator rights) instead of least privilege.",
    remediation="Replace the statement with the actions and resources the holder needs (or remove the policy).",
    command="{command}",
)

USER_ADMIN_WITH_KEY = Rule(
    id="aws-iam-admin-user-with-access-key",
    title="Administrator IAM user has an active access key",
    severity="high",
    provider="aws",
    kinds=("IAMUser",),
    benchmarks=("CIS AWS Foundations 1.16", "CIS AWS Foundations 1.14"),
    cypher=(
        "MATCH (k:IAMAccessKey {status: 'Active'})-[:BELONGS_TO]->(u:IAMUser) "
        "WHERE EXISTS { MATCH (u)-[:HAS_POLICY]->(:IAMPolicy)-[:HAS_STATEMENT]->(:IAMPolicyStatement "
        "{is_admin: true}) } OR EXISTS { MATCH (u)-[:MEMBER_OF]->(:IAMGroup)-[:HAS_POLICY]->(:IAMPolicy)"
        "-[:HAS_STATEMENT]->(:IAMPolicyStatement {is_admin: true}) } "
        "WITH u, head(collect(k.access_key_id)) AS key "
        "RETURN u.id AS resource_id, {user: u.user_name, key: key} AS fields"
    ),
    description="A long-lived key of a user with full administrator rights: whoever copies it owns the account.",
    remediation="Use roles with short-lived credentials (SSO) for administration; deactivate the user's keys.",
    command="aws iam update-access-key --user-name {user} --access-key-id {key} --status Inactive",
)

_ROLE = "{role: r.role_name}"

ROLE_TRUSTS_ANYONE = Rule(
    id="aws-iam-role-trusts-anyone",
    title="IAM role can be assumed by anyone",
    severity="critical",
    provider="aws",
    kinds=("IAMRole",),
    benchmarks=("AWS FSBP IAM.21",),
    cypher=(
        "MATCH (r:IAMRole {trusts_any_principal: true}) WHERE NOT coalesce(r.has_condition, false) "
        f"RETURN r.id AS resource_id, {_ROLE} AS fields"
    ),
    description="The trust policy allows the principal '*' without a condition: any AWS account can assume it.",
    remediation="Name the accounts or roles that may assume the role, and add a condition (e.g. sts:ExternalId).",
    command="aws iam update-assume-role-policy --role-name {role} --policy-document file://{role}-trust-policy.json",
)

ROLE_FOREIGN = Rule(
    id="aws-iam-role-foreign-account-no-condition",
    title="IAM role trusts another account without a condition",
    severity="high",
    provider="aws",
    kinds=("IAMRole",),
    benchmarks=("AWS FSBP IAM.21",),
    cypher=(
        "MATCH (r:IAMRole) WHERE size(coalesce(r.trusts_foreign_accounts, [])) > 0 "
        "AND NOT coalesce(r.has_condition, false) AND NOT coalesce(r.trusts_any_principal, false) "
        "RETURN r.id AS resource_id, {role: r.role_name, accounts: reduce(s = '', a IN r.trusts_foreign_accounts "
        "| s + CASE WHEN s = '' THEN '' ELSE ',' END + a)} AS fields"
    ),
    description=(
        "Principals of a foreign account may assume the role with no sts:ExternalId or other condition "
        "(the confused-deputy problem)."
    ),
    remediation="Add an sts:ExternalId (or aws:PrincipalOrgID) condition to the trust policy.",
    command=(
        "aws iam update-assume-role-policy --role-name {role} --policy-document file://{role}-trust-policy.json"
        "  # trust of {accounts} with an sts:ExternalId condition"
    ),
)

LAMBDA_PUBLIC_URL = Rule(
    id="aws-lambda-public-function-url",
    title="Lambda function URL needs no authentication",
    severity="high",
    provider="aws",
    kinds=("LambdaFunction",),
    benchmarks=("AWS FSBP Lambda.1",),
    cypher=(
        "MATCH (f:LambdaFunction {function_url_auth_type: 'NONE'}) "
        "RETURN f.id AS resource_id, {region: f.region, function: f.function_name} AS fields"
    ),
    description="Anyone who knows the function URL can invoke the function.",
    remediation="Require IAM authentication on the URL (or delete the URL and front the function with an API).",
    command="aws lambda update-function-url-config --region {region} --function-name {function} --auth-type AWS_IAM",
)

DEPRECATED_RUNTIMES = (
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "java8",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "ruby2.5",
    "ruby2.7",
    "go1.x",
)

LAMBDA_OLD_RUNTIME = Rule(
    id="aws-lambda-deprecated-runtime",
    title="Lambda function runs on a deprecated runtime",
    severity="medium",
    provider="aws",
    kinds=("LambdaFunction",),
    benchmarks=("AWS FSBP Lambda.2",),
    cypher=(
        "MATCH (f:LambdaFunction) WHERE f.runtime IN $runtimes "
        "RETURN f.id AS resource_id, {region: f.region, function: f.function_name, runtime: f.runtime} AS fields"
    ),
    description="The runtime no longer gets security patches.",
    remediation="Move the function to a supported runtime (test it first).",
    command=(
        "aws lambda update-function-configuration --region {region} --function-name {function} --runtime "
        "<supported runtime replacing {runtime}>"
    ),
    params=(("runtimes", DEPRECATED_RUNTIMES),),
)

EKS_PUBLIC = Rule(
    id="aws-eks-public-endpoint",
    title="EKS API server is reachable from the whole internet",
    severity="high",
    provider="aws",
    kinds=("EKSCluster",),
    benchmarks=("CIS Amazon EKS 5.4.1",),
    cypher=(
        "MATCH (c:EKSCluster {endpoint_public_access: true}) "
        "WHERE size(coalesce(c.public_access_cidrs, [])) = 0 "
        "OR any(x IN c.public_access_cidrs WHERE x IN ['0.0.0.0/0', '::/0']) "
        "RETURN c.id AS resource_id, {region: c.region, cluster: c.cluster_name} AS fields"
    ),
    description="The Kubernetes control plane accepts connections from any address.",
    remediation="Turn the private endpoint on and the public one off (or restrict it to known CIDRs).",
    command=(
        "aws eks update-cluster-config --region {region} --name {cluster} --resources-vpc-config "
        "endpointPublicAccess=false,endpointPrivateAccess=true"
    ),
)

ECR_NO_SCAN = Rule(
    id="aws-ecr-scan-on-push-off",
    title="ECR repository does not scan images on push",
    severity="low",
    provider="aws",
    kinds=("ECRRepository",),
    benchmarks=("AWS FSBP ECR.1",),
    cypher=(
        "MATCH (r:ECRRepository {scan_on_push: false}) "
        "RETURN r.id AS resource_id, {region: r.region, repository: r.repository_name} AS fields"
    ),
    description="Images with known vulnerabilities are pushed and run without anyone being told.",
    remediation="Turn on scan on push (or enhanced scanning for the registry).",
    command=(
        "aws ecr put-image-scanning-configuration --region {region} --repository-name {repository} "
        "--image-scanning-configuration scanOnPush=true"
    ),
)

ECR_MUTABLE = Rule(
    id="aws-ecr-tags-mutable",
    title="ECR repository allows tags to be overwritten",
    severity="low",
    provider="aws",
    kinds=("ECRRepository",),
    benchmarks=("AWS FSBP ECR.2",),
    cypher=(
        "MATCH (r:ECRRepository {image_tag_mutability: 'MUTABLE'}) "
        "RETURN r.id AS resource_id, {region: r.region, repository: r.repository_name} AS fields"
    ),
    description="A pushed image can silently replace the one a tag deployed.",
    remediation="Make tags immutable.",
    command=(
        "aws ecr put-image-tag-mutability --region {region} --repository-name {repository} "
        "--image-tag-mutability IMMUTABLE"
    ),
)

_DIST_UPDATE = (
    "aws cloudfront get-distribution-config --id {distribution} > {distribution}.json && "
    "aws cloudfront update-distribution --id {distribution} --distribution-config file://{distribution}-fixed.json "
    "--if-match <ETag from {distribution}.json>"
)

CLOUDFRONT_HTTP = Rule(
    id="aws-cloudfront-allows-http",
    title="CloudFront distribution serves plain HTTP",
    severity="medium",
    provider="aws",
    kinds=("CloudFrontDistribution",),
    benchmarks=("AWS FSBP CloudFront.3",),
    cypher=(
        "MATCH (d:CloudFrontDistribution {viewer_protocol_policy: 'allow-all'}) "
        "RETURN d.id AS resource_id, {distribution: d.distribution_id} AS fields"
    ),
    description="Viewers may use unencrypted HTTP for the default behaviour.",
    remediation="Set the viewer protocol policy to redirect-to-https (edit DefaultCacheBehavior in the config).",
    command=_DIST_UPDATE,
)

CLOUDFRONT_NO_WAF = Rule(
    id="aws-cloudfront-no-waf",
    title="CloudFront distribution has no WAF web ACL",
    severity="low",
    provider="aws",
    kinds=("CloudFrontDistribution",),
    benchmarks=("AWS FSBP CloudFront.6",),
    cypher=(
        "MATCH (d:CloudFrontDistribution {enabled: true}) WHERE d.web_acl_id IS NULL "
        "RETURN d.id AS resource_id, {distribution: d.distribution_id} AS fields"
    ),
    description="Requests reach the origins without any web application firewall.",
    remediation="Associate a WAF web ACL (WebACLId in the distribution config).",
    command=_DIST_UPDATE,
)

API_CORS_ANY = Rule(
    id="aws-apigw-cors-any-origin",
    title="HTTP API allows cross-origin requests from any site",
    severity="low",
    provider="aws",
    kinds=("APIGatewayHttpApi",),
    benchmarks=("OWASP API Security 8",),
    cypher=(
        "MATCH (a:APIGatewayHttpApi) WHERE '*' IN coalesce(a.cors_allow_origins, []) "
        "RETURN a.id AS resource_id, {region: a.region, api: a.api_id} AS fields"
    ),
    description="Any web page may call the API from a visitor's browser.",
    remediation="List the origins that may call the API.",
    command=(
        "aws apigatewayv2 update-api --region {region} --api-id {api} "
        "--cors-configuration AllowOrigins=https://<your site>"
    ),
)

RULES: tuple[Rule, ...] = (
    USER_NO_MFA,
    ACCESS_KEY_STALE,
    ACCESS_KEY_UNUSED,
    PASSWORD_UNUSED,
    USER_DIRECT_POLICY,
    POLICY_ADMIN,
    USER_ADMIN_WITH_KEY,
    ROLE_TRUSTS_ANYONE,
    ROLE_FOREIGN,
    LAMBDA_PUBLIC_URL,
    LAMBDA_OLD_RUNTIME,
    EKS_PUBLIC,
    ECR_NO_SCAN,
    ECR_MUTABLE,
    CLOUDFRONT_HTTP,
    CLOUDFRONT_NO_WAF,
    API_CORS_ANY,
)
