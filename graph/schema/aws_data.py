"""AWS data and messaging node kinds and relationship types: RDS, DynamoDB, S3, SQS, SNS, KMS,
Secrets Manager."""

from __future__ import annotations

from graph.schema.model import FREE, DataStore, EntryPoint, NodeKind, Property, RelType

P = Property

KMS_KEY = NodeKind(
    label="KMSKey",
    provider="aws",
    service="kms",
    description="A KMS key that encrypts other resources' data.",
    properties=(
        P("key_id", "string", "Key id (a UUID, or mrk-... for multi-Region keys).", indexed=True),
        P("key_manager", "string", "CUSTOMER (you manage it) or AWS (an AWS managed key).", indexed=True),
        P("key_state", "string", "Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, ..."),
        P("enabled", "bool", "Whether the key can be used."),
        P("rotation_enabled", "bool", "Automatic rotation of the key material (customer symmetric keys only)."),
        P("aliases", "string[]", "Alias names pointing at the key, e.g. alias/app-data."),
        P("key_spec", "string", "Key spec, e.g. SYMMETRIC_DEFAULT or RSA_2048."),
        P("key_usage", "string", "ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT."),
        P("origin", "string", "Where the key material came from: AWS_KMS, EXTERNAL, AWS_CLOUDHSM, ..."),
        P("multi_region", "bool", "Whether this is a multi-Region key."),
        P("description", "string", "Description given at creation."),
        P("created_at", "datetime", "When the key was created."),
    ),
    billing="kms_key",
)

RDS_INSTANCE = NodeKind(
    label="RDSInstance",
    provider="aws",
    service="rds",
    description="An RDS database instance (standalone, or a member of an Aurora cluster).",
    properties=(
        P("db_instance_identifier", "string", "Instance identifier.", indexed=True),
        P("engine", "string", "Engine: postgres, mysql, aurora-postgresql, ...", indexed=True),
        P("engine_version", "string", "Engine version."),
        P("instance_class", "string", "Instance class, e.g. db.t3.micro."),
        P("status", "string", "Instance status: available, stopped, ..."),
        P("storage_type", "string", "Storage type: gp2, gp3, io1, aurora, ..."),
        P("allocated_storage", "int", "Allocated storage in GiB."),
        P("multi_az", "bool", "Whether a standby runs in another availability zone."),
        P("publicly_accessible", "bool", "Whether the endpoint resolves to a public address.", indexed=True),
        P("storage_encrypted", "bool", "Whether the storage is encrypted at rest."),
        P("kms_key_id", "string", "KMS key encrypting the storage, as the API gives it."),
        P("read_replica_source", "string", "The instance this read replica copies (identifier or ARN)."),
        P("endpoint_address", "string", "DNS name of the endpoint."),
        P("endpoint_port", "int", "Port of the endpoint."),
        P("backup_retention_period", "int", "Days automated backups are kept (0: off)."),
        P("availability_zone", "string", "Availability zone of the primary."),
        P("db_subnet_group", "string", "DB subnet group name."),
        P("vpc_id", "string", "VPC of the DB subnet group."),
        P("cluster_identifier", "string", "Aurora cluster the instance belongs to, when it does."),
        P("created_at", "datetime", "When the instance was created."),
    ),
    entry_point=EntryPoint(2, "publicly_accessible", True, in_network=True),
    data_store=DataStore(4),
    billing="rds_instance",
)

RDS_CLUSTER = NodeKind(
    label="RDSCluster",
    provider="aws",
    service="rds",
    description="An RDS DB cluster (Aurora, or a Multi-AZ DB cluster).",
    properties=(
        P("db_cluster_identifier", "string", "Cluster identifier.", indexed=True),
        P("engine", "string", "Engine: aurora-postgresql, aurora-mysql, ...", indexed=True),
        P("engine_version", "string", "Engine version."),
        P("engine_mode", "string", "provisioned, serverless, ..."),
        P("status", "string", "Cluster status."),
        P("members", "string[]", "Identifiers of the member instances."),
        P("writer", "string", "Identifier of the writer instance."),
        P("multi_az", "bool", "Whether members span availability zones."),
        P("publicly_accessible", "bool", "Whether the cluster is publicly accessible (Multi-AZ DB clusters)."),
        P("storage_encrypted", "bool", "Whether the storage is encrypted at rest."),
        P("kms_key_id", "string", "KMS key encrypting the storage, as the API gives it."),
        P("endpoint", "string", "Writer endpoint DNS name."),
        P("reader_endpoint", "string", "Reader endpoint DNS name."),
        P("port", "int", "Port of the endpoints."),
        P("backup_retention_period", "int", "Days automated backups are kept."),
        P("db_subnet_group", "string", "DB subnet group name."),
        P("deletion_protection", "bool", "Whether deletion protection is on."),
        P("created_at", "datetime", "When the cluster was created."),
    ),
    data_store=DataStore(4),
)

DYNAMODB_TABLE = NodeKind(
    label="DynamoDBTable",
    provider="aws",
    service="dynamodb",
    description="A DynamoDB table.",
    properties=(
        P("table_name", "string", "Table name.", indexed=True),
        P("status", "string", "Table status: ACTIVE, CREATING, ..."),
        P("billing_mode", "string", "PROVISIONED or PAY_PER_REQUEST."),
        P("item_count", "int", "Approximate item count (updated about every six hours)."),
        P("size_bytes", "int", "Approximate table size in bytes."),
        P("stream_enabled", "bool", "Whether DynamoDB Streams is on."),
        P("stream_view_type", "string", "What the stream records: KEYS_ONLY, NEW_IMAGE, ..."),
        P("stream_arn", "string", "ARN of the latest stream."),
        P("sse_type", "string", "Server-side encryption type: KMS when a KMS key is used, else absent (owned key)."),
        P("sse_status", "string", "Server-side encryption status."),
        P("kms_key_arn", "string", "KMS key encrypting the table, when one is used."),
        P("point_in_time_recovery", "bool", "Whether point-in-time recovery is on."),
        P("deletion_protection", "bool", "Whether deletion protection is on."),
        P("created_at", "datetime", "When the table was created."),
    ),
    data_store=DataStore(4),
    billing="dynamodb_table",
)

S3_BUCKET = NodeKind(
    label="S3Bucket",
    provider="aws",
    service="s3",
    description="An S3 bucket. Listed globally; region is the bucket's own.",
    properties=(
        P("bucket_name", "string", "Bucket name.", indexed=True),
        P("created_at", "datetime", "Bucket creation date."),
        P("policy", "string", "The bucket policy JSON, when it has one."),
        P("policy_allows_public", "bool", "A policy statement allows everyone ('*') without a restricting condition."),
        P("acl_public", "bool", "The ACL grants to AllUsers or AuthenticatedUsers.", indexed=True),
        P("block_public_acls", "bool", "Public access block: BlockPublicAcls (False when not configured)."),
        P("ignore_public_acls", "bool", "Public access block: IgnorePublicAcls (False when not configured)."),
        P("block_public_policy", "bool", "Public access block: BlockPublicPolicy (False when not configured)."),
        P("restrict_public_buckets", "bool", "Public access block: RestrictPublicBuckets (False when not configured)."),
        P("encryption_algorithm", "string", "Default encryption: AES256, aws:kms or aws:kms:dsse."),
        P("kms_key_id", "string", "KMS key of the default encryption, as configured."),
        P("bucket_key_enabled", "bool", "Whether S3 Bucket Keys are on for the default encryption."),
        P("versioning", "string", "Versioning status: Enabled, Suspended or Disabled (never enabled)."),
        P("mfa_delete", "string", "MFA delete status, when versioning reports it."),
        P("notification_targets", "string[]", "Functions, queues and topics the bucket's event notifications reach."),
    ),
    data_store=DataStore(3),
)

SQS_QUEUE = NodeKind(
    label="SQSQueue",
    provider="aws",
    service="sqs",
    description="An SQS queue.",
    properties=(
        P("queue_name", "string", "Queue name.", indexed=True),
        P("queue_url", "string", "Queue URL."),
        P("fifo", "bool", "Whether it is a FIFO queue."),
        P("visibility_timeout", "int", "Visibility timeout in seconds."),
        P("message_retention_period", "int", "Message retention in seconds."),
        P("delay_seconds", "int", "Delivery delay in seconds."),
        P("max_message_size", "int", "Maximum message size in bytes."),
        P("kms_key_id", "string", "KMS key encrypting messages, as configured (SSE-KMS)."),
        P("sqs_managed_sse", "bool", "Whether SQS-owned keys encrypt messages (SSE-SQS)."),
        P("dead_letter_target_arn", "string", "Dead-letter queue of the redrive policy."),
        P("max_receive_count", "int", "Receives before a message moves to the dead-letter queue."),
        P("policy", "string", "The queue's access policy JSON, when it has one."),
        P("policy_allows_public", "bool", "A policy statement allows everyone ('*') without a restricting condition."),
        P("created_at", "datetime", "When the queue was created."),
    ),
    data_store=DataStore(2),
)

SNS_TOPIC = NodeKind(
    label="SNSTopic",
    provider="aws",
    service="sns",
    description="An SNS topic.",
    properties=(
        P("topic_name", "string", "Topic name.", indexed=True),
        P("display_name", "string", "Display name."),
        P("fifo", "bool", "Whether it is a FIFO topic."),
        P("kms_key_id", "string", "KMS key encrypting messages, as configured."),
        P("policy", "string", "The topic's access policy JSON."),
        P("policy_allows_public", "bool", "A policy statement allows everyone ('*') without a restricting condition."),
        P("subscriptions_confirmed", "int", "Confirmed subscriptions."),
        P("subscriptions_pending", "int", "Subscriptions pending confirmation."),
    ),
    data_store=DataStore(1),
)

SNS_SUBSCRIPTION = NodeKind(
    label="SNSSubscription",
    provider="aws",
    service="sns",
    description="A subscription of an endpoint (queue, function, URL, address) to an SNS topic.",
    properties=(
        P("subscription_arn", "string", "Subscription ARN, when confirmed."),
        P("topic_arn", "string", "Topic the subscription belongs to.", indexed=True),
        P("protocol", "string", "sqs, lambda, http, https, email, sms, firehose, application."),
        P("endpoint", "string", "Where messages go: a queue or function ARN, a URL, an address."),
        P("pending_confirmation", "bool", "Whether the subscription waits for confirmation."),
        P("lambda_function_arn", "string", "The endpoint, when the protocol is lambda."),
    ),
    billing=FREE,
)

SECRETS_MANAGER_SECRET = NodeKind(
    label="SecretsManagerSecret",
    provider="aws",
    service="secretsmanager",
    description="A Secrets Manager secret (its metadata only: the value is never read).",
    properties=(
        P("secret_name", "string", "Secret name.", indexed=True),
        P("description", "string", "Description."),
        P("kms_key_id", "string", "KMS key encrypting the secret, as configured (absent: aws/secretsmanager)."),
        P("rotation_enabled", "bool", "Whether automatic rotation is on."),
        P("rotation_lambda_arn", "string", "Lambda function that rotates the secret."),
        P("rotation_days", "int", "Days between automatic rotations."),
        P("last_rotated", "datetime", "When the secret was last rotated."),
        P("last_changed", "datetime", "When the secret was last changed."),
        P("last_accessed", "datetime", "Day the secret was last read."),
        P("primary_region", "string", "Primary region, for a replicated secret."),
        P("created_at", "datetime", "When the secret was created."),
    ),
    data_store=DataStore(5),
    billing="secret",
)

NODES = (
    KMS_KEY,
    RDS_INSTANCE,
    RDS_CLUSTER,
    DYNAMODB_TABLE,
    S3_BUCKET,
    SQS_QUEUE,
    SNS_TOPIC,
    SNS_SUBSCRIPTION,
    SECRETS_MANAGER_SECRET,
)

_ENCRYPTED = "Data at rest is encrypted with this KMS key."

RELATIONSHIPS = (
    RelType("IN_SUBNET", "RDSInstance", "Subnet", "A subnet of the instance's DB subnet group."),
    RelType("MEMBER_OF_SECURITY_GROUP", "RDSInstance", "SecurityGroup", "A VPC security group of the instance."),
    RelType("MEMBER_OF_CLUSTER", "RDSInstance", "RDSCluster", "The instance is a member of this cluster."),
    RelType("ENCRYPTED_BY", "RDSInstance", "KMSKey", _ENCRYPTED),
    RelType("IN_SUBNET", "RDSCluster", "Subnet", "A subnet of the cluster's DB subnet group."),
    RelType("MEMBER_OF_SECURITY_GROUP", "RDSCluster", "SecurityGroup", "A VPC security group of the cluster."),
    RelType("ENCRYPTED_BY", "RDSCluster", "KMSKey", _ENCRYPTED),
    RelType("ENCRYPTED_BY", "DynamoDBTable", "KMSKey", _ENCRYPTED),
    RelType("ENCRYPTED_BY", "S3Bucket", "KMSKey", "New objects are encrypted with this KMS key by default."),
    RelType("ENCRYPTED_BY", "SQSQueue", "KMSKey", _ENCRYPTED),
    RelType(
        "SENDS_FAILURES_TO",
        "SQSQueue",
        "SQSQueue",
        "The redrive policy moves messages that failed too often to this dead-letter queue.",
        (P("max_receive_count", "int", "Receives before a message moves."),),
    ),
    RelType("ENCRYPTED_BY", "SNSTopic", "KMSKey", _ENCRYPTED),
    RelType("SUBSCRIBES_TO", "SNSSubscription", "SNSTopic", "The subscription receives this topic's messages."),
    RelType("DELIVERS_TO", "SNSSubscription", "SQSQueue", "The subscription delivers messages to this queue."),
    RelType("ENCRYPTED_BY", "SecretsManagerSecret", "KMSKey", _ENCRYPTED),
)
