"""Settings validation and the CLI's one-line errors for expected failures (no tracebacks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.docs import CONFIGURATION, configuration_markdown
from core.errors import ConfigError
from core.settings import AREAS, ENV_NAMES, Neo4jSettings, Settings, load_settings, settings_table

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_defaults_and_standard_variable_names() -> None:
    s = load_settings({})
    assert s.neo4j.uri == "bolt://127.0.0.1:7687"
    assert s.neo4j.bolt_address == ("127.0.0.1", 7687)
    assert s.redis.address == ("127.0.0.1", 6379)
    assert s.neo4j_dir == s.data_dir / "neo4j"
    assert ENV_NAMES["neo4j.password"] == "NEO4J_PASSWORD"
    assert ENV_NAMES["redis.url"] == "REDIS_URL"
    assert ENV_NAMES["aws.endpoint_url"] == "AWS_ENDPOINT_URL"
    assert ENV_NAMES["api.port"] == "AIDISCOVER_API_PORT"
    assert ENV_NAMES["data_dir"] == "AIDISCOVER_DATA_DIR"


def test_environment_overrides_and_region_lists() -> None:
    s = load_settings(
        {"NEO4J_URI": "bolt://db:7000", "AIDISCOVER_AWS_REGIONS": "us-east-1, eu-west-1", "AWS_REGION": "eu-west-1"}
    )
    assert s.neo4j.bolt_address == ("db", 7000)
    assert s.aws.regions == ("us-east-1", "eu-west-1")
    assert s.aws.default_region == "eu-west-1"


def test_each_area_reads_its_variables_under_their_old_names() -> None:
    s = load_settings(
        {
            "AIDISCOVER_AUTH": "off",
            "AIDISCOVER_QUERY_TIMEOUT_SECONDS": "7.5",
            "AIDISCOVER_NL_ROW_CAP": "12",
            "AIDISCOVER_JOB_REAP_INTERVAL": "5",
            "AIDISCOVER_HISTORY_ENABLED": "false",
            "AIDISCOVER_SECRETS_REDIS_URL": "redis://secrets:6379/2",
            "AIDISCOVER_LOG_LEVEL": "debug",
            "AIDISCOVER_DATA_DIR": "/srv/aidiscover",
        }
    )
    assert s.auth.mode == "off"
    assert s.neo4j.query_timeout_seconds == 7.5
    assert s.llm.row_cap == 12
    assert (s.jobs.reap_interval, s.jobs.history_enabled) == (5, False)
    assert s.redis.secrets_url == "redis://secrets:6379/2"
    assert s.log.level == "DEBUG"
    assert s.redis_dir == Path("/srv/aidiscover/redis")


def test_only_the_documented_names_are_read() -> None:
    s = load_settings(
        {
            "AIDISCOVER_MODE": "off",
            "AIDISCOVER_API_DEBUG": "true",
            "AIDISCOVER_REDIS_URL": "redis://elsewhere:6379/0",
            "AIDISCOVER_LLM_QUERY_TIMEOUT": "1",
            "AIDISCOVER_NEO4J_USER": "someone",
        }
    )
    assert (s.auth.mode, s.api.debug, s.redis.url) == ("required", False, "redis://127.0.0.1:6379/0")
    assert (s.llm.query_timeout, s.neo4j.user) == (15.0, "neo4j")


def test_an_area_refuses_a_keyword_instead_of_ignoring_it() -> None:
    """``uri`` reads NEO4J_URI: given by its field name it used to be dropped silently, leaving the default."""
    with pytest.raises(ValidationError, match="uri"):
        Neo4jSettings(uri="bolt://elsewhere:7687")
    with pytest.raises(ValidationError, match="heep"):
        Neo4jSettings(heep="2g")
    assert Neo4jSettings(NEO4J_URI="bolt://elsewhere:7687").uri == "bolt://elsewhere:7687"
    assert Neo4jSettings(heap="2g").heap == "2g"


def test_every_documented_variable_maps_to_exactly_one_area_field() -> None:
    documented = [line.split("`")[1] for line in CONFIGURATION.read_text().splitlines() if line.startswith("| `")]
    assert len(documented) == len(set(documented)), "a variable is listed twice in docs/configuration.md"
    fields_of: dict[str, list[str]] = {}
    for key, variable in ENV_NAMES.items():
        fields_of.setdefault(variable, []).append(key)
    assert sorted(documented) == sorted(fields_of), "docs/configuration.md and the settings areas disagree"
    shared = {variable: keys for variable, keys in fields_of.items() if len(keys) > 1}
    assert not shared, f"variables read by more than one field: {shared}"
    for key in ENV_NAMES:
        area, _, name = key.rpartition(".")
        owner = getattr(load_settings({}), area) if area else load_settings({})
        assert name in type(owner).model_fields, f"{key} is not a field of its area"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NEO4J_URI": "http://x:1"}, "NEO4J_URI='http://x:1' is invalid"),
        ({"AIDISCOVER_API_PORT": "eighty"}, "AIDISCOVER_API_PORT='eighty' is invalid"),
        ({"REDIS_URL": "localhost"}, "REDIS_URL='localhost' is invalid"),
        ({"AWS_ENDPOINT_URL": "127.0.0.1:5000"}, "AWS_ENDPOINT_URL='127.0.0.1:5000' is invalid"),
        ({"AIDISCOVER_NEO4J_HEAP": "lots"}, "AIDISCOVER_NEO4J_HEAP='lots' is invalid"),
        ({"AIDISCOVER_NEO4J_TX_LOG_RETENTION": "forever"}, "AIDISCOVER_NEO4J_TX_LOG_RETENTION='forever' is invalid"),
        ({"AIDISCOVER_AUTH": "maybe"}, "AIDISCOVER_AUTH='maybe' is invalid"),
        ({"AIDISCOVER_NL_ROW_CAP": "0"}, "AIDISCOVER_NL_ROW_CAP='0' is invalid"),
        ({"AIDISCOVER_JOB_STALL_SECONDS": "1"}, "AIDISCOVER_JOB_STALL_SECONDS='1' is invalid"),
        ({"AIDISCOVER_LOG_FORMAT": "xml"}, "AIDISCOVER_LOG_FORMAT='xml' is invalid"),
        ({"AIDISCOVER_METRICS_TOKEN": "short"}, "AIDISCOVER_METRICS_TOKEN=*** is invalid"),
        ({"AIDISCOVER_JWT_SECRET": ""}, None),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], expected: str | None) -> None:
    if expected is None:
        load_settings(env)
        return
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    assert expected in str(err.value)
    assert str(err.value).endswith(f"fix or unset {expected.split('=')[0]}")
    assert "\n" not in str(err.value)


def test_secret_values_are_never_echoed() -> None:
    assert "hunter2" not in repr(load_settings({"NEO4J_PASSWORD": "hunter2"}))


def test_settings_table_covers_every_field() -> None:
    assert [row.env for row in settings_table()] == list(ENV_NAMES.values())
    assert {row.area for row in settings_table()} == {"", *AREAS}


def test_configuration_page_lists_every_variable() -> None:
    page = CONFIGURATION.read_text()
    missing = [name for name in ENV_NAMES.values() if f"| `{name}` |" not in page]
    assert not missing, f"docs/configuration.md's table lacks {missing}"
    assert page == configuration_markdown(), "run `make docs`: docs/configuration.md drifted from core/settings/"


def test_cli_bad_setting_is_one_line_without_traceback() -> None:
    result = run_cli("config", env={"NEO4J_URI": "http://nope"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: NEO4J_URI='http://nope' is invalid")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [("demo",), ("demo", "--no-serve"), ("demo-estate", "--size", "M")])
def test_cli_demo_is_not_in_the_product_and_says_make_demo_in_one_line(command: tuple[str, ...]) -> None:
    """The demo needs the development clouds, which the installed product does not ship."""
    result = run_cli(*command)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: `aidiscover {command[0]}` is not part of the installed product")
    assert "from a source checkout with `make demo`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.redis
def test_cli_unreachable_aws_endpoint_is_one_line(settings: Settings) -> None:
    port = free_port()
    result = run_cli(
        "discover",
        "aws",
        "--region",
        "us-east-1",
        env={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: AWS endpoint http://127.0.0.1:{port} does not answer (EndpointConnectionError): start it, "
        "or fix AWS_ENDPOINT_URL / your network"
    )


def test_cli_wrong_neo4j_password_is_one_line(moto: object, settings: Settings) -> None:
    env = {"NEO4J_PASSWORD": "definitely-wrong", "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"]}
    result = run_cli("discover", "aws", "--region", "us-east-1", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"error: Neo4j at {settings.neo4j.uri} rejected the credentials of user 'neo4j': "
        "set NEO4J_USER / NEO4J_PASSWORD to the database's ones"
    )


def test_cli_neo4j_down_is_one_line(moto: object) -> None:
    env = {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"]}
    result = run_cli("discover", "aws", "--region", "us-east-1", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "does not answer" in result.stderr
    assert "aidiscover services up" in result.stderr


def test_cli_serve_refuses_a_taken_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_cli("serve", env={"AIDISCOVER_API_PORT": str(port)})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: 127.0.0.1:{port} is in use by another program: stop it, or set AIDISCOVER_API_PORT"
    )
