"""docker-compose.yml and the Dockerfile, checked against the code they configure.

There is no Docker engine where these tests run, so the files are kept honest by reading them: every
value that must agree with the settings module, the CLI, pyproject.toml or the Maven pom is compared
with the value read from that file, not with a copy of it.
"""

from __future__ import annotations

import fnmatch
import http.server
import json
import re
import shlex
import subprocess
import sys
import threading
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import import_module
from operator import attrgetter
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from app.cli import build_parser
from core.settings import DEFAULT_NEO4J_PASSWORD, ENV_NAMES, PROJECT_ROOT, Settings, load_settings
from graph.server.neo4j_hardening import (
    ALLOWLIST_SETTING,
    FORBIDDEN_PROCEDURE_PREFIXES,
    HARDENING,
    IMPORT_DIR_SETTING,
    UNRESTRICTED_SETTING,
    docker_env_name,
)

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
POM = PROJECT_ROOT / "graph" / "server" / "pom.xml"

APP_SERVICES = ("api", "worker", "beat")
INFRA_SERVICES = ("neo4j", "redis")
# Credential variables boto3 reads itself; the settings module deliberately never holds them.
AWS_CREDENTIAL_VARS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
SETTINGS_VARS = frozenset(ENV_NAMES.values())
FIELD_BY_VAR = {var: field for field, var in ENV_NAMES.items()}
# Variables the official neo4j image reads: the two it documents plus neo4j.conf keys as NEO4J_<key>.
NEO4J_IMAGE_VAR = re.compile(r"^(NEO4J_AUTH|NEO4J_PLUGINS|NEO4J_(dbms|server|db|internal)_[A-Za-z0-9_]+)$")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?msg} ... as compose interpolates them.
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}")


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = compose["services"]
    assert isinstance(result, dict)
    return result


@pytest.fixture(scope="module")
def defaults() -> Settings:
    """Settings with every default: the machine's environment must not leak in."""
    return load_settings({})


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "- NAME=value" form
        pairs = (item.partition("=") for item in env)
        return {name: (value if sep else None) for name, sep, value in pairs}
    assert isinstance(env, dict)
    return {str(k): (None if v is None else str(v)) for k, v in env.items()}


def _resolve(value: str) -> str:
    """Interpolate like compose does when no variable is set in the shell: ``${X:-d}`` -> ``d``."""

    def repl(match: re.Match[str]) -> str:
        assert match["op"] in (":-", "-"), f"{match[0]} has no default; compose would fail without it"
        return match["arg"]

    return INTERPOLATION.sub(repl, value)


def _resolved_env(service: dict[str, Any]) -> dict[str, str]:
    """The container environment with an empty shell: pass-through variables (no value) are unset."""
    return {k: _resolve(v) for k, v in _environment(service).items() if v is not None}


def _published(service: dict[str, Any]) -> dict[int, tuple[str, int]]:
    """Container port -> (host address, host port) for a service's short-syntax ``ports``."""
    result: dict[int, tuple[str, int]] = {}
    for spec in service.get("ports", []):
        assert isinstance(spec, str), f"use the quoted short syntax for ports, got {spec!r}"
        parts = spec.split(":")
        assert len(parts) == 3, f"{spec!r} must be HOST_IP:HOST_PORT:CONTAINER_PORT"
        host_ip, host_port, container_port = parts
        result[int(container_port)] = (host_ip, int(host_port))
    return result


def _interpolations(node: object) -> Iterator[re.Match[str]]:
    if isinstance(node, str):
        yield from INTERPOLATION.finditer(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _interpolations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _interpolations(value)


def _pom_property(name: str) -> str:
    root = ET.parse(POM).getroot()  # noqa: S314 - the project's own file
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    value = root.findtext(f"m:properties/m:{name}", namespaces=ns)
    assert value, f"{POM} has no <{name}> property"
    return value.strip()


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, rest = (pending + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a line continuation"
    return instructions


def _instruction(name: str, *, final_stage_only: bool = True) -> list[str]:
    """Arguments of every ``name`` instruction, by default of the final stage (the runtime image)."""
    instructions = _dockerfile_instructions()
    starts = [i for i, (kw, _) in enumerate(instructions) if kw == "FROM"]
    assert starts, "the Dockerfile has no FROM"
    body = instructions[starts[-1] :] if final_stage_only else instructions
    return [rest for kw, rest in body if kw == name]


def _exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), f"{args!r} is not the JSON exec form"
    assert all(isinstance(v, str) for v in value)
    return value


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in _instruction("ENV"):
        for token in shlex.split(args):
            name, sep, value = token.partition("=")
            assert sep, f"use ENV NAME=value, got {token!r}"
            env[name] = value
    return env


# --- services and images ------------------------------------------------------------------------


def test_the_five_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {*INFRA_SERVICES, *APP_SERVICES}


def test_neo4j_image_is_the_release_the_pom_pins(services: dict[str, dict[str, Any]]) -> None:
    major, minor, *_ = _pom_property("neo4j.version").split(".")
    assert services["neo4j"]["image"] == f"neo4j:{major}.{minor}-community"


def test_redis_image(services: dict[str, dict[str, Any]]) -> None:
    assert services["redis"]["image"] == "redis:7-alpine"


def test_neo4j_has_the_local_servers_hardening(services: dict[str, dict[str, Any]]) -> None:
    env = _environment(services["neo4j"])
    for key, value in HARDENING.items():
        assert env.get(docker_env_name(key)) == value, f"{docker_env_name(key)} must be {value!r}, as {key} locally"
    assert env[docker_env_name(IMPORT_DIR_SETTING)] == "/var/lib/neo4j/import"  # the image's empty import dir
    for name in env[docker_env_name(ALLOWLIST_SETTING)].split(","):  # type: ignore[union-attr]
        assert not name.lower().startswith(FORBIDDEN_PROCEDURE_PREFIXES), name


def test_nothing_makes_apoc_unrestricted(services: dict[str, dict[str, Any]]) -> None:
    env = _environment(services["neo4j"])
    assert docker_env_name(UNRESTRICTED_SETTING) not in env
    assert "unrestricted" not in yaml.safe_dump(services["neo4j"]).lower()
    # the image's plugin installer appends dbms.security.procedures.unrestricted=apoc.* for "apoc"
    assert "NEO4J_PLUGINS" not in env
    # the pom keeps APOC equal to Neo4j for the local server's deliberately permissive test instances
    assert _pom_property("apoc.version") == _pom_property("neo4j.version")


def test_neo4j_runs_as_its_own_user(services: dict[str, dict[str, Any]]) -> None:
    neo4j = services["neo4j"]
    assert neo4j["user"] == "7474:7474"  # the image's neo4j user, never root
    assert "no-new-privileges:true" in neo4j["security_opt"]


def test_redis_persists_with_an_append_only_file(services: dict[str, dict[str, Any]], compose: dict[str, Any]) -> None:
    command = services["redis"]["command"]
    assert command[0] == "redis-server"
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options == {"--appendonly": "yes", "--appendfsync": "everysec", "--dir": "/data"}
    [mount] = services["redis"]["volumes"]
    volume, _, path = mount.partition(":")
    assert path == options["--dir"]
    assert volume in compose["volumes"], f"{volume} is a bind mount, not a named volume"


def test_neo4j_keeps_its_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["neo4j"]["volumes"]
    data = [m for m in mounts if m.endswith(":/data")]
    assert len(data) == 1
    volume = data[0].removesuffix(":/data")
    assert volume in compose["volumes"], f"{volume} is a bind mount, not a named volume"


def test_app_services_run_the_image_built_from_the_dockerfile(services: dict[str, dict[str, Any]]) -> None:
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, f"api, worker and beat must share one image, got {images}"
    for name in APP_SERVICES:
        build = services[name]["build"]
        context = build if isinstance(build, str) else build["context"]
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (PROJECT_ROOT / context / dockerfile).resolve() == DOCKERFILE.resolve()


# --- ports --------------------------------------------------------------------------------------


def test_every_published_port_is_bound_to_loopback(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for container_port, (host_ip, _) in _published(service).items():
            assert host_ip == "127.0.0.1", f"{name}:{container_port} is published on {host_ip}"


def test_published_ports_are_the_settings_defaults(services: dict[str, dict[str, Any]], defaults: Settings) -> None:
    def same_port_both_sides(service: str) -> set[int]:
        published = _published(services[service])
        for container_port, (_, host_port) in published.items():
            assert host_port == container_port, f"{service}: host {host_port} != container {container_port}"
        return set(published)

    assert same_port_both_sides("neo4j") == {defaults.neo4j.bolt_address[1], defaults.neo4j.http_port}
    assert same_port_both_sides("redis") == {defaults.redis.address[1]}
    assert same_port_both_sides("api") == {defaults.api.port}
    assert same_port_both_sides("worker") == set()
    assert same_port_both_sides("beat") == set()


# --- environment --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_uses_only_variables_the_code_reads(services: dict[str, dict[str, Any]], name: str) -> None:
    env = _environment(services[name])
    unknown = set(env) - SETTINGS_VARS - AWS_CREDENTIAL_VARS
    assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "REDIS_URL"):
        assert env.get(var), f"{name} does not set {var}"
    passthrough = {"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    for var in passthrough:
        assert var in env, f"{name} does not pass {var} through"
        # no value = taken from the shell if set there, unset otherwise; "" would reach boto3 as a value
        assert env[var] is None, f"{name}: {var} should be a bare pass-through, got {env[var]!r}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_is_valid_and_points_at_the_compose_services(
    services: dict[str, dict[str, Any]], name: str, defaults: Settings
) -> None:
    settings = load_settings(_resolved_env(services[name]))
    neo4j_ports = set(_published(services["neo4j"]))
    redis_ports = set(_published(services["redis"]))
    assert settings.neo4j.bolt_address == ("neo4j", defaults.neo4j.bolt_address[1])
    assert settings.neo4j.bolt_address[1] in neo4j_ports
    assert settings.redis.address == ("redis", defaults.redis.address[1])
    assert settings.redis.address[1] in redis_ports
    assert settings.neo4j.password == DEFAULT_NEO4J_PASSWORD


def test_api_listens_on_all_interfaces_on_the_published_port(
    services: dict[str, dict[str, Any]],
) -> None:
    settings = load_settings(_resolved_env(services["api"]))
    assert settings.api.host == "0.0.0.0"
    assert set(_published(services["api"])) == {settings.api.port}


def test_neo4j_environment_uses_only_variables_the_image_reads(services: dict[str, dict[str, Any]]) -> None:
    for var in _environment(services["neo4j"]):
        assert NEO4J_IMAGE_VAR.match(var), f"the neo4j image does not read {var}"


def test_redis_gets_no_environment(services: dict[str, dict[str, Any]]) -> None:
    assert _environment(services["redis"]) == {}


def test_neo4j_credentials_agree_with_the_app(services: dict[str, dict[str, Any]], defaults: Settings) -> None:
    auth = _environment(services["neo4j"])["NEO4J_AUTH"]
    assert auth is not None
    user, _, password = auth.partition("/")
    api_env = _environment(services["api"])
    # the very same expression on both sides, so an overridden NEO4J_PASSWORD reaches both
    assert password == api_env["NEO4J_PASSWORD"]
    match = INTERPOLATION.fullmatch(password)
    assert match is not None, f"NEO4J_AUTH's password {password!r} should be ${{NEO4J_PASSWORD:-...}}"
    assert match["name"] == "NEO4J_PASSWORD"
    assert match["op"] == ":-"
    assert match["arg"] == DEFAULT_NEO4J_PASSWORD
    assert len(DEFAULT_NEO4J_PASSWORD) >= 8, "Neo4j 5 rejects initial passwords shorter than 8 characters"
    assert user == api_env["NEO4J_USER"] == defaults.neo4j.user


def test_interpolated_variables_are_settings_with_their_defaults(compose: dict[str, Any], defaults: Settings) -> None:
    found = list(_interpolations(compose))
    assert found, "expected ${NEO4J_PASSWORD:-...} at least"
    for match in found:
        name = match["name"]
        assert name in SETTINGS_VARS, f"{match[0]}: {name} is not a variable core/settings/ reads"
        if match["op"] in (":-", "-"):
            expected = attrgetter(FIELD_BY_VAR[name])(defaults)
            assert match["arg"] == str(expected), f"{match[0]}: the settings default is {expected!r}"


# --- commands, dependencies, health -------------------------------------------------------------


@pytest.mark.parametrize("name", APP_SERVICES)
def test_command_is_a_real_subcommand(services: dict[str, dict[str, Any]], name: str) -> None:
    command = services[name]["command"]
    assert isinstance(command, list), "use the exec (list) form for command"
    try:
        args = build_parser().parse_args(command)
    except SystemExit:
        pytest.fail(f"`aidiscover {shlex.join(command)}` is not accepted by app.cli")
    assert args.command == {"api": "serve", "worker": "worker", "beat": "beat"}[name]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_neo4j_and_redis(services: dict[str, dict[str, Any]], name: str) -> None:
    assert services[name]["depends_on"] == {
        "neo4j": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_infrastructure_has_healthchecks(services: dict[str, dict[str, Any]], defaults: Settings) -> None:
    redis_test = services["redis"]["healthcheck"]["test"]
    assert redis_test == ["CMD", "redis-cli", "ping"]
    neo4j_test = services["neo4j"]["healthcheck"]["test"]
    assert neo4j_test[0] in ("CMD", "CMD-SHELL")
    joined = " ".join(neo4j_test[1:])
    assert "cypher-shell" in joined or f"127.0.0.1:{defaults.neo4j.http_port}" in joined


def test_image_healthcheck_is_disabled_where_nothing_serves_http(services: dict[str, dict[str, Any]]) -> None:
    # the Dockerfile's HEALTHCHECK probes the API's /health; worker and beat would never become healthy
    assert "healthcheck" not in services["api"]
    for name in ("worker", "beat"):
        assert services[name]["healthcheck"] == {"disable": True}


# --- Dockerfile ---------------------------------------------------------------------------------


def test_entrypoint_is_the_console_script(pyproject: dict[str, Any]) -> None:
    (entrypoint,) = _instruction("ENTRYPOINT")
    scripts = pyproject["project"]["scripts"]
    assert _exec_form(entrypoint) == ["aidiscover"]
    assert "aidiscover" in scripts
    module, _, attr = scripts["aidiscover"].partition(":")
    assert callable(getattr(import_module(module), attr))


def test_default_command_is_serve() -> None:
    (cmd,) = _instruction("CMD")
    command = _exec_form(cmd)
    assert command == ["serve"]
    assert build_parser().parse_args(command).command == "serve"


def test_base_image_satisfies_requires_python(pyproject: dict[str, Any]) -> None:
    froms = [args.split() for args in _instruction("FROM", final_stage_only=False)]
    stages = {words[2] for words in froms if len(words) == 3 and words[1].upper() == "AS"}
    images = {words[0] for words in froms if words[0] not in stages}
    assert images == {"python:3.11-slim"}
    (image,) = images
    version = image.partition(":")[2].removesuffix("-slim")
    assert SpecifierSet(pyproject["project"]["requires-python"]).contains(version)


def test_runs_as_a_non_root_user() -> None:
    users = _instruction("USER")
    assert users, "the runtime stage has no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_exposes_the_api_port(defaults: Settings) -> None:
    exposed = {int(port.split("/")[0]) for args in _instruction("EXPOSE") for port in args.split()}
    assert exposed == {defaults.api.port}


def test_image_environment_uses_settings_variables(defaults: Settings) -> None:
    env = _dockerfile_env()
    app_vars = {k: v for k, v in env.items() if k.startswith("AIDISCOVER_")}
    assert set(app_vars) <= SETTINGS_VARS
    settings = load_settings(app_vars)
    assert settings.api.host == "0.0.0.0", "the API must listen beyond the container's loopback"
    assert settings.api.port == defaults.api.port


def test_installs_every_package_pyproject_ships(pyproject: dict[str, Any]) -> None:
    sources: set[str] = set()
    for args in _instruction("COPY", final_stage_only=False):
        if args.startswith("--from"):
            continue
        *srcs, _dest = args.split()
        sources.update(s.rstrip("/") for s in srcs)
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages <= sources, f"not copied into the build: {sorted(packages - sources)}"
    assert {"pyproject.toml", pyproject["project"]["readme"]} <= sources
    assert any(args.split()[-1] == "." for args in _instruction("RUN", final_stage_only=False) if "pip install" in args)
    excluded = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    patterns = [p for p in excluded if p and not p.startswith("#")]
    for src in sources:
        assert not any(fnmatch.fnmatch(src, p) for p in patterns), f".dockerignore hides {src}"
    for needed in (".venv", ".data", ".git"):
        assert needed in patterns


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _run_healthcheck(port: int) -> int:
    (args,) = _instruction("HEALTHCHECK")
    _options, sep, cmd = args.partition("CMD ")
    assert sep, "HEALTHCHECK has no CMD"
    argv = _exec_form(cmd)
    assert argv[0] == "python", "slim images have no curl; probe with python"
    # the Dockerfile's own probe, run with this interpreter
    return subprocess.run(
        [sys.executable, *argv[1:]],
        env={"AIDISCOVER_API_PORT": str(port)},
        capture_output=True,
        timeout=30,
        check=False,
    ).returncode


def test_image_healthcheck_probes_health_and_fails_when_nothing_answers() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert _run_healthcheck(port) == 0
    finally:
        server.shutdown()
        server.server_close()
    assert _run_healthcheck(port) != 0


# --- web/static ships in the wheel the image installs -----------------------------------------------


def test_static_files_are_package_data(pyproject: dict[str, Any]) -> None:
    from web import STATIC_DIR

    files = [p.relative_to(STATIC_DIR.parent).as_posix() for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert files
    globs = pyproject["tool"]["setuptools"].get("package-data", {}).get("web", [])
    for name in files:
        assert any(fnmatch.fnmatch(name, g) for g in globs), f"{name} is not package data"
