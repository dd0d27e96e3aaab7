"""The data stores of the generated estate's shared services: S3, DynamoDB, SQS, SNS and Secrets Manager.

Buckets: ``sensitive`` (tagged data-classification=sensitive, KMS-encrypted, public access blocked: what the
exposed instance's role can read), ``uploads`` (notifies a Lambda function, a queue and a topic), and two
deliberate misconfigurations besides the accounts' public-reports buckets: ``public-acl`` (an ACL granting
AllUsers read) and ``logs`` (no default encryption). Every other bucket is encrypted with public access
blocked.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devclouds.estate_manifest import Collected

log = logging.getLogger(__name__)

CLOUD = "aws"
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def encrypt(s3: Any, bucket: str, key: str | None = None) -> None:
    rule: dict[str, Any] = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key} if key else {"SSEAlgorithm": "AES256"}
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]}
    )


@dataclass(frozen=True)
class Storage:
    sensitive_bucket: str
    queue_arn: str
    stream_arn: str
    notify: Callable[[dict[str, str]], None]
    uploads_bucket: str = ""
    invoices_queue_arn: str = ""
    invoices_queue_url: str = ""
    secret_arn: str = ""


def seed_storage(acc: Any, region: str, key: str, out: Collected) -> Storage:
    account = acc.account
    s3 = acc.client("s3", region)
    names = {kind: f"estate-{account}-{kind}" for kind in ("sensitive", "uploads", "public-acl", "logs")}
    for kind, name in names.items():
        s3.create_bucket(Bucket=name)
        tags = {"data-classification": "sensitive" if kind == "sensitive" else "internal", "purpose": kind}
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        if kind != "public-acl":
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
        if kind != "logs":
            encrypt(s3, name, key if kind == "sensitive" else None)
        out.add(CLOUD, "S3Bucket", bucket_arn(name), name, tags)
    out.edge("ENCRYPTED_BY", "S3Bucket", bucket_arn(names["sensitive"]), "KMSKey", key)
    s3.put_bucket_acl(Bucket=names["public-acl"], ACL="public-read")
    out.misconfig(
        "s3-bucket-public-acl",
        CLOUD,
        "S3Bucket",
        bucket_arn(names["public-acl"]),
        "The bucket ACL grants READ to AllUsers (no public access block).",
    )
    out.misconfig(
        "s3-bucket-without-encryption",
        CLOUD,
        "S3Bucket",
        bucket_arn(names["logs"]),
        "The bucket has no default encryption configuration.",
    )

    ddb = acc.client("dynamodb", region)
    table = ddb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
    )["TableDescription"]
    out.add(CLOUD, "DynamoDBTable", table["TableArn"], "orders")

    sqs = acc.client("sqs", region)
    queues: dict[str, str] = {}
    for name, attrs in (("orders-dlq", {}), ("orders", {"KmsMasterKeyId": key})):
        if name == "orders":
            attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": queues["orders-dlq"], "maxReceiveCount": "5"})
        url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        queues[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        out.add(CLOUD, "SQSQueue", queues[name], name)
    out.edge("SENDS_FAILURES_TO", "SQSQueue", queues["orders"], "SQSQueue", queues["orders-dlq"])
    # fed by an EventBridge rule, read by invoice-writer, named by web-svc's task definition
    invoices_url = sqs.create_queue(QueueName="invoices", Attributes={"SqsManagedSseEnabled": "true"})["QueueUrl"]
    invoices = sqs.get_queue_attributes(QueueUrl=invoices_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    out.add(CLOUD, "SQSQueue", invoices, "invoices")

    sns = acc.client("sns", region)
    topic = sns.create_topic(Name="order-events", Attributes={"KmsMasterKeyId": key})["TopicArn"]
    out.add(CLOUD, "SNSTopic", topic, "order-events")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queues["orders"], ReturnSubscriptionArn=True)
    out.add(CLOUD, "SNSSubscription", sub["SubscriptionArn"], "order-events -> orders")
    out.edge("SUBSCRIBES_TO", "SNSSubscription", sub["SubscriptionArn"], "SNSTopic", topic)
    out.edge("DELIVERS_TO", "SNSSubscription", sub["SubscriptionArn"], "SQSQueue", queues["orders"])

    secrets = acc.client("secretsmanager", region)
    secret = secrets.create_secret(Name="orders/db-password", SecretString="not-a-secret-2", KmsKeyId=key)
    out.add(CLOUD, "SecretsManagerSecret", secret["ARN"], "orders/db-password")
    out.edge("ENCRYPTED_BY", "SecretsManagerSecret", secret["ARN"], "KMSKey", key)

    def notify(functions: dict[str, str]) -> None:
        """Once the functions exist: the uploads bucket notifies a function, the queue and the topic."""
        s3.put_bucket_notification_configuration(
            Bucket=names["uploads"],
            NotificationConfiguration={
                "LambdaFunctionConfigurations": [
                    {"LambdaFunctionArn": functions["order-worker"], "Events": ["s3:ObjectCreated:*"]}
                ],
                "QueueConfigurations": [{"QueueArn": queues["orders"], "Events": ["s3:ObjectRemoved:*"]}],
                "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:Put"]}],
            },
        )
        source = bucket_arn(names["uploads"])
        out.edge("NOTIFIES", "S3Bucket", source, "LambdaFunction", functions["order-worker"])
        out.edge("NOTIFIES", "S3Bucket", source, "SQSQueue", queues["orders"])
        out.edge("NOTIFIES", "S3Bucket", source, "SNSTopic", topic)

    return Storage(
        names["sensitive"],
        queues["orders"],
        table["LatestStreamArn"],
        notify,
        uploads_bucket=names["uploads"],
        invoices_queue_arn=invoices,
        invoices_queue_url=invoices_url,
        secret_arn=secret["ARN"],
    )
