"""The local Neo4j Community server: jars from Maven, a generated neo4j.conf, a detached JVM.

Layout under ``settings.neo4j_dir`` (the "home")::

    lib/        every runtime jar, from `mvn dependency:copy-dependencies` on graph/server/pom.xml;
                lib/.pom.sha256 records which pom they came from, so Maven runs again only when it changes
    plugins/    apoc-core and apoc-common (APOC must be in the plugin dir and on the classpath); the
                procedure allowlist registers none of it, unless ``extra_settings`` lifts the hardening
    conf/       neo4j.conf, rewritten from the settings at every start, with the hardening of
                ``graph.server.neo4j_hardening`` (no file URLs, no URL access, no APOC)
    import/     LOAD CSV's file root: created empty and emptied at every start
    data/       the databases; its initial password is set from NEO4J_PASSWORD before the first start
    logs/       neo4j.log, debug.log, ... and console.log (the JVM's stdout and stderr)
    run/        neo4j.pid

``start()`` is idempotent and returns once Bolt accepts the configured credentials.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from core.errors import Neo4jAuthError, PortInUseError, ServiceError, ServiceStartTimeout, ToolMissingError
from core.settings import Neo4jSettings
from graph.server import processes
from graph.server.neo4j_conf import IMPORT_DIR_NAME, empty_import_dir, render_conf
from graph.server.neo4j_hardening import check_conf_settings
from graph.server.os_user import ServiceUser, check_access, give_to, service_user

log = logging.getLogger(__name__)

POM = Path(__file__).resolve().parent / "pom.xml"
STAMP_NAME = ".pom.sha256"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
RUN_AS_VARIABLE = "AIDISCOVER_NEO4J_RUN_AS"
APOC_JARS = ("apoc-core-*.jar", "apoc-common-*.jar")
MAVEN_TIMEOUT = 1800.0
STOP_GRACE = 30.0
# The only variables of ours the Neo4j process gets (plus LC_*); see Neo4jServer._server_env.
SERVER_ENV = frozenset({"PATH", "LANG", "TZ", "TMPDIR", "JAVA_HOME"})
JVM_OPENS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


def pom_digest() -> str:
    """sha256 of graph/server/pom.xml: the stamp that says which pom lib/ was resolved from."""
    return hashlib.sha256(POM.read_bytes()).hexdigest()


class Neo4jServer:
    """Resolve, configure, start, stop and inspect the local Neo4j of one ``Neo4jSettings``."""

    def __init__(
        self, settings: Neo4jSettings, home: Path, extra_settings: Mapping[str, str | None] | None = None
    ) -> None:
        """A server whose home (jars, conf, data, logs) is ``home`` (``Settings.neo4j_dir``).

        ``extra_settings`` adds or overrides neo4j.conf settings (None drops one); they are checked now.

        The product never passes any: they exist so a test can start a server without the hardening.
        """
        self.settings = settings
        self.extra_settings: Mapping[str, str | None] = dict(extra_settings or {})
        check_conf_settings(self.extra_settings)
        self.home = home.resolve()
        self.lib = self.home / "lib"
        self.plugins = self.home / "plugins"
        self.conf_dir = self.home / "conf"
        self.data = self.home / "data"
        self.import_dir = self.home / IMPORT_DIR_NAME
        self.logs = self.home / "logs"
        self.pidfile = self.home / "run" / "neo4j.pid"
        self.neo4j_log = self.logs / "neo4j.log"
        self.console_log = self.logs / "console.log"

    # --- addresses -----------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return self.settings.uri

    @property
    def http_url(self) -> str:
        return f"http://{self.settings.bolt_address[0]}:{self.settings.http_port}"

    # --- tools ---------------------------------------------------------------------------------
    def java(self) -> str:
        """Path of the java executable: $JAVA_HOME/bin/java, else `java` on PATH."""
        if self.settings.java_home is not None:
            candidate = self.settings.java_home / "bin" / "java"
            if not os.access(candidate, os.X_OK):
                raise ToolMissingError(
                    f"JAVA_HOME={self.settings.java_home} has no bin/java; point it at a JDK 17 or 21, or unset it"
                )
            return str(candidate)
        found = shutil.which("java")
        if found is None:
            raise ToolMissingError(
                "java is not installed: apt-get install openjdk-17-jre-headless, or set JAVA_HOME to a JDK 17"
            )
        return found

    def _env(self) -> dict[str, str]:
        """Maven's environment: ours (proxies, ~/.m2, MAVEN_OPTS) without the Neo4j password."""
        env = {k: v for k, v in os.environ.items() if k not in {"NEO4J_PASSWORD", "NEO4J_AUTH"}}
        return self._neo4j_vars(env)

    def _server_env(self) -> dict[str, str]:
        """The JVM's and neo4j-admin's environment: a few harmless variables, never ours.

        Whoever starts the services may hold the API's secrets in the environment (AIDISCOVER_SECRET_KEY,
        the LLM key, cloud credentials); a Neo4j that inherited them would hold them in its own
        /proc/<pid>/environ.
        """
        env = {k: v for k, v in os.environ.items() if k in SERVER_ENV or k.startswith("LC_")}
        env["HOME"] = str(self.home)
        return self._neo4j_vars(env)

    def _neo4j_vars(self, env: dict[str, str]) -> dict[str, str]:
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.conf_dir)
        if self.settings.java_home is not None:
            env["JAVA_HOME"] = str(self.settings.java_home)
        return env

    # --- resolve -------------------------------------------------------------------------------
    def lib_is_current(self, digest: str | None = None) -> bool:
        """True when lib/ holds jars resolved from the current pom."""
        stamp = self.lib / STAMP_NAME
        try:
            recorded = stamp.read_text(encoding="ascii").strip()
        except OSError:
            return False
        return recorded == (digest or pom_digest()) and any(self.lib.glob("neo4j-kernel-*.jar"))

    def resolve(self) -> bool:
        """Fetch Neo4j's jars with Maven unless lib/ is current; True when Maven ran."""
        digest = pom_digest()
        if self.lib_is_current(digest):
            self._install_plugins()
            return False
        self.java()  # Maven needs it too; say so in our words
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ToolMissingError("mvn is not installed: apt-get install maven (it fetches Neo4j's jars once)")
        partial = self.home / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        log.info("resolving Neo4j's jars with Maven into %s (only when graph/server/pom.xml changes)", self.lib)
        started = time.monotonic()
        output = self._run_maven(mvn, partial)
        if not any(partial.glob("neo4j-kernel-*.jar")):
            raise ServiceError(
                f"Maven finished but {partial} holds no neo4j-kernel jar: {processes.tail_text(output)}; check {POM}"
            )
        (partial / STAMP_NAME).write_text(digest + "\n", encoding="ascii")
        self._replace_lib(partial)
        self._install_plugins()
        log.info("resolved %d jars in %.1f s", len(list(self.lib.glob("*.jar"))), time.monotonic() - started)
        return True

    def _run_maven(self, mvn: str, output_dir: Path) -> str:
        argv = [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={output_dir}",
        ]
        try:
            proc = subprocess.run(
                argv, capture_output=True, text=True, timeout=MAVEN_TIMEOUT, env=self._env(), check=False
            )
        except subprocess.TimeoutExpired:
            raise ServiceError(
                f"Maven did not finish resolving Neo4j's jars within {MAVEN_TIMEOUT:.0f} s; "
                "check network access to Maven Central and run `aidiscover services up` again"
            ) from None
        output = (proc.stdout or "") + "\n" + (proc.stderr or "")
        if proc.returncode != 0:
            raise ServiceError(
                f"Maven could not resolve Neo4j's jars (exit {proc.returncode}): {processes.tail_text(output)}; "
                f"check network access to Maven Central, or run `mvn -f {POM} dependency:copy-dependencies`"
            )
        return output

    def _replace_lib(self, partial: Path) -> None:
        if self.lib.is_symlink() or self.lib.is_file():
            self.lib.unlink()
        elif self.lib.exists():
            shutil.rmtree(self.lib)
        partial.rename(self.lib)

    def _install_plugins(self) -> None:
        """Copy APOC from lib/ into plugins/, replacing APOC jars of another version."""
        self.plugins.mkdir(parents=True, exist_ok=True)
        wanted = {jar.name: jar for pattern in APOC_JARS for jar in self.lib.glob(pattern)}
        for present in self.plugins.glob("apoc-*.jar"):
            if present.name not in wanted:
                present.unlink()
        for name, jar in wanted.items():
            if not (self.plugins / name).exists():
                shutil.copy2(jar, self.plugins / name)

    # --- configure -----------------------------------------------------------------------------
    @property
    def conf_file(self) -> Path:
        return self.conf_dir / "neo4j.conf"

    def render(self) -> str:
        """The neo4j.conf this server is started with."""
        return render_conf(self.settings, self.home, self.extra_settings)

    def run_as(self) -> ServiceUser | None:
        """The OS user Neo4j runs as (AIDISCOVER_NEO4J_RUN_AS, created when missing); None: our own."""
        return service_user(self.settings.run_as, RUN_AS_VARIABLE)

    def configure(self, user: ServiceUser | None = None) -> None:
        """Write conf/neo4j.conf, empty the import directory; set the initial password when the data is new.

        With a ``user``, data/ and logs/ become its own; conf/, lib/, plugins/ and import/ stay ours and
        read-only to it (Neo4j cannot rewrite its settings nor put a file where LOAD CSV looks).
        """
        for directory in (self.conf_dir, self.data, self.logs, self.plugins, self.pidfile.parent):
            directory.mkdir(parents=True, exist_ok=True)
        self.conf_file.write_text(self.render(), encoding="utf-8")
        empty_import_dir(self.import_dir)
        if user is not None:
            give_to(user, (self.data, self.logs))
            check_access(
                user, readable=(self.home, self.lib, self.plugins, self.conf_file), writable=(self.data, self.logs)
            )
        if not (self.data / "databases" / "system").exists():
            self._set_initial_password(user)

    def _warn_if_conf_is_stale(self, pid: int) -> None:
        try:
            current = self.conf_file.read_text(encoding="utf-8")
        except OSError:
            current = ""
        if current != self.render():
            log.warning(
                "Neo4j (pid %s) runs with an older neo4j.conf than the settings give (e.g. without the "
                "current hardening); run `aidiscover services down` then `aidiscover services up` to apply it",
                pid,
            )

    def _set_initial_password(self, user: ServiceUser | None) -> None:
        password = self.settings.password
        log.info("new data directory %s: setting the initial password from NEO4J_PASSWORD", self.data)
        argv = [self.java(), "-cp", f"{self.lib}/*", ADMIN_TOOL, "dbms", "set-initial-password", password]
        proc = subprocess.run(  # argv holds the password: never log it
            argv,
            capture_output=True,
            text=True,
            timeout=120,
            env=self._server_env(),
            cwd=self.home,
            check=False,
            user=None if user is None else user.uid,
            group=None if user is None else user.gid,
            extra_groups=None if user is None else [],
        )
        if proc.returncode != 0:
            output = processes.tail_text(proc.stdout + "\n" + proc.stderr, 3, redact=[password])
            raise ServiceError(
                f"neo4j-admin could not set the initial password (exit {proc.returncode}): {output}; "
                "NEO4J_PASSWORD must be at least 8 characters"
            )

    # --- process -------------------------------------------------------------------------------
    def _argv(self) -> list[str]:
        heap = self.settings.heap
        classpath = f"{self.plugins}/*:{self.lib}/*"
        return [
            self.java(),
            f"-Xmx{heap}",
            f"-Xms{heap}",
            *JVM_OPENS,
            *JVM_FLAGS,
            "-cp",
            classpath,
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
        ]

    def running_pid(self) -> int | None:
        """Pid of our live Neo4j, or None (a stale pidfile is left alone; see ``_live_pid``)."""
        pid = processes.read_pid(self.pidfile)
        if pid is not None and processes.is_our_process(pid, argv=(ENTRY_POINT, f"--home-dir={self.home}")):
            return pid
        return None

    def _live_pid(self) -> int | None:
        """Like ``running_pid`` but removes a stale pidfile, with a log line."""
        return processes.drop_stale_pidfile(self.pidfile, self.running_pid(), f"Neo4j of {self.home}")

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        """Serialise start and stop between processes sharing this home."""
        return processes.dir_lock(self.home)

    def _check_ports(self) -> None:
        host, bolt_port = self.settings.bolt_address
        for port, variable in ((bolt_port, "NEO4J_URI"), (self.settings.http_port, "AIDISCOVER_NEO4J_HTTP_PORT")):
            if processes.port_held(host, port):
                raise PortInUseError(
                    f"{host}:{port} is already in use by another program (not the Neo4j of {self.home}); "
                    f"stop that program or change {variable}"
                )

    def start(self) -> float | None:
        """Start Neo4j and wait for Bolt; seconds taken, or None when it was already running."""
        with self._locked():
            pid = self._live_pid()
            if pid is not None:
                log.info("Neo4j already running (pid %s, home %s)", pid, self.home)
                self._warn_if_conf_is_stale(pid)
                self._wait_ready(pid, stop_on_timeout=False)
                return None
            started = time.monotonic()
            self._check_ports()
            self.resolve()
            user = self.run_as()
            self.configure(user)
            pid = processes.spawn_detached(
                self._argv(),
                self.console_log,
                cwd=self.home,
                env=self._server_env(),
                user=None if user is None else (user.uid, user.gid),
            )
            if user is not None:
                log.info("Neo4j runs as the OS user %s", user.name)
            processes.write_pid(self.pidfile, pid)
            log.info("started Neo4j (pid %s, home %s); waiting for %s", pid, self.home, self.uri)
            self._wait_ready(pid, stop_on_timeout=True)
            seconds = time.monotonic() - started
            log.info("Neo4j ready at %s in %.1f s", self.uri, seconds)
            return seconds

    def _log_tail(self) -> str:
        text = f"last lines of {self.neo4j_log}: {processes.tail(self.neo4j_log, 3)}"
        console = processes.tail(self.console_log, 3)
        if console not in {"(empty)", "(no log yet)"}:
            text += f" | console: {console}"
        return text

    def _wait_ready(self, pid: int, *, stop_on_timeout: bool) -> None:
        timeout = self.settings.start_timeout
        deadline = time.monotonic() + timeout
        host, http_port = self.settings.bolt_address[0], self.settings.http_port
        auth = (self.settings.user, self.settings.password)
        with GraphDatabase.driver(self.uri, auth=auth, connection_timeout=2.0) as driver:
            while True:
                if not processes.pid_alive(pid):
                    processes.remove_pid(self.pidfile)
                    raise ServiceError(
                        f"Neo4j (pid {pid}) exited while starting; {self._log_tail()}; "
                        "fix the cause and run `aidiscover services up` again"
                    )
                # Bolt opens before HTTP; "started" means both answer and Bolt takes our credentials.
                if processes.port_listening(host, http_port) and self._accepts(driver):
                    return
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.25)
        if stop_on_timeout:
            processes.terminate(pid, STOP_GRACE)
            processes.remove_pid(self.pidfile)
        raise ServiceStartTimeout(
            f"Neo4j did not accept Bolt connections at {self.uri} within {timeout:.0f} s"
            f"{' (stopped it)' if stop_on_timeout else ''}; {self._log_tail()}; "
            "read that log, or raise AIDISCOVER_NEO4J_START_TIMEOUT on a slow machine"
        )

    def _accepts(self, driver: Driver) -> bool:
        """True when Bolt accepts our credentials; Neo4jAuthError when it rejects them."""
        try:
            driver.verify_connectivity()
        except AuthError:
            raise Neo4jAuthError(
                f"Neo4j at {self.uri} rejected the password for user {self.settings.user}: "
                f"NEO4J_PASSWORD differs from the one {self.data} was created with; set it back, "
                f"or run `aidiscover services down` and delete {self.data} to start empty"
            ) from None
        except (DriverError, Neo4jError, OSError) as exc:
            log.debug("Bolt not ready yet: %s", exc)
            return False
        return True

    def stop(self) -> bool:
        """Stop our Neo4j (SIGTERM, then SIGKILL after 30 s); True when one was running."""
        with self._locked():
            pid = self._live_pid()
            if pid is None:
                return False
            log.info("stopping Neo4j (pid %s)", pid)
            started = time.monotonic()
            if processes.terminate(pid, STOP_GRACE):
                log.warning("Neo4j (pid %s) had to be killed; it will recover its store on next start", pid)
            processes.remove_pid(self.pidfile)
            log.info("Neo4j stopped in %.1f s", time.monotonic() - started)
            return True

    def port_holder_note(self) -> str | None:
        """A note when Neo4j is not ours but something listens on its Bolt or HTTP port."""
        host, bolt_port = self.settings.bolt_address
        for port in (bolt_port, self.settings.http_port):
            if processes.port_listening(host, port):
                return f"{host}:{port} is held by another program"
        return None
