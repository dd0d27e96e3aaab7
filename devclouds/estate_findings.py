"""The findings rules expected to flag each kind of misconfiguration the estate generator plants.

Keys are the slugs the builders pass to ``Collected.misconfig``; values the ids of the rules in
``queries.findings.catalogue`` that must find it (any one of them suffices for a given resource). The
precision/recall test on the demo estate reads this through the manifest: a rule named here must flag
only resources planted with one of its slugs.
"""

from __future__ import annotations

__all__ = ["EXPECTED_RULES", "expected_rules"]

_SG_ADMIN = ("aws-sg-ssh-open", "aws-sg-rdp-open", "aws-sg-all-open")
_SG_DATABASE = (
    "aws-sg-mysql-open",
    "aws-sg-postgres-open",
    "aws-sg-mssql-open",
    "aws-sg-oracle-open",
    "aws-sg-redis-open",
    "aws-sg-mongodb-open",
    "aws-sg-elasticsearch-open",
    "aws-sg-memcached-open",
    "aws-sg-all-open",
)

EXPECTED_RULES: dict[str, tuple[str, ...]] = {
    # AWS
    "ebs-volume-not-encrypted": ("aws-ebs-volume-unencrypted",),
    "eks-public-endpoint-open-to-world": ("aws-eks-public-endpoint",),
    "iam-access-key-older-than-90-days": ("aws-iam-access-key-not-rotated",),
    "iam-policy-admin-wildcard": ("aws-iam-policy-full-admin",),
    "iam-role-trusts-anyone": ("aws-iam-role-trusts-anyone",),
    "iam-role-trusts-foreign-account-without-condition": ("aws-iam-role-foreign-account-no-condition",),
    "iam-user-console-without-mfa": ("aws-iam-user-console-no-mfa",),
    "kms-key-rotation-disabled": ("aws-kms-rotation-off",),
    "lambda-function-url-without-auth": ("aws-lambda-public-function-url",),
    "rds-publicly-accessible": ("aws-rds-instance-public",),
    "rds-storage-not-encrypted": ("aws-rds-instance-unencrypted",),
    "s3-bucket-public-acl": ("aws-s3-public-acl",),
    "s3-bucket-public-policy": ("aws-s3-public-policy",),
    "s3-bucket-without-encryption": ("aws-s3-no-default-encryption",),
    "sg-admin-port-open-to-world": _SG_ADMIN,
    "sg-database-port-open-to-world": _SG_DATABASE,
    "toxic-exposed-instance-reads-sensitive-bucket": ("aws-path-internet-instance-reaches-data",),
    "toxic-public-load-balancer-to-admin-instance": ("aws-path-public-lb-admin-instance",),
    # Azure
    "azure-aks-not-private": ("azure-aks-public-api-server", "azure-aks-api-server-not-private"),
    "azure-key-vault-without-purge-protection": ("azure-keyvault-no-purge-protection",),
    "azure-nsg-rdp-from-internet": ("azure-nsg-rdp-open",),
    "azure-nsg-ssh-from-anywhere": ("azure-nsg-ssh-open",),
    "azure-sql-firewall-allows-all": ("azure-sql-firewall-allows-all",),
    "azure-storage-public-blob-access": ("azure-storage-blob-public-access",),
    # GCP
    "gcp-bucket-public": ("gcp-storage-bucket-public",),
    "gcp-firewall-ssh-open-to-world": ("gcp-firewall-ssh-open",),
    "gcp-instance-default-sa-editor": ("gcp-instance-default-service-account",),
    "gke-public-endpoint": ("gcp-gke-public-endpoint", "gcp-gke-endpoint-not-private"),
}


def expected_rules(slug: str) -> tuple[str, ...]:
    """The rule ids expected to find a misconfiguration planted as ``slug``."""
    try:
        return EXPECTED_RULES[slug]
    except KeyError:
        raise KeyError(f"misconfiguration {slug!r} names no expected rule: add it to EXPECTED_RULES") from None
