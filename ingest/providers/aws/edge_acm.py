"""ACM certificates of one region: what a listener (or a distribution) serves TLS with, and when it expires.

get: every page of list_certificates (every key type: by default the call lists RSA-2048 ones only), then
describe_certificate and list_tags_for_certificate per certificate (one that disappears in between is left
out). transform (pure): one ACMCertificate node each; listeners link to them by ARN (``USES_CERTIFICATE``,
declared in ``graph.schema.references`` from ``Listener.certificate_arns``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from graph.rows import NodeRow, Transformed
from ingest.providers.aws.client import AwsClients, error_code
from ingest.providers.aws.compute_common import client, resource, strings, tags_from_list, text, timestamp
from ingest.providers.aws.unit import AwsUnit

__all__ = ["LABELS", "UNITS", "AcmPayload", "get_acm", "transform_acm"]

log = logging.getLogger(__name__)

LABELS = ("ACMCertificate",)
# Every key type ACM knows (ListCertificates' Includes.keyTypes); without it only RSA_2048 is listed.
KEY_TYPES = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)


@dataclass(frozen=True)
class AcmPayload:
    """describe_certificate's ``Certificate`` per certificate, and its tags keyed by ARN."""

    certificates: Sequence[Mapping[str, Any]] = ()
    tags: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


def get_acm(acm: Any) -> AcmPayload:
    """``acm`` is a boto3 ACM client (no type stubs are installed for ACM)."""
    arns = [
        summary["CertificateArn"]
        for page in acm.get_paginator("list_certificates").paginate(Includes={"keyTypes": list(KEY_TYPES)})
        for summary in page["CertificateSummaryList"]
        if summary.get("CertificateArn")
    ]
    certificates: list[Mapping[str, Any]] = []
    tags: dict[str, Sequence[Mapping[str, Any]]] = {}
    for arn in arns:
        try:
            certificates.append(acm.describe_certificate(CertificateArn=arn)["Certificate"])
            tags[arn] = acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            log.info("ACM certificate %s disappeared while being read; skipped", arn)
    return AcmPayload(certificates, tags)


def transform_acm(payload: AcmPayload, account: str, region: str) -> Transformed:
    nodes: list[NodeRow] = []
    for cert in payload.certificates:
        arn = text(cert.get("CertificateArn"))
        if not arn:
            continue
        domain = text(cert.get("DomainName"))
        props = resource(
            account,
            region,
            domain or arn,
            tags_from_list(payload.tags.get(arn)),
            domain_name=domain,
            subject_alternative_names=strings(cert.get("SubjectAlternativeNames")),
            status=text(cert.get("Status")),
            certificate_type=text(cert.get("Type")),
            issuer=text(cert.get("Issuer")),
            key_algorithm=text(cert.get("KeyAlgorithm")),
            not_before=timestamp(cert.get("NotBefore")),
            not_after=timestamp(cert.get("NotAfter")),
            issued_at=timestamp(cert.get("IssuedAt")),
            imported_at=timestamp(cert.get("ImportedAt")),
            created_at=timestamp(cert.get("CreatedAt")),
            in_use_by=strings(cert.get("InUseBy")) or (),
            renewal_eligibility=text(cert.get("RenewalEligibility")),
            serial=text(cert.get("Serial")),
        )
        nodes.append(NodeRow("ACMCertificate", arn, props))
    return Transformed(tuple(nodes), ())


def fetch_acm(clients: AwsClients, region: str) -> AcmPayload:
    return get_acm(client(clients, "acm", region))


UNITS = (AwsUnit("acm", LABELS, fetch_acm, transform_acm),)
