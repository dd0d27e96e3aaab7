"""AWS data and messaging units, one module per service (``data_*``), combined here.

Their ENCRYPTED_BY edges point at the keys the KMS unit writes, and RDS edges at the EC2 unit's
subnets and security groups: the runner writes every unit's nodes before any unit's edges.
"""

from __future__ import annotations

from ingest.providers.aws import data_dynamodb, data_kms, data_rds, data_s3, data_secrets, data_sns, data_sqs
from ingest.providers.aws.unit import AwsUnit

UNITS: tuple[AwsUnit, ...] = (
    *data_kms.UNITS,
    *data_rds.UNITS,
    *data_dynamodb.UNITS,
    *data_s3.UNITS,
    *data_sqs.UNITS,
    *data_sns.UNITS,
    *data_secrets.UNITS,
)
