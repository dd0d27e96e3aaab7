"""Answers the benchmark proxy gives for AWS actions moto 5.2.6 does not implement (it answers HTTP 500).

These answers are the benchmark's, not moto's: each is the response shape the AWS API reference documents for the
action, carrying no data (an IAM "service last accessed" job that is already complete and found no service).
Only the actions a tool under benchmark calls and moto cannot answer are listed; every other request goes to moto.
``ANSWERED`` replaces moto's answer; ``CORRECTED`` replaces a moto error where AWS answers with an empty result.

- IAM ``GenerateServiceLastAccessedDetails``: ``<JobId>`` (AWS IAM API reference, GenerateServiceLastAccessedDetails,
  "Response Elements": JobId).
- IAM ``GetServiceLastAccessedDetails``: ``JobStatus`` COMPLETED, ``JobType`` SERVICE_LEVEL, creation and
  completion dates, ``IsTruncated`` false and an empty ``ServicesLastAccessed`` list (same reference,
  GetServiceLastAccessedDetails: JobStatus, JobCreationDate, JobCompletionDate and ServicesLastAccessed are
  the required elements).
- Any other action of an XML-protocol service (EC2, IAM, ELB, ...) that moto answers with HTTP 500 naming a
  ``NotImplementedError`` (e.g. EC2 ``DescribeReservedInstances``): the output shape of botocore's service model
  (the published API description) with every list member present and empty, i.e. "none in this account".
- ELBv2 ``DescribeTargetGroups`` with ``LoadBalancerArn`` for a load balancer that has no target group: moto answers
  HTTP 400 ``TargetGroupNotFound``; AWS answers an empty ``TargetGroups`` list (the error is for target group ARNs
  or names that do not exist). Cartography asks per load balancer and backs off up to 600 s on the error.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import botocore.session
from botocore.model import ServiceModel

__all__ = ["ANSWERED", "CORRECTED", "Answer", "answer", "correct", "empty_answer"]

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
ELBV2_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _query_response(action: str, result: str, namespace: str = IAM_NS) -> Answer:
    """An AWS query-protocol (IAM) response: ``<ActionResponse><ActionResult>...</ActionResult>`` + request id."""
    xml = (
        f'<{action}Response xmlns="{namespace}">'
        f"<{action}Result>{result}</{action}Result>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Answer(200, "text/xml", xml.encode())


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _generate_last_accessed(params: Mapping[str, str]) -> Answer:
    return _query_response("GenerateServiceLastAccessedDetails", f"<JobId>{uuid.uuid4()}</JobId>")


def _get_last_accessed(params: Mapping[str, str]) -> Answer:
    now = _now()
    return _query_response(
        "GetServiceLastAccessedDetails",
        "<JobStatus>COMPLETED</JobStatus><JobType>SERVICE_LEVEL</JobType>"
        f"<JobCreationDate>{now}</JobCreationDate><JobCompletionDate>{now}</JobCompletionDate>"
        "<ServicesLastAccessed/><IsTruncated>false</IsTruncated>",
    )


ANSWERED: dict[tuple[str, str], Callable[[Mapping[str, str]], Answer]] = {
    ("iam", "GenerateServiceLastAccessedDetails"): _generate_last_accessed,
    ("iam", "GetServiceLastAccessedDetails"): _get_last_accessed,
}


def _no_target_groups(params: Mapping[str, str], status: int, body: bytes) -> Answer | None:
    if status == 400 and b"TargetGroupNotFound" in body and params.get("LoadBalancerArn"):
        return _query_response("DescribeTargetGroups", "<TargetGroups/>", ELBV2_NS)
    return None


CORRECTED: dict[tuple[str, str], Callable[[Mapping[str, str], int, bytes], Answer | None]] = {
    ("elasticloadbalancing", "DescribeTargetGroups"): _no_target_groups,
}


def correct(service: str, action: str, params: Mapping[str, str], status: int, body: bytes) -> Answer | None:
    """The benchmark's answer in place of moto's error ``status``/``body``, or None to pass moto's on."""
    handler = CORRECTED.get((service, action))
    if handler and status >= 400:
        return handler(params, status, body)
    if status == 500 and (b"NotImplementedError" in body or body.lstrip().lower().startswith(_CRASH_PAGE)):
        return empty_answer(service, action)
    return None


# moto's server answers an action it does not implement (an unhandled NotImplementedError) with werkzeug's
# generic HTTP 500 page, never an AWS error document
_CRASH_PAGE = b"<!doctype html>"

# SigV4 signing names whose botocore service name differs
_SERVICE_NAMES = {"elasticloadbalancing": "elbv2", "monitoring": "cloudwatch", "email": "ses"}


@functools.cache
def _model(service: str) -> ServiceModel | None:
    session = botocore.session.get_session()
    name = _SERVICE_NAMES.get(service, service)
    return session.get_service_model(name) if name in session.get_available_services() else None


def _rest_operation(model: ServiceModel, request: str) -> str | None:
    """The operation a REST request ("GET /foundation-models") calls, matched on the model's request URIs."""
    method, _, path = request.partition(" ")
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http.get("requestUri", "").split("?")[0]
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(uri))
        if http.get("method") == method and re.fullmatch(pattern, path):
            return name
    return None


def empty_answer(service: str, action: str) -> Answer | None:
    """``action``'s response with every list member empty, from botocore's model; None for an action it does not
    know or a REST-XML service (left to moto's error)."""
    model = _model(service)
    if model is not None and action not in model.operation_names:
        action = _rest_operation(model, action) or action
    if model is None or action not in model.operation_names:
        return None
    shape = model.operation_model(action).output_shape
    if model.protocol in ("json", "rest-json"):
        lists = {name: [] for name, m in (shape.members.items() if shape is not None else ()) if m.type_name == "list"}
        return Answer(
            200, f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.1')}", json.dumps(lists).encode()
        )
    if model.protocol not in ("query", "ec2"):
        return None
    members = "".join(
        f"<{member.serialization.get('name') or name}/>"
        for name, member in (shape.members.items() if shape is not None else ())
        if member.type_name == "list"
    )
    namespace = model.metadata.get("xmlNamespace", "")
    request = f"<requestId>{uuid.uuid4()}</requestId>"
    if model.protocol == "ec2":
        xml = f'<{action}Response xmlns="{namespace}">{request}{members}</{action}Response>'
        return Answer(200, "text/xml", xml.encode())
    return _query_response(action, members, namespace)


def answer(service: str, action: str, params: Mapping[str, str]) -> Answer | None:
    """The benchmark's own answer to ``service``'s ``action``, or None when moto answers it."""
    handler = ANSWERED.get((service, action))
    return handler(params) if handler else None
