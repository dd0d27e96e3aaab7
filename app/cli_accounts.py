"""CLI: cloud accounts, discovery schedules, notification targets and stored-secret keys.

    aidiscover accounts add --provider aws --auth role --role-arn ARN [--secret-file F] [--name N] [--region R ...]
    aidiscover accounts list [--provider P]
    aidiscover accounts remove ID [--purge]
    aidiscover schedules list | set ACCOUNT SPEC [--id I] [--region R ...] | pause ID | resume ID | remove ID
    aidiscover notify add NAME --kind webhook|slack|email ... | list | remove NAME | log [--target T] [--limit N]
    aidiscover notify send --type job.succeeded [--field k=v ...]   (queue a notification through the workers)
    aidiscover secrets generate-key | rotate --new-key K

Secrets (AWS external id, Azure client secret, GCP key JSON, webhook signing secret, SMTP password)
are read from a file (``--secret-file PATH``, ``-`` for standard input), never from the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.secret_migration import migrate_at_startup
from core.errors import RegistrationError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA


@contextmanager
def _graph(settings: Settings) -> Iterator[Graph]:
    with Graph(settings.neo4j, settings.redis) as graph:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        migrate_at_startup(graph, settings)
        yield graph


def _read_secret(path: str | None) -> str | None:
    if not path:
        return None
    if path == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise RegistrationError(f"cannot read the secret file {path}: {exc.strerror}; check the path") from None
    text = text.strip()
    if not text:
        raise RegistrationError(f"the secret file {path} is empty")
    return text


# --- accounts -----------------------------------------------------------------------------------
def _accounts_add(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.accounts.model import AccountSpec, validate
    from ingest.accounts.store import register_account

    spec = AccountSpec(
        provider=args.provider,
        auth_method=args.auth,
        account_id=args.id or "",
        name=args.name or "",
        profile=args.profile or "",
        role_arn=args.role_arn or "",
        tenant_id=args.tenant_id or "",
        client_id=args.client_id or "",
        regions=tuple(args.region or ()),
        secret=_read_secret(args.secret_file),
    )
    validate(spec)  # bad input fails before Neo4j is contacted
    with _graph(settings) as graph:
        account = register_account(graph, settings.accounts, spec)
    print(
        f"registered {account.id} ({account.name}), auth {account.auth_method}"
        + (", secret stored encrypted" if account.has_secret else "")
    )
    return 0


def _accounts_list(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.accounts.store import account_views

    with _graph(settings) as graph:
        accounts = account_views(graph, args.provider)
    for a in accounts:
        how = a.profile or a.role_arn or a.client_id or ""
        print(
            f"{a.id:48} {a.name:24} {a.auth_method:20} {how:40} secret={'yes' if a.has_secret else 'no'} "
            f"regions={','.join(a.regions) or 'all'}"
        )
    if not accounts:
        print("no cloud accounts registered; add one with `aidiscover accounts add`")
    return 0


def _accounts_remove(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.accounts.store import remove_account

    with _graph(settings) as graph:
        removal = remove_account(graph, args.id, purge=args.purge)
    print(
        f"removed {removal.account} and {removal.schedules} schedule(s); "
        + (
            f"{removal.purged_nodes} discovered resource(s) purged"
            if args.purge
            else "its discovered resources were kept (use --purge to delete them)"
        )
    )
    return 0


# --- schedules ----------------------------------------------------------------------------------
def _schedules(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.accounts import schedules as sched

    with _graph(settings) as graph:
        if args.action == "list":
            items = sched.list_schedules(graph)
            for s in items:
                last = s.last_run_at.isoformat(timespec="seconds") if s.last_run_at else "never"
                print(f"{s.id:40} {s.account:40} {s.spec:20} {'paused' if s.paused else 'active':7} last run {last}")
            if not items:
                print("no schedules; add one with `aidiscover schedules set ACCOUNT '0 3 * * *'`")
            return 0
        if args.action == "set":
            if not args.target or not args.spec:
                raise RegistrationError(
                    "usage: aidiscover schedules set ACCOUNT SPEC (e.g. aws:123456789012 '0 3 * * *')"
                )
            item = sched.set_schedule(
                graph, settings.accounts, args.target, args.spec, tuple(args.region or ()), args.id
            )
        elif args.action in ("pause", "resume"):
            if not args.target:
                raise RegistrationError(f"usage: aidiscover schedules {args.action} ID")
            item = sched.set_paused(graph, args.target, args.action == "pause")
        else:
            if not args.target:
                raise RegistrationError("usage: aidiscover schedules remove ID")
            sched.remove_schedule(graph, args.target)
            print(f"removed schedule {args.target}")
            return 0
    print(f"schedule {item.id}: {item.account} at {item.spec!r}, {'paused' if item.paused else 'active'}")
    return 0


# --- notifications ------------------------------------------------------------------------------
def _notify_add(settings: Settings, args: argparse.Namespace) -> int:
    from app.notify.model import EVENT_TYPES, TargetSpec
    from app.notify.store import add_target

    events = tuple(e.strip() for e in (args.events or ",".join(EVENT_TYPES)).split(",") if e.strip())
    spec = TargetSpec(
        name=args.name,
        kind=args.kind,
        url=args.url or "",
        events=events,
        smtp_host=args.smtp_host or "",
        smtp_port=args.smtp_port,
        smtp_starttls=not args.no_starttls,
        smtp_user=args.smtp_user or "",
        mail_from=args.mail_from or "",
        mail_to=tuple(args.mail_to or ()),
        secret=_read_secret(args.secret_file),
    )
    with _graph(settings) as graph:
        target = add_target(graph, settings.accounts, spec)
    print(f"notification target {target.id} ({target.kind}) for {', '.join(target.events)}")
    return 0


def _notify_list(settings: Settings, args: argparse.Namespace) -> int:
    from app.notify.store import target_views

    with _graph(settings) as graph:
        targets = target_views(graph)
    for t in targets:
        where = (
            t.url.split("?")[0]
            if t.kind == "webhook"
            else (
                "hooks.slack (url hidden)"
                if t.kind == "slack"
                else f"{t.smtp_host}:{t.smtp_port} -> {','.join(t.mail_to)}"
            )
        )
        print(f"{t.id:24} {t.kind:8} {','.join(t.events):45} {where}")
    if not targets:
        print("no notification targets; add one with `aidiscover notify add`")
    return 0


def _notify_remove(settings: Settings, args: argparse.Namespace) -> int:
    from app.notify.store import remove_target

    with _graph(settings) as graph:
        remove_target(graph, args.name)
    print(f"removed notification target {args.name} (its delivery log stays)")
    return 0


def _notify_log(settings: Settings, args: argparse.Namespace) -> int:
    from app.notify.store import list_deliveries

    with _graph(settings) as graph:
        rows = list_deliveries(graph, args.target, args.event, args.limit)
    for d in rows:
        print(
            f"{d.at.isoformat(timespec='seconds')} {d.target:20} {d.event_type:17} attempt {d.attempt} "
            f"{d.status:9} {d.http_status or '':3} {d.error}"
        )
    if not rows:
        print("no deliveries logged")
    return 0


def _notify_send(settings: Settings, args: argparse.Namespace) -> int:
    from app.notify.tasks import send_event
    from ingest.broker import celery_app

    event: dict[str, object] = {"type": args.type}
    for item in args.field or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise RegistrationError(f"--field {item!r} must look like key=value")
        event[key] = value
    task_id = send_event(celery_app(settings), event)
    print(f"queued {args.type} for the workers (task {task_id}); see `aidiscover notify log`")
    return 0


# --- secrets ------------------------------------------------------------------------------------
def _secrets(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.accounts.crypto import generate_key, rotate_secrets

    if args.action == "generate-key":
        print(generate_key())
        return 0
    if not args.new_key:
        raise RegistrationError("usage: aidiscover secrets rotate --new-key KEY (a key from `secrets generate-key`)")
    with _graph(settings) as graph:
        rotation = rotate_secrets(graph, settings.accounts, args.new_key)
    print(f"re-encrypted {rotation.re_encrypted} secret(s); now set AIDISCOVER_SECRET_KEY to the new key")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("accounts", help="register, list and remove cloud accounts")
    acts = p.add_subparsers(dest="action", required=True)
    a = acts.add_parser("add", help="register an AWS account, Azure subscription or GCP project")
    a.add_argument("--provider", required=True, help="aws | azure | gcp")
    a.add_argument(
        "--auth",
        required=True,
        help="aws: profile|role; azure: service_principal|managed_identity; gcp: service_account_key|workload_identity",
    )
    a.add_argument("--id", help="account id / subscription id / project id (AWS role: taken from the ARN)")
    a.add_argument("--name", help="display name")
    a.add_argument("--profile", help="AWS profile (auth profile)")
    a.add_argument("--role-arn", help="IAM role ARN to assume (auth role)")
    a.add_argument("--tenant-id", help="Azure tenant id (service principal)")
    a.add_argument("--client-id", help="Azure client id; GCP: service account e-mail (workload identity)")
    a.add_argument("--region", action="append", help="region to discover (repeatable); default: all enabled")
    a.add_argument("--secret-file", help="file with the external id / client secret / key JSON; - for stdin")
    a.set_defaults(handler=_accounts_add)
    a = acts.add_parser("list", help="list registered accounts (secrets are never shown)")
    a.add_argument("--provider", choices=["aws", "azure", "gcp"])
    a.set_defaults(handler=_accounts_list)
    a = acts.add_parser("remove", help="unregister an account (its discovered resources stay unless --purge)")
    a.add_argument("id", help="aws:123456789012, or the bare account id")
    a.add_argument("--purge", action="store_true", help="also delete the resources discovered from it")
    a.set_defaults(handler=_accounts_remove)

    p = sub.add_parser("schedules", help="discovery schedules of registered accounts (Celery beat)")
    p.add_argument("action", choices=["list", "set", "pause", "resume", "remove"])
    p.add_argument("target", nargs="?", help="set: the account; pause/resume/remove: the schedule id")
    p.add_argument("spec", nargs="?", help="set: 5-field cron (UTC), e.g. '0 3 * * *', or '@every 6h'")
    p.add_argument("--id", help="set: schedule id (default: the account id)")
    p.add_argument("--region", action="append", help="set: region to discover (repeatable)")
    p.set_defaults(handler=_schedules)

    p = sub.add_parser("notify", help="notification targets (webhook, Slack, e-mail) and the delivery log")
    acts = p.add_subparsers(dest="action", required=True)
    a = acts.add_parser("add", help="add a notification target")
    a.add_argument("name")
    a.add_argument("--kind", required=True, choices=["webhook", "slack", "email"])
    a.add_argument("--url", help="webhook or Slack incoming-webhook URL")
    a.add_argument("--events", help="comma-separated: job.succeeded,job.failed,finding.critical (default: all)")
    a.add_argument("--secret-file", help="webhook signing secret or SMTP password, from a file; - for stdin")
    a.add_argument("--smtp-host")
    a.add_argument("--smtp-port", type=int, default=587)
    a.add_argument("--no-starttls", action="store_true", help="do not upgrade the SMTP connection with STARTTLS")
    a.add_argument("--smtp-user")
    a.add_argument("--mail-from")
    a.add_argument("--mail-to", action="append", help="recipient (repeatable)")
    a.set_defaults(handler=_notify_add)
    a = acts.add_parser("list", help="list notification targets")
    a.set_defaults(handler=_notify_list)
    a = acts.add_parser("remove", help="remove a notification target")
    a.add_argument("name")
    a.set_defaults(handler=_notify_remove)
    a = acts.add_parser("log", help="the delivery log, newest first")
    a.add_argument("--target")
    a.add_argument("--event", help="one event id")
    a.add_argument("--limit", type=int, default=50)
    a.set_defaults(handler=_notify_log)
    a = acts.add_parser("send", help="queue a notification event through the workers (e.g. to test a target)")
    a.add_argument("--type", required=True, choices=["job.succeeded", "job.failed", "finding.critical"])
    a.add_argument("--field", action="append", help="key=value added to the event (repeatable)")
    a.set_defaults(handler=_notify_send)

    p = sub.add_parser("secrets", help="the key encrypting stored secrets")
    p.add_argument("action", choices=["generate-key", "rotate"])
    p.add_argument("--new-key", help="rotate: the new key; every stored secret is re-encrypted with it")
    p.set_defaults(handler=_secrets)
