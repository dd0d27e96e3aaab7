"""A small AWS data estate created through the real APIs of a moto server (KMS, RDS, DynamoDB, S3,
SQS, SNS, Secrets Manager), for the data-services discovery tests and the demo.

``seed`` returns a manifest: a short name -> the id or ARN the API gave back.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3

log = logging.getLogger(__name__)

PRIVATE_BUCKET = "aidiscover-private-data"
PUBLIC_BUCKET = "aidiscover-public-assets"
PUBLIC_BUCKET_REGION = "eu-west-1"


def _client(service: str, endpoint_url: str, region: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="demo",
        aws_secret_access_key="demo",  # noqa: S106 - moto accepts any key
    )


def _tags(**tags: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def seed(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """Create the estate in ``region`` (the public bucket lives in eu-west-1); return name -> id/ARN."""
    out: dict[str, str] = {}
    kms = _client("kms", endpoint_url, region)
    key = kms.create_key(Description="app data key", Tags=[{"TagKey": "team", "TagValue": "data"}])["KeyMetadata"]
    kms.create_alias(AliasName="alias/app-data", TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    out["kms_key_id"] = key["KeyId"]
    out["kms_key_arn"] = key["Arn"]

    ec2 = _client("ec2", endpoint_url, region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
        for cidr, az in (("10.20.1.0/24", "a"), ("10.20.2.0/24", "b"))
    ]
    sg = ec2.create_security_group(GroupName="db-sg", Description="database", VpcId=vpc)["GroupId"]
    out.update(vpc=vpc, subnet_a=subnets[0], subnet_b=subnets[1], db_sg=sg)

    rds = _client("rds", endpoint_url, region)
    rds.create_db_subnet_group(DBSubnetGroupName="db-subnets", DBSubnetGroupDescription="db", SubnetIds=subnets)
    db = rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        EngineVersion="15.4",
        AllocatedStorage=20,
        StorageType="gp3",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[sg],
        StorageEncrypted=True,
        KmsKeyId=key["Arn"],
        MultiAZ=True,
        PubliclyAccessible=False,
        BackupRetentionPeriod=7,
        Tags=_tags(env="prod"),
    )["DBInstance"]
    out["rds_instance_arn"] = db["DBInstanceArn"]
    cluster = rds.create_db_cluster(
        DBClusterIdentifier="reports-aurora",
        Engine="aurora-postgresql",
        EngineVersion="15.4",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[sg],
        StorageEncrypted=True,
        KmsKeyId=key["Arn"],
    )["DBCluster"]
    out["rds_cluster_arn"] = cluster["DBClusterArn"]
    member = rds.create_db_instance(
        DBInstanceIdentifier="reports-aurora-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier="reports-aurora",
    )["DBInstance"]
    out["rds_cluster_member_arn"] = member["DBInstanceArn"]

    ddb = _client("dynamodb", endpoint_url, region)
    table = ddb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["Arn"]},
    )["TableDescription"]
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    out["dynamodb_table_arn"] = table["TableArn"]
    out["dynamodb_stream_arn"] = table.get("LatestStreamArn", "")

    s3 = _client("s3", endpoint_url, region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=PRIVATE_BUCKET)
    else:
        s3.create_bucket(Bucket=PRIVATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=PRIVATE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=PRIVATE_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}}]
        },
    )
    s3.put_public_access_block(
        Bucket=PRIVATE_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3_eu = _client("s3", endpoint_url, PUBLIC_BUCKET_REGION)
    s3_eu.create_bucket(Bucket=PUBLIC_BUCKET, CreateBucketConfiguration={"LocationConstraint": PUBLIC_BUCKET_REGION})
    public_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
            }
        ],
    }
    s3_eu.put_bucket_policy(Bucket=PUBLIC_BUCKET, Policy=json.dumps(public_policy))
    out["private_bucket"] = PRIVATE_BUCKET
    out["public_bucket"] = PUBLIC_BUCKET

    sqs = _client("sqs", endpoint_url, region)
    dlq_url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName="orders",
        Attributes={
            "VisibilityTimeout": "45",
            "MessageRetentionPeriod": "86400",
            "KmsMasterKeyId": key["Arn"],
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
        tags={"team": "orders"},
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    out.update(queue_url=queue_url, queue_arn=queue_arn, dlq_url=dlq_url, dlq_arn=dlq_arn)

    sns = _client("sns", endpoint_url, region)
    topic_arn = sns.create_topic(Name="order-events", Attributes={"KmsMasterKeyId": key["Arn"]})["TopicArn"]
    sub_arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    out.update(topic_arn=topic_arn, subscription_arn=sub_arn)

    secrets = _client("secretsmanager", endpoint_url, region)
    secret = secrets.create_secret(
        Name="orders/db-password",
        Description="orders database password",
        SecretString="not-a-secret-2",
        KmsKeyId=key["Arn"],
        Tags=_tags(env="prod"),
    )
    out["secret_arn"] = secret["ARN"]
    log.info("seeded the AWS data estate in %s: %s resources", region, len(out))
    return out
