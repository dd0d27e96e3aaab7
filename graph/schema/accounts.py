"""What AI-Discover itself stores beside the estate: cloud accounts to discover, their schedules,
notification targets and the delivery log. None of these is a cloud resource (``resource=False``).

Properties flagged ``secret`` hold Fernet ciphertext (``app.accounts.crypto``) and are never exposed
through the API; the API shows ``has_secret`` instead.
"""

from __future__ import annotations

from graph.schema.model import NodeKind, Property, RelType

_SERVICE = "aidiscover"


def _p(name: str, type_: str, description: str, *, indexed: bool = False, secret: bool = False) -> Property:
    return Property(name, type_, description, indexed=indexed, secret=secret)  # type: ignore[arg-type]


CLOUD_ACCOUNT = NodeKind(
    label="CloudAccount",
    provider="any",
    service=_SERVICE,
    description="A registered AWS account, Azure subscription or GCP project, and how to authenticate to it.",
    resource=False,
    properties=(
        _p("id", "string", "'<provider>:<account id>', e.g. aws:123456789012.", indexed=True),
        _p("provider", "string", "aws, azure or gcp.", indexed=True),
        _p("account_id", "string", "AWS account id, Azure subscription id or GCP project id."),
        _p("name", "string", "Display name."),
        _p(
            "auth_method",
            "string",
            "profile | role (AWS); service_principal | managed_identity (Azure); "
            "service_account_key | workload_identity (GCP).",
        ),
        _p("profile", "string", "AWS shared-config profile (auth profile)."),
        _p("role_arn", "string", "IAM role ARN assumed (auth role)."),
        _p("tenant_id", "string", "Azure tenant id (service principal)."),
        _p("client_id", "string", "Azure client id, or GCP service account e-mail."),
        _p("regions", "string[]", "Regions to discover; empty: every enabled region."),
        _p("has_secret", "bool", "Whether an encrypted secret is stored."),
        _p(
            "secret",
            "string",
            "Fernet ciphertext of the external id, client secret or key JSON; never exposed.",
            secret=True,
        ),
        _p("created_at", "datetime", "When the account was registered."),
    ),
)

SCHEDULE = NodeKind(
    label="Schedule",
    provider="any",
    service=_SERVICE,
    description="When to discover a registered account: a 5-field cron expression or '@every N<s|m|h>'.",
    resource=False,
    properties=(
        _p("id", "string", "Schedule id (default: the account id).", indexed=True),
        _p("account", "string", "The CloudAccount id it discovers."),
        _p("spec", "string", "Cron expression (minute hour day-of-month month day-of-week, UTC) or '@every 10m'."),
        _p("regions", "string[]", "Regions to discover; empty: the account's."),
        _p("paused", "bool", "A paused schedule stays stored but sends nothing."),
        _p("created_at", "datetime", "When it was created."),
        _p("updated_at", "datetime", "When it was last changed."),
        _p("last_run_at", "datetime", "When beat last sent its discovery job."),
        _p("last_task_id", "string", "Celery task id of the last job it sent."),
    ),
)

NOTIFICATION_TARGET = NodeKind(
    label="NotificationTarget",
    provider="any",
    service=_SERVICE,
    description="Where notifications go: a signed webhook, a Slack incoming webhook or an e-mail address list.",
    resource=False,
    properties=(
        _p("id", "string", "Target name.", indexed=True),
        _p("channel", "string", "webhook | slack | email."),
        _p("url", "string", "Webhook or Slack URL."),
        _p("events", "string[]", "Event types delivered: job.succeeded, job.failed, finding.critical."),
        _p("smtp_host", "string", "SMTP server host (email)."),
        _p("smtp_port", "int", "SMTP server port (email)."),
        _p("smtp_starttls", "bool", "Upgrade the SMTP connection with STARTTLS."),
        _p("smtp_user", "string", "SMTP login user; empty: no login."),
        _p("mail_from", "string", "Sender address (email)."),
        _p("mail_to", "string[]", "Recipient addresses (email)."),
        _p("has_secret", "bool", "Whether an encrypted secret is stored."),
        _p("secret", "string", "Fernet ciphertext of the webhook signing secret or SMTP password.", secret=True),
        _p("created_at", "datetime", "When the target was added."),
    ),
)

DELIVERY = NodeKind(
    label="Delivery",
    provider="any",
    service=_SERVICE,
    description="One delivery attempt of a notification to a target (the delivery log).",
    resource=False,
    properties=(
        _p("id", "string", "'<event id>:<target>:<attempt>'.", indexed=True),
        _p("target", "string", "NotificationTarget id."),
        _p("event_id", "string", "Id of the event delivered."),
        _p("event_type", "string", "job.succeeded, job.failed or finding.critical."),
        _p("attempt", "int", "1 for the first try, then one more per retry."),
        _p("status", "string", "delivered | retrying | failed."),
        _p("http_status", "int", "HTTP status answered (webhook, Slack)."),
        _p("error", "string", "Why the attempt failed."),
        _p("at", "datetime", "When the attempt ended.", indexed=True),
    ),
)

NODES = (CLOUD_ACCOUNT, SCHEDULE, NOTIFICATION_TARGET, DELIVERY)

RELATIONSHIPS = (
    RelType("DISCOVERS", "Schedule", "CloudAccount", "The schedule discovers this account."),
    RelType("DELIVERED_TO", "Delivery", "NotificationTarget", "The attempt went to this target."),
)
