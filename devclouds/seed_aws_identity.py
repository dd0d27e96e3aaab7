"""A small IAM and edge estate, created through the real IAM, CloudFront, Route53, EC2 and API Gateway
APIs of a moto server (or any endpoint speaking them), for tests and demos.

It holds deliberate misconfigurations for the graph to show: a role any principal may assume, a role a
foreign account may assume without condition, a console user without MFA and a group with admin rights.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_route53 import Route53Client

log = logging.getLogger(__name__)

FOREIGN_ACCOUNT = "999988887777"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
DEMO_PASSWORD = "An-Example-Passw0rd!"  # noqa: S105 - a throwaway password for an emulator, never for AWS  # the fixed hosted zone id of every CloudFront alias target


def _trust(principal: object, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _seed_iam(iam: IAMClient, manifest: dict[str, str]) -> None:
    alice = iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "platform"}])["User"]
    manifest["user:alice"] = alice["Arn"]
    iam.create_login_profile(UserName="alice", Password=DEMO_PASSWORD)
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice", SerialNumber=mfa["SerialNumber"], AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    bob = iam.create_user(UserName="bob")["User"]
    manifest["user:bob"] = bob["Arn"]
    iam.create_login_profile(UserName="bob", Password=DEMO_PASSWORD)
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    manifest["access_key:bob"] = key["AccessKeyId"]  # the id only: the secret is dropped here
    iam.put_user_policy(
        UserName="bob",
        PolicyName="bob-read-logs",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "logs:Get*", "Resource": "*"}}
        ),
    )
    manifest["inline:bob-read-logs"] = f"{bob['Arn']}/inline/bob-read-logs"
    manifest["user:ci-bot"] = iam.create_user(UserName="ci-bot", Path="/service/")["User"]["Arn"]

    # A customer managed copy of AdministratorAccess: moto loads AWS managed policies only when its server
    # was started with MOTO_IAM_LOAD_MANAGED_POLICIES=true.
    admin = iam.create_policy(
        PolicyName="full-admin",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]
    manifest["policy:full-admin"] = admin["Arn"]
    manifest["group:admins"] = iam.create_group(GroupName="admins")["Group"]["Arn"]
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin["Arn"])
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.add_user_to_group(GroupName="admins", UserName="bob")

    app_data = iam.create_policy(
        PolicyName="app-data",
        Description="What the app servers read and write",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ReadAssets",
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": ["arn:aws:s3:::assets-bucket", "arn:aws:s3:::assets-bucket/*"],
                    },
                    {
                        "Effect": "Deny",
                        "NotAction": "s3:*",
                        "Resource": "*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            }
        ),
    )["Policy"]
    manifest["policy:app-data"] = app_data["Arn"]

    app = iam.create_role(
        RoleName="app-ec2",
        AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"}),
        Description="Role of the app servers",
        MaxSessionDuration=7200,
    )["Role"]
    manifest["role:app-ec2"] = app["Arn"]
    iam.attach_role_policy(RoleName="app-ec2", PolicyArn=app_data["Arn"])
    profile = iam.create_instance_profile(InstanceProfileName="app-ec2-profile")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app-ec2-profile", RoleName="app-ec2")
    manifest["instance_profile:app-ec2-profile"] = profile["Arn"]

    manifest["role:open-to-anyone"] = iam.create_role(
        RoleName="open-to-anyone", AssumeRolePolicyDocument=_trust({"AWS": "*"})
    )["Role"]["Arn"]
    partner = iam.create_role(
        RoleName="partner-access", AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"})
    )["Role"]
    manifest["role:partner-access"] = partner["Arn"]
    iam.put_role_policy(
        RoleName="partner-access",
        PolicyName="partner-read",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        ),
    )
    manifest["inline:partner-read"] = f"{partner['Arn']}/inline/partner-read"


def _seed_cloudfront(cloudfront: CloudFrontClient, manifest: dict[str, str]) -> str:
    dist = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "seed-assets",
            "Aliases": {"Quantity": 1, "Items": ["assets.example.com"]},
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "assets-s3",
                        "DomainName": "assets-bucket.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "assets-s3",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
            "Comment": "static assets",
            "PriceClass": "PriceClass_100",
            "Enabled": True,
        }
    )["Distribution"]
    manifest["distribution:assets"] = dist["ARN"]
    manifest["distribution:assets:domain"] = dist["DomainName"]
    return dist["DomainName"]


def _seed_route53(
    route53: Route53Client, ec2: EC2Client, region: str, cdn_domain: str, manifest: dict[str, str]
) -> None:
    public = route53.create_hosted_zone(Name="example.com", CallerReference="seed-public")["HostedZone"]
    public_id = public["Id"].rsplit("/", 1)[-1]
    manifest["zone:example.com"] = public_id
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "www.example.com",
                "Type": "A",
                "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.10"}, {"Value": "192.0.2.11"}],
            },
        },
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "blog.example.com",
                "Type": "CNAME",
                "TTL": 60,
                "ResourceRecords": [{"Value": "www.example.com"}],
            },
        },
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "assets.example.com",
                "Type": "A",
                "AliasTarget": {
                    "HostedZoneId": CLOUDFRONT_ZONE_ID,
                    "DNSName": cdn_domain,
                    "EvaluateTargetHealth": False,
                },
            },
        },
    ]
    route53.change_resource_record_sets(HostedZoneId=public_id, ChangeBatch={"Changes": changes})  # type: ignore[typeddict-item]
    vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    manifest["vpc:internal"] = vpc_id
    private = route53.create_hosted_zone(
        Name="internal.example",
        CallerReference="seed-private",
        VPC={"VPCRegion": region, "VPCId": vpc_id},  # type: ignore[typeddict-item]
        HostedZoneConfig={"Comment": "service discovery", "PrivateZone": True},
    )["HostedZone"]
    private_id = private["Id"].rsplit("/", 1)[-1]
    manifest["zone:internal.example"] = private_id
    db = {"Name": "db.internal.example", "Type": "A", "TTL": 30, "ResourceRecords": [{"Value": "10.40.1.5"}]}
    route53.change_resource_record_sets(
        HostedZoneId=private_id,
        ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": db}]},  # type: ignore[typeddict-item]
    )


def _seed_apis(rest: APIGatewayClient, v2: ApiGatewayV2Client, region: str, manifest: dict[str, str]) -> None:
    function_arn = f"arn:aws:lambda:{region}:123456789012:function:orders-handler"
    uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    api = rest.create_rest_api(name="orders-api", description="Orders", endpointConfiguration={"types": ["REGIONAL"]})
    api_id = api["id"]
    manifest["rest_api:orders-api"] = api_id
    manifest["lambda:orders-handler"] = function_arn
    root = next(r["id"] for r in rest.get_resources(restApiId=api_id)["items"] if r.get("path") == "/")
    orders = rest.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
    rest.put_method(restApiId=api_id, resourceId=orders, httpMethod="GET", authorizationType="NONE")
    rest.put_integration(
        restApiId=api_id, resourceId=orders, httpMethod="GET", type="AWS_PROXY", integrationHttpMethod="POST", uri=uri
    )
    rest.create_deployment(restApiId=api_id, stageName="prod")

    http = v2.create_api(
        Name="events-api",
        ProtocolType="HTTP",
        CorsConfiguration={"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "POST"]},
    )
    http_id = http["ApiId"]
    manifest["http_api:events-api"] = http_id
    integration = v2.create_integration(
        ApiId=http_id, IntegrationType="AWS_PROXY", IntegrationUri=function_arn, PayloadFormatVersion="2.0"
    )
    for route_key in ("GET /events", "POST /events"):
        v2.create_route(ApiId=http_id, RouteKey=route_key, Target=f"integrations/{integration['IntegrationId']}")
    v2.create_stage(ApiId=http_id, StageName="$default", AutoDeploy=True)


def seed(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """Create the estate; return a manifest of what was created (name -> id or ARN)."""
    session = boto3.Session(region_name=region)
    manifest: dict[str, str] = {}
    iam: IAMClient = session.client("iam", endpoint_url=endpoint_url)
    _seed_iam(iam, manifest)
    cloudfront: CloudFrontClient = session.client("cloudfront", endpoint_url=endpoint_url)
    cdn_domain = _seed_cloudfront(cloudfront, manifest)
    route53: Route53Client = session.client("route53", endpoint_url=endpoint_url)
    ec2: EC2Client = session.client("ec2", endpoint_url=endpoint_url)
    _seed_route53(route53, ec2, region, cdn_domain, manifest)
    rest: APIGatewayClient = session.client("apigateway", endpoint_url=endpoint_url)
    v2: ApiGatewayV2Client = session.client("apigatewayv2", endpoint_url=endpoint_url)
    _seed_apis(rest, v2, region, manifest)
    log.info("seeded %s IAM and edge resources at %s", len(manifest), endpoint_url)
    return manifest
