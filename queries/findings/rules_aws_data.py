"""AWS data store rules: public or unencrypted buckets, databases, queues and topics; keys without rotation."""

from __future__ import annotations

from queries.findings.model import Rule

_PAB = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"

S3_PUBLIC_POLICY = Rule(
    id="aws-s3-public-policy",
    title="S3 bucket policy lets anyone read or write",
    severity="critical",
    provider="aws",
    kinds=("S3Bucket",),
    benchmarks=("CIS AWS Foundations 2.1.4",),
    cypher=(
        "MATCH (b:S3Bucket {policy_allows_public: true}) "
        "WHERE NOT (coalesce(b.block_public_policy, false) AND coalesce(b.restrict_public_buckets, false)) "
        "RETURN b.id AS resource_id, {bucket: b.bucket_name} AS fields"
    ),
    description=(
        "A statement of the bucket policy allows the principal '*' without a restricting condition, and the "
        "bucket's public access block does not neutralise it: anyone on the internet can use it."
    ),
    remediation="Turn on the bucket's public access block (and remove the public statement from the policy).",
    command=f"aws s3api put-public-access-block --bucket {{bucket}} --public-access-block-configuration {_PAB}",
)

S3_PUBLIC_ACL = Rule(
    id="aws-s3-public-acl",
    title="S3 bucket ACL grants access to all users",
    severity="high",
    provider="aws",
    kinds=("S3Bucket",),
    benchmarks=("CIS AWS Foundations 2.1.4",),
    cypher=(
        "MATCH (b:S3Bucket {acl_public: true}) WHERE NOT coalesce(b.ignore_public_acls, false) "
        "RETURN b.id AS resource_id, {bucket: b.bucket_name} AS fields"
    ),
    description="The bucket ACL grants AllUsers or AuthenticatedUsers, and public ACLs are not ignored.",
    remediation="Make the ACL private and turn on the public access block.",
    command=(
        "aws s3api put-bucket-acl --bucket {bucket} --acl private && aws s3api put-public-access-block "
        f"--bucket {{bucket}} --public-access-block-configuration {_PAB}"
    ),
)

S3_NO_BLOCK = Rule(
    id="aws-s3-public-access-block-off",
    title="S3 bucket does not block public access",
    severity="low",
    provider="aws",
    kinds=("S3Bucket",),
    benchmarks=("CIS AWS Foundations 2.1.4",),
    cypher=(
        "MATCH (b:S3Bucket) WHERE NOT (coalesce(b.block_public_acls, false) AND coalesce(b.ignore_public_acls, false) "
        "AND coalesce(b.block_public_policy, false) AND coalesce(b.restrict_public_buckets, false)) "
        "AND NOT coalesce(b.policy_allows_public, false) AND NOT coalesce(b.acl_public, false) "
        "RETURN b.id AS resource_id, {bucket: b.bucket_name} AS fields"
    ),
    description="Not every public access block setting is on: a future policy or ACL could make the bucket public.",
    remediation="Turn on all four public access block settings on the bucket (or the account).",
    command=f"aws s3api put-public-access-block --bucket {{bucket}} --public-access-block-configuration {_PAB}",
)

S3_NO_ENCRYPTION = Rule(
    id="aws-s3-no-default-encryption",
    title="S3 bucket has no default encryption",
    severity="medium",
    provider="aws",
    kinds=("S3Bucket",),
    benchmarks=("CIS AWS Foundations 2.1.1",),
    cypher=(
        "MATCH (b:S3Bucket) WHERE b.encryption_algorithm IS NULL "
        "RETURN b.id AS resource_id, {bucket: b.bucket_name} AS fields"
    ),
    description="No default encryption is configured for new objects.",
    remediation="Configure default encryption with a KMS key.",
    command=(
        "aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration "
        '\'{{"Rules":[{{"ApplyServerSideEncryptionByDefault":{{"SSEAlgorithm":"aws:kms"}},"BucketKeyEnabled":true}}]}}\''
    ),
)

S3_VERSIONING = Rule(
    id="aws-s3-versioning-off",
    title="S3 bucket versioning is off",
    severity="low",
    provider="aws",
    kinds=("S3Bucket",),
    benchmarks=("AWS FSBP S3.14",),
    cypher=(
        "MATCH (b:S3Bucket) WHERE coalesce(b.versioning, 'Disabled') <> 'Enabled' "
        "RETURN b.id AS resource_id, {bucket: b.bucket_name} AS fields"
    ),
    description="Overwritten or deleted objects cannot be recovered (accidents, ransomware).",
    remediation="Enable versioning (and a lifecycle rule expiring old versions).",
    command="aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
)

RDS_PUBLIC = Rule(
    id="aws-rds-instance-public",
    title="RDS instance is publicly accessible",
    severity="high",
    provider="aws",
    kinds=("RDSInstance",),
    benchmarks=("CIS AWS Foundations 2.3.3",),
    cypher=(
        "MATCH (d:RDSInstance {publicly_accessible: true}) "
        "RETURN d.id AS resource_id, {region: d.region, db: d.db_instance_identifier} AS fields"
    ),
    description="The database endpoint resolves to a public address; only its security groups stand in the way.",
    remediation="Turn public accessibility off and reach the database from inside the VPC.",
    command=(
        "aws rds modify-db-instance --region {region} --db-instance-identifier {db} --no-publicly-accessible "
        "--apply-immediately"
    ),
)

RDS_CLUSTER_PUBLIC = Rule(
    id="aws-rds-cluster-public",
    title="RDS cluster is publicly accessible",
    severity="high",
    provider="aws",
    kinds=("RDSCluster",),
    benchmarks=("CIS AWS Foundations 2.3.3",),
    cypher=(
        "MATCH (c:RDSCluster {publicly_accessible: true}) "
        "RETURN c.id AS resource_id, {region: c.region, cluster: c.db_cluster_identifier} AS fields"
    ),
    description="The cluster's endpoints resolve to public addresses.",
    remediation="Turn public accessibility off.",
    command=(
        "aws rds modify-db-cluster --region {region} --db-cluster-identifier {cluster} --no-publicly-accessible "
        "--apply-immediately"
    ),
)

_RESTORE_ENCRYPTED = (
    "aws rds create-db-snapshot --region {region} --db-instance-identifier {db} --db-snapshot-identifier {db}-plain "
    "&& aws rds copy-db-snapshot --region {region} --source-db-snapshot-identifier {db}-plain "
    "--target-db-snapshot-identifier {db}-encrypted --kms-key-id alias/aws/rds "
    "&& aws rds restore-db-instance-from-db-snapshot --region {region} --db-instance-identifier {db}-encrypted "
    "--db-snapshot-identifier {db}-encrypted"
)

RDS_UNENCRYPTED = Rule(
    id="aws-rds-instance-unencrypted",
    title="RDS instance storage is not encrypted",
    severity="medium",
    provider="aws",
    kinds=("RDSInstance",),
    benchmarks=("CIS AWS Foundations 2.3.1",),
    cypher=(
        "MATCH (d:RDSInstance {storage_encrypted: false}) WHERE d.cluster_identifier IS NULL "
        "RETURN d.id AS resource_id, {region: d.region, db: d.db_instance_identifier} AS fields"
    ),
    description="The database's storage, backups and snapshots are not encrypted at rest.",
    remediation="Encryption cannot be switched on in place: restore an encrypted copy of a snapshot and cut over.",
    command=_RESTORE_ENCRYPTED,
)

RDS_CLUSTER_UNENCRYPTED = Rule(
    id="aws-rds-cluster-unencrypted",
    title="RDS cluster storage is not encrypted",
    severity="medium",
    provider="aws",
    kinds=("RDSCluster",),
    benchmarks=("CIS AWS Foundations 2.3.1",),
    cypher=(
        "MATCH (c:RDSCluster {storage_encrypted: false}) "
        "RETURN c.id AS resource_id, {region: c.region, cluster: c.db_cluster_identifier, engine: c.engine} AS fields"
    ),
    description="The cluster's storage, backups and snapshots are not encrypted at rest.",
    remediation="Restore the cluster from a snapshot with a KMS key, then cut over.",
    command=(
        "aws rds create-db-cluster-snapshot --region {region} --db-cluster-identifier {cluster} "
        "--db-cluster-snapshot-identifier {cluster}-plain && aws rds restore-db-cluster-from-snapshot --region "
        "{region} --db-cluster-identifier {cluster}-encrypted --snapshot-identifier {cluster}-plain "
        "--engine {engine} --kms-key-id alias/aws/rds"
    ),
)

RDS_NO_BACKUP = Rule(
    id="aws-rds-instance-no-backups",
    title="RDS instance has automated backups off",
    severity="medium",
    provider="aws",
    kinds=("RDSInstance",),
    benchmarks=("AWS FSBP RDS.11",),
    cypher=(
        "MATCH (d:RDSInstance {backup_retention_period: 0}) WHERE d.cluster_identifier IS NULL "
        "RETURN d.id AS resource_id, {region: d.region, db: d.db_instance_identifier} AS fields"
    ),
    description="No automated backups or point-in-time recovery: a bad write or deletion is permanent.",
    remediation="Keep automated backups for at least 7 days.",
    command=(
        "aws rds modify-db-instance --region {region} --db-instance-identifier {db} --backup-retention-period 7 "
        "--apply-immediately"
    ),
)

DYNAMO_NO_PITR = Rule(
    id="aws-dynamodb-no-pitr",
    title="DynamoDB table has point-in-time recovery off",
    severity="low",
    provider="aws",
    kinds=("DynamoDBTable",),
    benchmarks=("AWS FSBP DynamoDB.2",),
    cypher=(
        "MATCH (t:DynamoDBTable {point_in_time_recovery: false}) "
        "RETURN t.id AS resource_id, {region: t.region, table: t.table_name} AS fields"
    ),
    description="The table cannot be restored to a moment before an accidental write or delete.",
    remediation="Turn point-in-time recovery on.",
    command=(
        "aws dynamodb update-continuous-backups --region {region} --table-name {table} "
        "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"
    ),
)

SQS_PUBLIC = Rule(
    id="aws-sqs-public-policy",
    title="SQS queue policy lets anyone use the queue",
    severity="critical",
    provider="aws",
    kinds=("SQSQueue",),
    benchmarks=("AWS FSBP SQS.3",),
    cypher=(
        "MATCH (q:SQSQueue {policy_allows_public: true}) "
        "RETURN q.id AS resource_id, {region: q.region, queue_url: q.queue_url} AS fields"
    ),
    description="A statement allows '*' without a condition: anyone can send, read or purge messages.",
    remediation="Remove the public statement (replace the policy with one naming the accounts or roles that need it).",
    command="aws sqs set-queue-attributes --region {region} --queue-url {queue_url} --attributes Policy=''",
)

SQS_UNENCRYPTED = Rule(
    id="aws-sqs-unencrypted",
    title="SQS queue is not encrypted",
    severity="low",
    provider="aws",
    kinds=("SQSQueue",),
    benchmarks=("AWS FSBP SQS.1",),
    cypher=(
        "MATCH (q:SQSQueue) WHERE q.kms_key_id IS NULL AND NOT coalesce(q.sqs_managed_sse, false) "
        "RETURN q.id AS resource_id, {region: q.region, queue_url: q.queue_url} AS fields"
    ),
    description="Messages are stored unencrypted at rest.",
    remediation="Turn on SSE-SQS (or SSE-KMS with a customer managed key).",
    command=(
        "aws sqs set-queue-attributes --region {region} --queue-url {queue_url} --attributes SqsManagedSseEnabled=true"
    ),
)

SNS_PUBLIC = Rule(
    id="aws-sns-public-policy",
    title="SNS topic policy lets anyone publish or subscribe",
    severity="high",
    provider="aws",
    kinds=("SNSTopic",),
    benchmarks=("AWS FSBP SNS.4",),
    cypher=(
        "MATCH (t:SNSTopic {policy_allows_public: true}) "
        "RETURN t.id AS resource_id, {region: t.region, topic_arn: t.id, account: t.account} AS fields"
    ),
    description="A statement allows '*' without a condition: anyone can publish to or subscribe to the topic.",
    remediation="Replace the policy with one that only lets the owning account in.",
    command=(
        "aws sns set-topic-attributes --region {region} --topic-arn {topic_arn} --attribute-name Policy "
        '--attribute-value \'{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":'
        '{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"SNS:*","Resource":"{topic_arn}"}}]}}\''
    ),
)

SNS_UNENCRYPTED = Rule(
    id="aws-sns-unencrypted",
    title="SNS topic is not encrypted with KMS",
    severity="low",
    provider="aws",
    kinds=("SNSTopic",),
    benchmarks=("AWS FSBP SNS.1",),
    cypher=(
        "MATCH (t:SNSTopic) WHERE t.kms_key_id IS NULL "
        "RETURN t.id AS resource_id, {region: t.region, topic_arn: t.id} AS fields"
    ),
    description="Messages are stored unencrypted at rest.",
    remediation="Set a KMS key on the topic.",
    command=(
        "aws sns set-topic-attributes --region {region} --topic-arn {topic_arn} --attribute-name KmsMasterKeyId "
        "--attribute-value alias/aws/sns"
    ),
)

KMS_ROTATION = Rule(
    id="aws-kms-rotation-off",
    title="Customer managed KMS key is not rotated",
    severity="medium",
    provider="aws",
    kinds=("KMSKey",),
    benchmarks=("CIS AWS Foundations 3.6",),
    cypher=(
        "MATCH (k:KMSKey {key_manager: 'CUSTOMER', rotation_enabled: false}) "
        "WHERE coalesce(k.key_spec, 'SYMMETRIC_DEFAULT') = 'SYMMETRIC_DEFAULT' "
        "AND coalesce(k.key_state, 'Enabled') = 'Enabled' AND coalesce(k.origin, 'AWS_KMS') = 'AWS_KMS' "
        "AND NOT any(a IN coalesce(k.aliases, []) WHERE a STARTS WITH 'alias/aws/') "
        "RETURN k.id AS resource_id, {region: k.region, key_id: k.key_id} AS fields"
    ),
    description="The key's material never changes: anything it ever encrypted stays exposed to one leaked key.",
    remediation="Enable automatic yearly rotation.",
    command="aws kms enable-key-rotation --region {region} --key-id {key_id}",
)

KMS_PENDING_DELETION_IN_USE = Rule(
    id="aws-kms-key-pending-deletion-in-use",
    title="KMS key scheduled for deletion still encrypts resources",
    severity="high",
    provider="aws",
    kinds=("KMSKey",),
    benchmarks=("AWS FSBP KMS.3",),
    cypher=(
        "MATCH (r:Resource)-[:ENCRYPTED_BY]->(k:KMSKey {key_state: 'PendingDeletion'}) "
        "WITH k, count(r) AS users "
        "RETURN k.id AS resource_id, {region: k.region, key_id: k.key_id, users: toString(users)} AS fields"
    ),
    description="When the deletion runs, the data of every resource encrypted with the key becomes unreadable.",
    remediation="Cancel the deletion (then re-encrypt the resources with another key if the key must go).",
    command="aws kms cancel-key-deletion --region {region} --key-id {key_id}",
)

SECRET_NO_ROTATION = Rule(
    id="aws-secret-rotation-off",
    title="Secrets Manager secret is not rotated",
    severity="medium",
    provider="aws",
    kinds=("SecretsManagerSecret",),
    benchmarks=("AWS FSBP SecretsManager.1",),
    cypher=(
        "MATCH (s:SecretsManagerSecret) WHERE NOT coalesce(s.rotation_enabled, false) "
        "RETURN s.id AS resource_id, {region: s.region, secret: s.id} AS fields"
    ),
    description="The secret's value never changes automatically; a leaked value stays valid.",
    remediation="Configure rotation (a rotation function, or managed rotation for RDS credentials).",
    command=(
        "aws secretsmanager rotate-secret --region {region} --secret-id {secret} "
        "--rotation-lambda-arn <rotation function ARN> --rotation-rules AutomaticallyAfterDays=30"
    ),
)

RULES: tuple[Rule, ...] = (
    S3_PUBLIC_POLICY,
    S3_PUBLIC_ACL,
    S3_NO_BLOCK,
    S3_NO_ENCRYPTION,
    S3_VERSIONING,
    RDS_PUBLIC,
    RDS_CLUSTER_PUBLIC,
    RDS_UNENCRYPTED,
    RDS_CLUSTER_UNENCRYPTED,
    RDS_NO_BACKUP,
    DYNAMO_NO_PITR,
    SQS_PUBLIC,
    SQS_UNENCRYPTED,
    SNS_PUBLIC,
    SNS_UNENCRYPTED,
    KMS_ROTATION,
    KMS_PENDING_DELETION_IN_USE,
    SECRET_NO_ROTATION,
)
