"""The benchmark proxy's own answers for IAM actions moto does not implement parse, with botocore's IAM model
(the published service description), into the response shape the AWS IAM API reference documents."""

from __future__ import annotations

import json

import botocore.session
from botocore.parsers import EC2QueryParser, QueryParser

from bench.moto_gaps import ANSWERED, answer, correct


def _parsed(action: str, params: dict[str, str]) -> dict[str, object]:
    found = answer("iam", action, params)
    assert found is not None
    assert found.status == 200
    model = botocore.session.get_session().get_service_model("iam")
    shape = model.operation_model(action).output_shape
    response = {"body": found.body, "headers": {}, "status_code": 200}
    parsed: dict[str, object] = QueryParser().parse(response, shape)
    return parsed


def test_a_last_accessed_job_is_given_an_id() -> None:
    parsed = _parsed("GenerateServiceLastAccessedDetails", {"Arn": "arn:aws:iam::123456789012:role/app"})
    assert isinstance(parsed["JobId"], str)
    assert len(parsed["JobId"]) == 36


def test_the_job_is_complete_and_found_no_service() -> None:
    parsed = _parsed("GetServiceLastAccessedDetails", {"JobId": "x"})
    assert parsed["JobStatus"] == "COMPLETED"
    assert parsed["ServicesLastAccessed"] == []
    assert parsed["IsTruncated"] is False
    assert parsed["JobCreationDate"] <= parsed["JobCompletionDate"]  # type: ignore[operator]


def test_only_the_listed_actions_are_answered_by_the_benchmark() -> None:
    assert set(ANSWERED) == {("iam", "GenerateServiceLastAccessedDetails"), ("iam", "GetServiceLastAccessedDetails")}
    assert answer("iam", "ListRoles", {}) is None
    assert answer("s3", "GetServiceLastAccessedDetails", {}) is None


def test_a_load_balancer_without_target_groups_has_an_empty_list_not_an_error() -> None:
    moto_error = b"<ErrorResponse><Error><Code>TargetGroupNotFound</Code></Error></ErrorResponse>"
    params = {"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1"}
    found = correct("elasticloadbalancing", "DescribeTargetGroups", params, 400, moto_error)
    assert found is not None
    model = botocore.session.get_session().get_service_model("elbv2")
    shape = model.operation_model("DescribeTargetGroups").output_shape
    parsed = QueryParser().parse({"body": found.body, "headers": {}, "status_code": 200}, shape)
    assert parsed["TargetGroups"] == []


def test_a_missing_target_group_named_by_arn_stays_an_error() -> None:
    moto_error = b"<ErrorResponse><Error><Code>TargetGroupNotFound</Code></Error></ErrorResponse>"
    params = {"TargetGroupArns.member.1": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}
    assert correct("elasticloadbalancing", "DescribeTargetGroups", params, 400, moto_error) is None


def test_an_unimplemented_ec2_describe_is_answered_with_none_in_the_account() -> None:
    moto_error = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>"
    found = correct("ec2", "DescribeReservedInstances", {}, 500, moto_error)
    assert found is not None
    model = botocore.session.get_session().get_service_model("ec2")
    shape = model.operation_model("DescribeReservedInstances").output_shape
    parsed = EC2QueryParser().parse({"body": found.body, "headers": {}, "status_code": 200}, shape)
    assert parsed["ReservedInstances"] == []


def test_another_server_error_is_passed_on() -> None:
    assert correct("ec2", "DescribeInstances", {}, 500, b"Internal Server Error") is None


def test_an_unimplemented_json_action_is_answered_with_empty_lists() -> None:
    found = correct("ecs", "ListServices", {}, 500, b"NotImplementedError")
    assert found is not None
    assert json.loads(found.body) == {"serviceArns": []}


def test_an_unimplemented_rest_call_is_matched_to_its_operation_and_answered_empty() -> None:
    crash = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>"
    found = correct("bedrock", "GET /foundation-models", {}, 500, crash)
    assert found is not None
    assert json.loads(found.body) == {"modelSummaries": []}
