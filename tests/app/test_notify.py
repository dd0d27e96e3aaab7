"""Notifications against LOCAL receivers: an HTTP server that checks the HMAC signature, a fake Slack
incoming webhook, an aiosmtpd SMTP server; then the whole path through a real Celery worker, including
a target that fails twice before it succeeds (three attempts in the delivery log)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from app.notify.channels import deliver
from app.notify.messages import slack_payload, summary, webhook_body
from app.notify.model import NotificationTarget, TargetSpec, parse_event, validate_target
from app.notify.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify_signature
from app.notify.store import add_target, list_deliveries, target_views
from app.notify.tasks import send_event
from core.errors import DeliveryError, RegistrationError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.secretstore import store_url
from ingest.accounts.crypto import generate_key
from ingest.broker import celery_app
from tests.settings_update import replace_settings

ROOT = Path(__file__).resolve().parents[2]
HOOK_SECRET = "whsec-Local-Receiver-0042"
SMTP_PASSWORD = "smtp-pw-Local-77"
JOB_EVENT = {
    "type": "job.failed",
    "job_id": "job-42",
    "provider": "aws",
    "status": "failed",
    "errors": ["ec2 in eu-west-1: AccessDenied"],
}


# --- local receivers ----------------------------------------------------------------------------
@dataclass
class Receiver:
    """An HTTP server on a free loopback port; records requests; fails the first ``fail_first`` with 503."""

    kind: str  # "webhook" (checks the HMAC signature) or "slack" (checks the payload shape)
    secret: str = ""
    fail_first: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    hits: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/T000/B000/xyzzy"

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        self.hits += 1
        if self.hits <= self.fail_first:
            return 503
        if self.kind == "webhook":
            ok = verify_signature(
                self.secret, headers.get(TIMESTAMP_HEADER.lower(), ""), headers.get(SIGNATURE_HEADER.lower(), ""), body
            )
            if not ok:
                return 401
        else:
            doc = json.loads(body)
            if not isinstance(doc.get("text"), str) or not isinstance(doc.get("blocks"), list):
                return 400
        self.received.append({"headers": headers, "body": json.loads(body)})
        return 200


def _serve(receiver: Receiver) -> Receiver:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(code)
            self.end_headers()
            self.wfile.write(b"ok" if code == 200 else b"no")

        def log_message(self, *args: object) -> None:
            return

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    return receiver


@pytest.fixture
def receivers() -> Iterator[dict[str, Receiver]]:
    made = {
        "hook": _serve(Receiver("webhook", secret=HOOK_SECRET)),
        "flaky": _serve(Receiver("webhook", secret=HOOK_SECRET, fail_first=2)),
        "slack": _serve(Receiver("slack")),
    }
    yield made
    for r in made.values():
        assert r.server is not None
        r.server.shutdown()
        r.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticator(server: object, session: object, envelope: object, mechanism: str, auth_data: Any) -> AuthResult:
    """Accept only user "notifier" with SMTP_PASSWORD (plain connections allowed: a local test server)."""
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"notifier"
        and (auth_data.password == SMTP_PASSWORD.encode())
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=_authenticator, auth_require_tls=False)
    controller.start()
    yield box, port
    controller.stop()


# --- pure parts ---------------------------------------------------------------------------------
def test_a_signature_verifies_only_with_the_secret_the_body_and_a_recent_timestamp() -> None:
    body = b'{"a":1}'
    sig = sign("s3cret-s3cret-s3cret", 1_700_000_000, body)
    assert sig.startswith("sha256=")
    assert verify_signature("s3cret-s3cret-s3cret", "1700000000", sig, body, now=1_700_000_100)
    assert not verify_signature("other-secret-xxxxxx", "1700000000", sig, body, now=1_700_000_100)
    assert not verify_signature("s3cret-s3cret-s3cret", "1700000000", sig, b'{"a":2}', now=1_700_000_100)
    assert not verify_signature("s3cret-s3cret-s3cret", "1700000000", sig, body, now=1_700_001_000)  # replayed
    assert not verify_signature("s3cret-s3cret-s3cret", "soon", sig, body)


def test_events_get_stable_ids_and_messages_name_what_happened() -> None:
    event = parse_event(JOB_EVENT)
    assert event.id == parse_event(dict(JOB_EVENT)).id
    assert event.get("errors") == '["ec2 in eu-west-1: AccessDenied"]'
    assert summary(event) == "[AI-Discover] Discovery job FAILED: job_id=job-42, provider=aws, status=failed"
    body = json.loads(webhook_body(event, 5))
    assert (body["event"], body["id"], body["sent_at"], body["data"]["job_id"]) == ("job.failed", event.id, 5, "job-42")
    payload = slack_payload(event)
    assert payload["text"] == summary(event)
    assert isinstance(payload["blocks"], list)
    with pytest.raises(RegistrationError, match=r"event type 'job.exploded' is unknown"):
        parse_event({"type": "job.exploded"})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (TargetSpec(name="a", kind="pager"), "target kind 'pager' is unknown"),
        (TargetSpec(name="a", kind="webhook", url="ftp://x"), "must be an http"),
        (TargetSpec(name="a", kind="webhook", url="http://127.0.0.1/x"), "needs a signing secret"),
        (TargetSpec(name="a", kind="webhook", url="http://h/x", events=("job.done",)), "are not known"),
        (TargetSpec(name="a", kind="email", smtp_host="h", mail_from="a@b.c"), "at least one --mail-to"),
        (TargetSpec(name="bad name", kind="slack", url="http://h/x"), "must be 1-64 letters"),
    ],
)
def test_bad_targets_are_refused(spec: TargetSpec, message: str) -> None:
    with pytest.raises(RegistrationError, match=message):
        validate_target(spec)


# --- channels against the local receivers --------------------------------------------------------
def test_each_channel_delivers_to_its_local_receiver(receivers: dict[str, Receiver], smtp: tuple[Mailbox, int]) -> None:
    event = parse_event(JOB_EVENT)
    hook = validate_target(TargetSpec(name="hook", kind="webhook", url=receivers["hook"].url, secret=HOOK_SECRET))
    assert deliver(hook, event, 5.0) == 200
    got = receivers["hook"].received[0]
    assert got["body"]["data"]["job_id"] == "job-42"
    assert got["headers"]["x-aidiscover-event"] == "job.failed"

    slack = validate_target(TargetSpec(name="slack", kind="slack", url=receivers["slack"].url))
    assert deliver(slack, event, 5.0) == 200
    assert receivers["slack"].received[0]["body"]["blocks"][0]["text"]["text"] == "Discovery job FAILED"

    box, port = smtp
    mail = validate_target(
        TargetSpec(
            name="mail",
            kind="email",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            mail_from="aidiscover@example.org",
            mail_to=("ops@example.org", "sre@example.org"),
        )
    )
    assert deliver(mail, event, 5.0) is None
    sender, rcpts, content = box.messages[0]
    assert (sender, rcpts) == ("aidiscover@example.org", ["ops@example.org", "sre@example.org"])
    parsed = message_from_bytes(content)
    assert "Discovery job FAILED" in parsed["Subject"]
    assert "job_id: job-42" in parsed.get_payload()


def test_a_wrong_secret_is_refused_by_the_receiver_and_reported_without_the_url_path(
    receivers: dict[str, Receiver],
) -> None:
    wrong = validate_target(
        TargetSpec(name="hook", kind="webhook", url=receivers["hook"].url, secret="not-the-receivers-secret")
    )
    with pytest.raises(DeliveryError, match=r"webhook hook \(http://127.0.0.1:\d+\) answered HTTP 401") as err:
        deliver(wrong, parse_event(JOB_EVENT), 5.0)
    assert err.value.http_status == 401
    assert "xyzzy" not in str(err.value)
    assert receivers["hook"].received == []


def test_an_smtp_server_without_starttls_is_a_clear_error(smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    mail = NotificationTarget(
        id="mail",
        kind="email",
        events=("job.failed",),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=True,
        mail_from="a@b.org",
        mail_to=("c@d.org",),
    )
    with pytest.raises(DeliveryError, match="does not offer STARTTLS; add the target with --no-starttls"):
        deliver(mail, parse_event(JOB_EVENT), 5.0)


# --- the whole path through a real worker -------------------------------------------------------
@pytest.fixture
def notify_settings(settings: Settings) -> Settings:
    base = settings.redis.url.rsplit("/", 1)[0]
    # a broker database of its own; the secret store stays the one the `graph` fixture's settings name
    return replace_settings(
        settings,
        redis={"url": f"{base}/13", "secrets_url": store_url(settings.redis)},
        accounts={"secret_key": SecretStr(generate_key())},
    )


@pytest.fixture
def worker_log(tmp_path: Path) -> Path:
    return tmp_path / "worker.log"


@pytest.fixture
def notify_worker(notify_settings: Settings, worker_log: Path) -> Iterator[subprocess.Popen[bytes]]:
    assert notify_settings.accounts.secret_key is not None
    env = {
        **os.environ,
        "REDIS_URL": notify_settings.redis.url,
        "AIDISCOVER_LOG_LEVEL": "DEBUG",
        "AIDISCOVER_SECRET_KEY": notify_settings.accounts.secret_key.get_secret_value(),
        "AIDISCOVER_NOTIFY_RETRY_BACKOFF": "0.5",
        "AIDISCOVER_NOTIFY_MAX_RETRIES": "4",
        "AIDISCOVER_SECRETS_REDIS_URL": store_url(notify_settings.redis),
    }
    with worker_log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "-v", "worker", "--concurrency", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _wait_for(graph: Graph, done: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = graph.read("MATCH (d:Delivery) WHERE d.status IN ['delivered', 'failed'] RETURN count(d) AS c")
        if finished[0]["c"] >= done:
            return
        time.sleep(0.3)
    raise AssertionError(f"fewer than {done} deliveries finished in {timeout} s")


def test_a_worker_delivers_to_every_target_retrying_the_flaky_one_with_backoff(
    graph: Graph,
    notify_settings: Settings,
    notify_worker: subprocess.Popen[bytes],
    worker_log: Path,
    receivers: dict[str, Receiver],
    smtp: tuple[Mailbox, int],
) -> None:
    box, port = smtp
    s = notify_settings
    add_target(
        graph,
        s.accounts,
        TargetSpec(
            name="hook",
            kind="webhook",
            url=receivers["hook"].url,
            secret=HOOK_SECRET,
            events=("job.failed", "job.succeeded"),
        ),
    )
    add_target(
        graph,
        s.accounts,
        TargetSpec(
            name="flaky", kind="webhook", url=receivers["flaky"].url, secret=HOOK_SECRET, events=("job.failed",)
        ),
    )
    add_target(
        graph, s.accounts, TargetSpec(name="slack", kind="slack", url=receivers["slack"].url, events=("job.failed",))
    )
    add_target(
        graph,
        s.accounts,
        TargetSpec(
            name="mail",
            kind="email",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            mail_from="aidiscover@example.org",
            smtp_user="notifier",
            secret=SMTP_PASSWORD,
            mail_to=("ops@example.org",),
            events=("job.failed",),
        ),
    )
    add_target(
        graph,
        s.accounts,
        TargetSpec(name="findings-only", kind="slack", url=receivers["slack"].url, events=("finding.critical",)),
    )
    app = celery_app(s)
    app.control.purge()
    send_event(app, JOB_EVENT)
    try:
        _wait_for(graph, 4)
    except AssertionError:
        raise AssertionError(worker_log.read_text()[-4000:]) from None

    log = sorted((d.target, d.attempt, d.status, d.http_status) for d in list_deliveries(graph))
    assert log == [
        ("flaky", 1, "retrying", 503),
        ("flaky", 2, "retrying", 503),
        ("flaky", 3, "delivered", 200),
        ("hook", 1, "delivered", 200),
        ("mail", 1, "delivered", None),
        ("slack", 1, "delivered", 200),
    ]
    flaky = sorted(list_deliveries(graph, target="flaky"), key=lambda d: d.attempt)
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(flaky)]
    assert gaps[0] >= 0.5  # exponential backoff: at least 0.5 s, then at least 1 s between attempts
    assert gaps[1] >= 1.0
    assert receivers["flaky"].hits == 3
    assert len(receivers["hook"].received) == 1
    assert len(receivers["slack"].received) == 1  # findings-only did not get a job event
    assert len(box.messages) == 1
    assert {t.id for t in target_views(graph)} == {"hook", "flaky", "slack", "mail", "findings-only"}
    worker_output = worker_log.read_text()
    assert "DEBUG" in worker_output  # the worker logged at its most verbose
    assert HOOK_SECRET not in worker_output
    assert SMTP_PASSWORD not in worker_output


def test_a_wrong_smtp_password_is_a_clear_error(smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    mail = validate_target(
        TargetSpec(
            name="mail",
            kind="email",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            smtp_user="notifier",
            secret="wrong-password",
            mail_from="a@b.org",
            mail_to=("c@d.org",),
        )
    )
    with pytest.raises(DeliveryError, match="refused the login of 'notifier'; fix the user or password") as err:
        deliver(mail, parse_event(JOB_EVENT), 5.0)
    assert "wrong-password" not in str(err.value)


def test_a_target_that_never_answers_is_failed_after_the_last_retry(
    graph: Graph,
    notify_settings: Settings,
    notify_worker: subprocess.Popen[bytes],
    worker_log: Path,
) -> None:
    add_target(
        graph,
        notify_settings.accounts,
        TargetSpec(name="gone", kind="webhook", url=f"http://127.0.0.1:{_free_port()}/x", secret=HOOK_SECRET),
    )
    app = celery_app(notify_settings)
    app.control.purge()
    send_event(app, {"type": "finding.critical", "rule": "s3-public", "resource": "arn:aws:s3:::b"})
    try:
        _wait_for(graph, 1, timeout=60)
    except AssertionError:
        raise AssertionError(worker_log.read_text()[-4000:]) from None
    attempts = sorted(list_deliveries(graph, target="gone"), key=lambda d: d.attempt)
    assert [d.status for d in attempts] == ["retrying"] * 4 + ["failed"]
    assert all("did not answer: ConnectError" in d.error for d in attempts)
