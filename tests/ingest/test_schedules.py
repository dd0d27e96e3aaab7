"""Discovery schedules: parsing, storage, the graph-backed beat scheduler, and a real `celery beat`
process sending `aidiscover.start_job` to a real worker that starts the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab, schedule

from app.cli import main
from core.errors import RegistrationError
from core.settings import RedisSettings, Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.secretstore import store_url
from ingest.accounts.model import AccountSpec
from ingest.accounts.schedules import (
    get_schedule,
    list_schedules,
    parse_spec,
    remove_schedule,
    set_paused,
    set_schedule,
)
from ingest.accounts.store import register_account
from ingest.schedules import PREFIX, START_JOB, GraphScheduler
from ingest.tasks import make_celery
from tests.settings_update import replace_settings

ROOT = Path(__file__).resolve().parents[2]
AWS = AccountSpec(provider="aws", auth_method="profile", profile="default", account_id="123456789012", name="moto")
GCP = AccountSpec(provider="gcp", auth_method="workload_identity", account_id="shop-prod-1")


def test_specs_parse_to_celery_schedules_or_say_what_is_valid(settings: Settings) -> None:
    assert parse_spec("*/15  3 * * 1-5", settings.accounts) == crontab.from_string("*/15 3 * * 1-5")
    assert parse_spec("@every 2h", settings.accounts) == schedule(timedelta(hours=2))
    with pytest.raises(RegistrationError, match=r"is invalid .*Invalid end range: 61 > 59"):
        parse_spec("61 * * * *", settings.accounts)
    with pytest.raises(RegistrationError, match="not a 5-field cron expression"):
        parse_spec("0 3 * *", settings.accounts)
    with pytest.raises(RegistrationError, match="shorter than 60 s"):
        parse_spec("@every 10s", settings.accounts)


def test_schedules_are_set_changed_paused_and_removed(graph: Graph, settings: Settings) -> None:
    register_account(graph, settings.accounts, AWS)
    with pytest.raises(RegistrationError, match="no cloud account 'aws:999999999999'"):
        set_schedule(graph, settings.accounts, "aws:999999999999", "0 3 * * *")
    with pytest.raises(RegistrationError, match="is invalid"):
        set_schedule(graph, settings.accounts, "aws:123456789012", "0 25 * * *")
    item = set_schedule(graph, settings.accounts, "123456789012", "0 3 * * *", ("eu-west-1",))
    assert (item.id, item.account, item.spec, item.regions, item.paused) == (
        "aws:123456789012",
        "aws:123456789012",
        "0 3 * * *",
        ("eu-west-1",),
        False,
    )
    assert set_schedule(graph, settings.accounts, "aws:123456789012", "30 4 * * *").spec == "30 4 * * *"
    assert set_paused(graph, "aws:123456789012", True).paused
    assert not set_paused(graph, "aws:123456789012", False).paused
    assert [s.id for s in list_schedules(graph)] == ["aws:123456789012"]
    remove_schedule(graph, "aws:123456789012")
    with pytest.raises(RegistrationError, match="no schedule 'aws:123456789012'"):
        get_schedule(graph, "aws:123456789012")


def test_cli_sets_lists_and_pauses_schedules(
    graph: Graph, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    register_account(graph, settings.accounts, AWS)
    assert main(["schedules", "set", "aws:123456789012", "0 3 * * *"]) == 0
    assert "schedule aws:123456789012: aws:123456789012 at '0 3 * * *', active" in capsys.readouterr().out
    assert main(["schedules", "pause", "aws:123456789012"]) == 0
    assert main(["schedules", "list"]) == 0
    assert "paused" in capsys.readouterr().out.splitlines()[-1]
    assert main(["schedules", "set", "aws:123456789012", "bad"]) == 2
    assert "not a 5-field cron expression" in capsys.readouterr().err


def test_the_scheduler_follows_the_graph(graph: Graph, settings: Settings) -> None:
    register_account(graph, settings.accounts, AWS)
    register_account(graph, settings.accounts, GCP)
    set_schedule(graph, settings.accounts, "aws:123456789012", "0 3 * * *", ("eu-west-1",))
    set_schedule(graph, settings.accounts, "gcp:shop-prod-1", "@every 6h")
    sched = GraphScheduler(make_celery(settings), settings=settings)
    try:
        ours = {n: e for n, e in sched.schedule.items() if n.startswith(PREFIX)}
        assert set(ours) == {"schedule:aws:123456789012", "schedule:gcp:shop-prod-1"}
        aws = ours["schedule:aws:123456789012"]
        assert aws.task == START_JOB
        assert aws.kwargs == {
            "provider": "aws",
            "accounts": ["123456789012"],
            "regions": ["eu-west-1"],
            "started_by": "schedule:aws:123456789012",
        }
        assert ours["schedule:gcp:shop-prod-1"].kwargs["accounts"] == ["projects/shop-prod-1"]
        assert "reap" in " ".join(sched.schedule)  # static entries from beat_schedule stay

        set_paused(graph, "gcp:shop-prod-1", True)
        set_schedule(graph, settings.accounts, "aws:123456789012", "0 3 * * *", ("eu-west-1",))  # unchanged timing
        assert sched.reload()
        assert "schedule:gcp:shop-prod-1" not in sched.schedule
        assert sched.schedule["schedule:aws:123456789012"] is aws  # kept its state
        set_schedule(graph, settings.accounts, "aws:123456789012", "15 * * * *")
        sched.reload()
        changed = sched.schedule["schedule:aws:123456789012"]
        assert changed is not aws
        assert changed.schedule == crontab.from_string("15 * * * *")
    finally:
        sched.close()


# --- a real beat and a real worker ---------------------------------------------------------------
def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def beat_env(settings: Settings, moto: MotoServer, tmp_path: Path) -> dict[str, str]:
    base = settings.redis.url.rsplit("/", 1)[0]
    return {
        **os.environ,
        "REDIS_URL": f"{base}/12",
        "AIDISCOVER_LOG_LEVEL": "INFO",
        "AIDISCOVER_DATA_DIR": str(tmp_path),
        "AIDISCOVER_SCHEDULE_RELOAD_SECONDS": "1",
        "AIDISCOVER_SCHEDULE_MIN_INTERVAL_SECONDS": "1",
        "AIDISCOVER_AWS_REGIONS": "eu-west-1",
        "AIDISCOVER_SECRETS_REDIS_URL": store_url(settings.redis),
    }  # own broker; the tests' secret store


@pytest.fixture
def beat_and_worker(beat_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    app = make_celery(Settings(redis=RedisSettings().model_copy(update={"url": beat_env["REDIS_URL"]})))
    app.control.purge()
    logs = (tmp_path / "beat.log", tmp_path / "worker.log")
    worker = _spawn(["worker", "--concurrency", "1"], beat_env, logs[1])
    beat = _spawn(["beat"], beat_env, logs[0])
    yield logs
    _stop(beat)
    _stop(worker)


def test_a_real_beat_sends_the_schedule_to_a_real_worker_which_starts_the_job(
    graph: Graph, settings: Settings, beat_and_worker: tuple[Path, Path]
) -> None:
    beat_log, worker_log = beat_and_worker
    settings = replace_settings(settings, accounts={"schedule_min_interval_seconds": 1})
    register_account(graph, settings.accounts, AWS)
    # a paused schedule beside the live one: beat must never send it
    register_account(graph, settings.accounts, GCP)
    set_schedule(graph, settings.accounts, "gcp:shop-prod-1", "@every 1s")
    set_paused(graph, "gcp:shop-prod-1", True)
    set_schedule(graph, settings.accounts, "aws:123456789012", "@every 3s", ("eu-west-1",))
    deadline = time.monotonic() + 120
    jobs: list[dict[str, object]] = []
    while time.monotonic() < deadline and not jobs:
        rows = graph.read("MATCH (j:Job) RETURN j.id AS id, j.started_by AS by, j.provider AS provider")
        jobs = [dict(r) for r in rows]
        time.sleep(0.5)
    if not jobs:
        raise AssertionError(
            "no job started\nbeat:\n" + beat_log.read_text()[-3000:] + "\nworker:\n" + worker_log.read_text()[-3000:]
        )
    assert {j["by"] for j in jobs} == {"schedule:aws:123456789012"}
    assert {j["provider"] for j in jobs} == {"aws"}
    item = get_schedule(graph, "aws:123456789012")
    assert item.last_run_at is not None
    # the job id is the task id beat recorded on the schedule (the newest job may still be on its way)
    recorded = graph.read(
        "MATCH (s:Schedule {id: 'aws:123456789012'}), (j:Job) WHERE j.id = s.last_task_id RETURN count(j) AS c"
    )
    for _ in range(40):
        if recorded[0]["c"] == 1:
            break
        time.sleep(0.5)
        recorded = graph.read(
            "MATCH (s:Schedule {id: 'aws:123456789012'}), (j:Job) WHERE j.id = s.last_task_id RETURN count(j) AS c"
        )
    assert recorded[0]["c"] == 1
    assert "schedule aws:123456789012 loaded" in beat_log.read_text()
    assert "gcp:shop-prod-1" not in beat_log.read_text()
