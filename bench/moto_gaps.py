"""Answers the benchmark proxy gives for AWS actions moto 5.2.6 does not implement (it answers HTTP 500).

These answers are the benchmark's, not moto's: each is the response shape the AWS API reference documents for the
action, carrying no data (an IAM "service last accessed" job that is already complete and found no service).
Only the actions a tool under benchmark calls and moto cannot answer are listed; every other request goes to moto.

- IAM ``GenerateServiceLastAccessedDetails``: ``<JobId>`` (AWS IAM API reference, GenerateServiceLastAccessedDetails,
  "Response Elements": JobId).
- IAM ``GetServiceLastAccessedDetails``: ``JobStatus`` COMPLETED, ``JobType`` SERVICE_LEVEL, creation and
  completion dates, ``IsTruncated`` false and an empty ``ServicesLastAccessed`` list (same reference,
  GetServiceLastAccessedDetails: JobStatus, JobCreationDate, JobCompletionDate and ServicesLastAccessed are
  the required elements).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["ANSWERED", "Answer", "answer"]

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _query_response(action: str, result: str) -> Answer:
    """An AWS query-protocol (IAM) response: ``<ActionResponse><ActionResult>...</ActionResult>`` + request id."""
    xml = (
        f'<{action}Response xmlns="{IAM_NS}">'
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


def answer(service: str, action: str, params: Mapping[str, str]) -> Answer | None:
    """The benchmark's own answer to ``service``'s ``action``, or None when moto answers it."""
    handler = ANSWERED.get((service, action))
    return handler(params) if handler else None
