"""The local Neo4j as an OS user of its own (AIDISCOVER_NEO4J_RUN_AS), when `services up` runs as root.

The server is started without Neo4j's own restrictions (file URLs allowed) to show what the separate user
alone stops: reading a file only its owner may read (the API's jwt-secret) and another process's
/proc/<pid>/environ (the API's secrets). /etc/passwd, readable by everyone, proves file URLs do work there.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import Neo4jError

from core.errors import ServiceError
from core.settings import Neo4jSettings
from graph.server.os_user import check_access, service_user
from tests.graph.server.neo4j_instances import PERMISSIVE_SETTINGS, free_port, local_neo4j

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(os.geteuid() != 0, reason="only root can start Neo4j as another user"),
]

USER = "aidiscover-neo4j"
SECRET = "only-root-reads-this-7d2a"


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory every user can traverse (pytest's tmp_path is under a root-only folder)."""
    directory = Path(tempfile.mkdtemp(prefix="aidiscover-run-as-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_neo4j_as_its_own_user_cannot_read_our_files_or_environment(
    open_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = open_dir / "jwt-secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    secret.chmod(0o600)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)  # in our environment, which /proc/<our pid>/environ shows
    with (
        local_neo4j(open_dir, free_port(), free_port(), PERMISSIVE_SETTINGS, run_as=USER) as neo4j,
        GraphDatabase.driver(neo4j.uri, auth=neo4j.auth) as driver,
        driver.session() as session,
    ):
        user = pwd.getpwnam(USER)
        pid = neo4j.server.running_pid()
        assert pid is not None
        uids = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
        assert uids.split()[1:] == [str(user.pw_uid)] * 4
        assert neo4j.server.data.stat().st_uid == user.pw_uid
        assert neo4j.server.conf_file.stat().st_uid == 0  # Neo4j cannot rewrite its own settings

        [passwd] = session.run("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1").data()
        assert passwd["line"][0].startswith("root:")  # file URLs work on this server
        for path in (secret, Path(f"/proc/{os.getpid()}/environ")):
            with pytest.raises(Neo4jError) as err:
                session.run(f"LOAD CSV FROM 'file://{path}' AS line RETURN line").data()
            assert SECRET not in str(err.value), path


def test_run_as_refuses_a_home_the_user_cannot_reach(tmp_path: Path) -> None:
    """pytest's tmp_path lies under a folder only root may enter."""
    user = service_user(USER, "AIDISCOVER_NEO4J_RUN_AS")
    assert user is not None
    with pytest.raises(ServiceError, match=r"cannot read .*o\+x"):
        check_access(user, readable=(tmp_path,), writable=())


def test_run_as_our_own_user_is_no_switch() -> None:
    assert service_user("", "AIDISCOVER_NEO4J_RUN_AS") is None
    assert service_user(pwd.getpwuid(os.geteuid()).pw_name, "AIDISCOVER_NEO4J_RUN_AS") is None


def test_run_as_names_are_validated() -> None:
    with pytest.raises(ValueError, match="run_as"):
        Neo4jSettings(run_as="root; rm -rf /")
