"""The AWS account itself, one global unit per account: its IAM alias (``iam:ListAccountAliases``) and, when
the discovery role may read it (the management account, or a delegated administrator), its name in AWS
Organizations (``organizations:DescribeAccount``). The node's name is the Organizations name, else the alias,
else the id: it is what the viewer, the CLI and the reports show for the account's id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from graph.rows import NodeRow, PropValue, Transformed
from ingest.providers.aws.client import AwsClients, error_code, partition_for
from ingest.providers.aws.identity import iam_client
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_organizations.type_defs import AccountTypeDef

__all__ = ["LABELS", "UNITS", "AccountPayload", "account_node_id", "fetch_account", "transform_account"]

log = logging.getLogger(__name__)

LABELS = ("AWSAccount",)

# Organizations answers these when the caller may not describe the account: a member account, an account in
# no organization, a role without organizations:DescribeAccount. The alias still names the account.
UNREADABLE = frozenset(
    {"AccessDenied", "AccessDeniedException", "AWSOrganizationsNotInUseException", "AccountNotFoundException"}
)


@dataclass(frozen=True)
class AccountPayload:
    """What the account calls returned: ``organization_account`` is None when Organizations could not be read."""

    aliases: Sequence[str] = ()
    organization_account: AccountTypeDef | None = None
    partition: str = "aws"


def account_node_id(partition: str, account: str) -> str:
    """The account's node id: the ARN of its root principal, the same whether or not Organizations is readable."""
    return f"arn:{partition}:iam::{account}:root"


def _organization_account(clients: AwsClients, account_id: str) -> AccountTypeDef | None:
    org: OrganizationsClient = clients.client("organizations", clients.settings.default_region)
    try:
        return org.describe_account(AccountId=account_id)["Account"]
    except ClientError as exc:
        if error_code(exc) not in UNREADABLE:
            raise
        log.debug(
            "account %s: no name from AWS Organizations (%s); its alias or id names it", account_id, error_code(exc)
        )
        return None


def fetch_account(clients: AwsClients, region: str) -> AccountPayload:
    aliases = [
        alias
        for page in iam_client(clients).get_paginator("list_account_aliases").paginate()
        for alias in page["AccountAliases"]
    ]
    account_id = clients.sts().get_caller_identity()["Account"]
    return AccountPayload(
        tuple(aliases), _organization_account(clients, account_id), partition_for(clients.settings.default_region)
    )


def _organization_id(arn: str) -> str | None:
    """``o-...`` from an Organizations account ARN (arn:aws:organizations::<management>:account/o-x/<id>)."""
    parts = arn.split(":", 5)[-1].split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "account" else None


def transform_account(payload: AccountPayload, account: str, region: str) -> Transformed:
    org = payload.organization_account if (payload.organization_account or {}).get("Id") in (None, account) else None
    alias = payload.aliases[0] if payload.aliases else None
    org_name = (org or {}).get("Name") or None
    props: dict[str, PropValue] = {
        "account": account,
        "region": region,
        "name": org_name or alias or account,
        "tags": (),
        "account_id": account,
        "alias": alias,
        "organization_name": org_name,
        "organization_id": _organization_id((org or {}).get("Arn", "")),
        "status": (org or {}).get("Status"),
    }
    return Transformed((NodeRow("AWSAccount", account_node_id(payload.partition, account), props),), ())


UNITS = (AwsUnit("account", LABELS, fetch_account, transform_account, global_service=True),)
