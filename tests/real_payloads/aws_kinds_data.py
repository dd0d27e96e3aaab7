"""How the KMS, RDS, DynamoDB, S3, SQS, SNS and Secrets Manager kinds
are read from their published payloads (see aws_reading.Reading)."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.providers.aws.data_dynamodb import DynamoTable, transform_dynamodb
from ingest.providers.aws.data_kms import KmsKey, KmsPayload, transform_kms
from ingest.providers.aws.data_rds import transform_clusters, transform_instances, transform_subnet_groups
from ingest.providers.aws.data_s3 import BucketDetails, transform_s3
from ingest.providers.aws.data_secrets import SecretsPayload, transform_secrets
from ingest.providers.aws.data_sns import SnsPayload, SnsTopic, transform_sns
from ingest.providers.aws.data_sqs import SqsPayload, SqsQueue, transform_sqs
from tests.real_payloads.aws_reading import A, F, R, Reading, one

__all__ = ["KINDS"]


_SECRET_FIELDS = (
    F("KmsKeyId", edge="ENCRYPTED_BY"),
    F("RotationEnabled", "rotation_enabled"),
    F("RotationLambdaARN", "rotation_lambda_arn"),
    F("ReplicationStatus[].Region", "replica_regions"),
)

KINDS: Mapping[str, tuple[Reading, ...]] = {
    "KMSKey": one(
        Reading(
            "KeyMetadata",
            "KeyId",
            lambda i: transform_kms(
                KmsPayload([KmsKey({"KeyId": k["KeyId"], "KeyArn": k["Arn"]}, k, None, []) for k in i], []), A, R
            ),
            (
                F("KeyState", "key_state"),
                F("Enabled", "enabled"),
                F("KeyManager", "key_manager"),
                F("Origin", "origin"),
                F("MultiRegion", "multi_region"),
                F("KeySpec", "key_spec"),
            ),
            operations=("DescribeKey",),
        ),
        Reading(
            "",
            "KeyId",
            lambda i: transform_kms(
                KmsPayload([KmsKey({"KeyId": k["KeyId"]}, None, k["KeyRotationEnabled"], []) for k in i], []), A, R
            ),
            (F("KeyRotationEnabled", "rotation_enabled"),),
            operations=("GetKeyRotationStatus",),
        ),
        Reading(
            "",
            "KeyId",
            lambda i: transform_kms(
                KmsPayload([KmsKey({"KeyId": k["KeyId"]}, None, None, [], k["Policy"]) for k in i], []), A, R
            ),
            (F("Policy", "policy"),),
            operations=("GetKeyPolicy",),
        ),
    ),
    "RDSInstance": one(
        Reading(
            "DBInstance",
            "DBInstanceIdentifier",
            lambda i: transform_instances(i, A, R),
            (
                F("PubliclyAccessible", "publicly_accessible"),
                F("StorageEncrypted", "storage_encrypted"),
                F("KmsKeyId", edge="ENCRYPTED_BY"),
                F("VpcSecurityGroups[].VpcSecurityGroupId", edge="MEMBER_OF_SECURITY_GROUP"),
                F("DBSubnetGroup.DBSubnetGroupName", edge="IN_SUBNET_GROUP"),
                F("DBSubnetGroup.Subnets[].SubnetIdentifier", edge="IN_SUBNET"),
                F("Engine", "engine"),
                F("BackupRetentionPeriod", "backup_retention_period"),
                F("IAMDatabaseAuthenticationEnabled", "iam_database_authentication"),
                F("DeletionProtection", "deletion_protection"),
            ),
        )
    ),
    "RDSCluster": one(
        Reading(
            "DBClusters",
            "DBClusterIdentifier",
            lambda i: transform_clusters(i, {}, A, R),
            (
                F("StorageEncrypted", "storage_encrypted"),
                F("KmsKeyId", edge="ENCRYPTED_BY"),
                F("VpcSecurityGroups[].VpcSecurityGroupId", edge="MEMBER_OF_SECURITY_GROUP"),
                F("DBSubnetGroup", edge="IN_SUBNET_GROUP"),
                F("DBClusterMembers[].DBInstanceIdentifier", "members"),
                F("Endpoint", "endpoint"),
                F("PubliclyAccessible", "publicly_accessible"),
                F("DeletionProtection", "deletion_protection"),
                F("IAMDatabaseAuthenticationEnabled", "iam_database_authentication"),
                F("HttpEndpointEnabled", "http_endpoint_enabled"),
            ),
        )
    ),
    "RDSSubnetGroup": one(
        Reading(
            "DBSubnetGroups",
            "DBSubnetGroupName",
            lambda i: transform_subnet_groups(i, A, R),
            (F("Subnets[].SubnetIdentifier", edge="IN_SUBNET"), F("VpcId", edge="IN_VPC")),
        )
    ),
    "DynamoDBTable": one(
        Reading(
            "Table",
            "TableName",
            lambda i: transform_dynamodb([DynamoTable(t, None, []) for t in i], A, R),
            (
                F("TableStatus", "status"),
                F("SSEDescription.KMSMasterKeyArn", edge="ENCRYPTED_BY"),
                F("SSEDescription.Status", "sse_status"),
                F("StreamSpecification.StreamEnabled", "stream_enabled"),
                F("DeletionProtectionEnabled", "deletion_protection"),
            ),
        )
    ),
    "S3Bucket": one(
        Reading(
            "",
            "Bucket",
            lambda i: transform_s3([BucketDetails({"Name": x["Bucket"]}, R, policy=x["Policy"]) for x in i], A, R),
            (F("Policy", "policy"),),
        )
    ),
    "SQSQueue": one(
        Reading(
            "",
            "Attributes.QueueArn",
            lambda i: transform_sqs(SqsPayload([SqsQueue(q["QueueUrl"], q["Attributes"], {}) for q in i]), A, R),
            (
                F("Attributes.RedrivePolicy", edge="SENDS_FAILURES_TO"),
                F("Attributes.Policy", "policy"),
                F("Attributes.KmsMasterKeyId", edge="ENCRYPTED_BY"),
                F("Attributes.SqsManagedSseEnabled", "sqs_managed_sse"),
                F("Attributes.VisibilityTimeout", "visibility_timeout"),
                F("Attributes.MessageRetentionPeriod", "message_retention_period"),
            ),
        )
    ),
    "SNSTopic": one(
        Reading(
            "Attributes",
            "TopicArn",
            lambda i: transform_sns(SnsPayload([SnsTopic(a["TopicArn"], a, []) for a in i], []), A, R),
            (
                F("Policy", "policy"),
                F("DisplayName", "display_name"),
                F("SubscriptionsConfirmed", "subscriptions_confirmed"),
                F("KmsMasterKeyId", edge="ENCRYPTED_BY"),
            ),
        )
    ),
    "SNSSubscription": one(
        Reading(
            "Subscriptions",
            "SubscriptionArn",
            lambda i: transform_sns(SnsPayload([], i), A, R),
            (F("TopicArn", edge="SUBSCRIBES_TO"), F("Endpoint", "endpoint"), F("Protocol", "protocol")),
        )
    ),
    "SecretsManagerSecret": one(
        Reading(
            "SecretList",
            "ARN",
            lambda i: transform_secrets(SecretsPayload(secrets=i), A, R),
            _SECRET_FIELDS,
            operations=("ListSecrets",),
        ),
        Reading(
            "",
            "ARN",
            lambda i: transform_secrets(SecretsPayload(secrets=i), A, R),
            _SECRET_FIELDS,
            operations=("DescribeSecret",),
        ),
    ),
}
