"""The Kubernetes manifests (deploy/k8s) and the worker Dockerfile, checked against the code they run.

No cluster runs here, so the manifests are kept honest by reading them: probes point at routes the
app serves, commands are real CLI subcommands, variable names are settings the code reads, images
carry the project's version, and every container has requests and limits. `worker-ping`, the
worker's probe, is run against a real worker process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from app.cli import build_parser, main
from app.server import create_app
from core.settings import ENV_NAMES, PROJECT_ROOT, Settings, load_settings
from graph.neo4j.client import Graph
from graph.server.neo4j_hardening import (
    ALLOWLIST_SETTING,
    FORBIDDEN_PROCEDURE_PREFIXES,
    HARDENING,
    IMPORT_DIR_SETTING,
    UNRESTRICTED_SETTING,
    docker_env_name,
)

K8S = PROJECT_ROOT / "deploy" / "k8s"
VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
SETTINGS_VARS = frozenset(ENV_NAMES.values())
AWS_CREDENTIAL_VARS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
# Variables the official neo4j image reads: NEO4J_AUTH plus neo4j.conf keys as NEO4J_<key>.
NEO4J_IMAGE_VAR = re.compile(r"^(NEO4J_AUTH|NEO4J_(dbms|server|db|internal)_[A-Za-z0-9_]+)$")


def _docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]


@pytest.fixture(scope="module")
def objects() -> dict[tuple[str, str], dict[str, Any]]:
    kustomization = _docs("kustomization.yaml")[0]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), f"kustomization lists missing {resource}"
        for doc in _docs(resource):
            found[(doc["kind"], doc["metadata"]["name"])] = doc
    return found


def _container(objects: dict[tuple[str, str], dict[str, Any]], deployment: str) -> dict[str, Any]:
    (container,) = objects[("Deployment", deployment)]["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


def test_api_worker_and_beat_are_deployed(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    for name in ("aidiscover-api", "aidiscover-worker", "aidiscover-beat"):
        dep = objects[("Deployment", name)]
        assert dep["spec"]["selector"]["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items()


def test_every_container_runs_a_real_subcommand_of_a_versioned_image(
    objects: dict[tuple[str, str], dict[str, Any]],
) -> None:
    images = {
        "aidiscover-api": "aidiscover-api",
        "aidiscover-worker": "aidiscover-worker",
        "aidiscover-beat": "aidiscover-worker",
    }
    commands = {"aidiscover-api": "serve", "aidiscover-worker": "worker", "aidiscover-beat": "beat"}
    for name, image in images.items():
        container = _container(objects, name)
        assert container["image"] == f"{image}:{VERSION}"
        assert build_parser().parse_args(container["args"]).command == commands[name]


def test_api_probes_hit_the_apps_health_and_ready_routes_on_the_served_port(
    objects: dict[tuple[str, str], dict[str, Any]], settings: Settings, session_graph: Graph
) -> None:
    api = _container(objects, "aidiscover-api")
    ports = {p["name"]: p["containerPort"] for p in api["ports"]}
    config = objects[("ConfigMap", "aidiscover-config")]["data"]
    assert ports["http"] == int(config["AIDISCOVER_API_PORT"])
    routes = {getattr(r, "path", None) for r in create_app(settings, session_graph).routes}
    assert api["livenessProbe"]["httpGet"]["path"] == "/health"
    assert api["readinessProbe"]["httpGet"]["path"] == "/ready"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert api[probe]["httpGet"]["path"] in routes
        assert api[probe]["httpGet"]["port"] in ports
    service = objects[("Service", "aidiscover-api")]
    assert service["spec"]["ports"][0]["targetPort"] in ports
    assert (
        service["spec"]["selector"].items()
        <= objects[("Deployment", "aidiscover-api")]["spec"]["template"]["metadata"]["labels"].items()
    )
    annotations = objects[("Deployment", "aidiscover-api")]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] in routes
    assert int(annotations["prometheus.io/port"]) == ports["http"]


def test_worker_probes_are_real_subcommands(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    worker = _container(objects, "aidiscover-worker")
    for probe in ("livenessProbe", "readinessProbe"):
        command = worker[probe]["exec"]["command"]
        assert command[0] == "aidiscover"
        assert build_parser().parse_args(command[1:]).command == "worker-ping"


def test_worker_autoscaler_targets_the_worker_deployment(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    hpa = objects[("HorizontalPodAutoscaler", "aidiscover-worker")]
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "aidiscover-worker")
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_beat_runs_exactly_once(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    beat = objects[("Deployment", "aidiscover-beat")]["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"]["type"] == "Recreate"


def test_every_container_has_requests_and_limits(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    for name in ("aidiscover-api", "aidiscover-worker", "aidiscover-beat"):
        resources = _container(objects, name)["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources[kind].keys(), (name, kind)


def test_variables_are_settings_the_code_reads_and_the_config_is_valid(
    objects: dict[tuple[str, str], dict[str, Any]],
) -> None:
    config = objects[("ConfigMap", "aidiscover-config")]["data"]
    assert set(config) <= SETTINGS_VARS, sorted(set(config) - SETTINGS_VARS)
    secret = _docs("secret.example.yaml")[0]["stringData"]
    assert set(secret) <= SETTINGS_VARS | AWS_CREDENTIAL_VARS, sorted(set(secret) - SETTINGS_VARS)
    loaded = load_settings({**config, "NEO4J_PASSWORD": "long-enough-password"})
    assert loaded.api.port == int(config["AIDISCOVER_API_PORT"])
    assert loaded.log.format == "json"
    for name in ("aidiscover-api", "aidiscover-worker", "aidiscover-beat"):
        refs = {next(iter(ref.values()))["name"] for ref in _container(objects, name)["envFrom"]}
        assert refs == {"aidiscover-config", "aidiscover-secrets"}


def test_worker_dockerfile_builds_on_the_api_image_of_this_version() -> None:
    lines = (PROJECT_ROOT / "Dockerfile.worker").read_text().splitlines()
    assert f"ARG API_IMAGE=aidiscover-api:{VERSION}" in lines
    assert "FROM ${API_IMAGE}" in lines
    assert "HEALTHCHECK NONE" in lines
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert build_parser().parse_args(yaml.safe_load(cmd[4:])).command == "worker"


@pytest.mark.redis
def test_worker_ping_answers_for_a_running_worker_and_fails_for_none(settings: Settings, tmp_path: Path) -> None:
    base = settings.redis.url.rsplit("/", 1)[0]
    env = {**os.environ, "REDIS_URL": f"{base}/13", "AIDISCOVER_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        os.environ["REDIS_URL"], saved = f"{base}/13", os.environ.get("REDIS_URL")
        try:
            deadline = time.monotonic() + 60
            while main(["worker-ping", "--timeout", "1"]) != 0:  # the default node: celery@<this host>
                assert time.monotonic() < deadline, "the worker never answered worker-ping"
            assert main(["worker-ping", "--node", "nobody@nowhere", "--timeout", "1"]) == 1
        finally:
            if saved is None:
                del os.environ["REDIS_URL"]
            else:
                os.environ["REDIS_URL"] = saved
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


# --- Neo4j and Redis ------------------------------------------------------------------------------
def _pod(objects: dict[tuple[str, str], dict[str, Any]], name: str) -> dict[str, Any]:
    spec = objects[("StatefulSet", name)]["spec"]["template"]["spec"]
    assert isinstance(spec, dict)
    return spec


def _env(container: dict[str, Any]) -> dict[str, str | None]:
    return {item["name"]: item.get("value") for item in container["env"]}


def test_neo4j_has_the_local_servers_hardening(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    (container,) = _pod(objects, "neo4j")["containers"]
    env = _env(container)
    for key, value in HARDENING.items():
        assert env.get(docker_env_name(key)) == value, f"{docker_env_name(key)} must be {value!r}, as {key} locally"
    assert env[docker_env_name(IMPORT_DIR_SETTING)] == "/var/lib/neo4j/import"  # the image's empty import dir
    for name in (env[docker_env_name(ALLOWLIST_SETTING)] or "").split(","):
        assert not name.lower().startswith(FORBIDDEN_PROCEDURE_PREFIXES), name
    assert container["image"] == "neo4j:5.26-community"


def test_nothing_makes_apoc_unrestricted(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert "unrestricted" not in yaml.safe_dump(objects[("StatefulSet", "neo4j")]).lower()
    (container,) = _pod(objects, "neo4j")["containers"]
    env = _env(container)
    assert docker_env_name(UNRESTRICTED_SETTING) not in env
    # the image's plugin installer appends dbms.security.procedures.unrestricted=apoc.* for "apoc"
    assert "NEO4J_PLUGINS" not in env
    for name in env:
        assert not name.startswith("NEO4J_") or NEO4J_IMAGE_VAR.match(name), f"the image makes {name} a setting"
    # service links would add NEO4J_PORT, NEO4J_SERVICE_HOST, ...: settings Neo4j refuses to start with
    assert _pod(objects, "neo4j")["enableServiceLinks"] is False


def test_neo4j_password_comes_from_the_secret_without_becoming_a_setting(
    objects: dict[tuple[str, str], dict[str, Any]],
) -> None:
    (container,) = _pod(objects, "neo4j")["containers"]
    by_name = {item["name"]: item for item in container["env"]}
    auth = by_name["NEO4J_AUTH"]["value"]
    user, _, reference = auth.partition("/")
    config = objects[("ConfigMap", "aidiscover-config")]["data"]
    assert user == config["NEO4J_USER"]
    match = re.fullmatch(r"\$\((\w+)\)", reference)
    assert match, f"NEO4J_AUTH should be neo4j/$(VAR), got {auth!r}"
    variable = match[1]
    assert not variable.startswith("NEO4J_")
    assert list(by_name).index(variable) < list(by_name).index("NEO4J_AUTH")  # defined first, so it expands
    assert by_name[variable]["valueFrom"]["secretKeyRef"] == {"name": "aidiscover-secrets", "key": "NEO4J_PASSWORD"}


@pytest.mark.parametrize("name", ["neo4j", "redis"])
def test_data_stores_run_as_non_root_with_requests_and_limits(
    objects: dict[tuple[str, str], dict[str, Any]], name: str
) -> None:
    pod = _pod(objects, name)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] not in (0, None)
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= container["resources"][kind].keys(), (name, kind)
    (claim,) = objects[("StatefulSet", name)]["spec"]["volumeClaimTemplates"]
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]} == {claim["metadata"]["name"]: "/data"}


@pytest.mark.parametrize(("name", "variable"), [("neo4j", "NEO4J_URI"), ("redis", "REDIS_URL")])
def test_the_configmap_urls_reach_the_data_stores(
    objects: dict[tuple[str, str], dict[str, Any]], name: str, variable: str
) -> None:
    url = urlsplit(objects[("ConfigMap", "aidiscover-config")]["data"][variable])
    namespace = _docs("kustomization.yaml")[0]["namespace"]
    assert url.hostname == f"{name}.{namespace}.svc"
    service = objects[("Service", name)]
    assert url.port in {p["port"] for p in service["spec"]["ports"]}
    labels = objects[("StatefulSet", name)]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert objects[("StatefulSet", name)]["spec"]["serviceName"] == name


@pytest.mark.parametrize(("name", "port"), [("neo4j", 7687), ("redis", 6379)])
def test_data_stores_accept_only_the_apps_pods_and_open_no_connection(
    objects: dict[tuple[str, str], dict[str, Any]], name: str, port: int
) -> None:
    policy = objects[("NetworkPolicy", name)]["spec"]
    labels = objects[("StatefulSet", name)]["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items()
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert policy["egress"] == []  # no URL fetch, no metadata endpoint, whatever a query asks
    (rule,) = policy["ingress"]
    assert rule["ports"] == [{"port": port, "protocol": "TCP"}]
    api_labels = objects[("Deployment", "aidiscover-api")]["spec"]["template"]["metadata"]["labels"]
    (source,) = rule["from"]
    assert source["podSelector"]["matchLabels"].items() <= api_labels.items()


def test_redis_persists_with_an_append_only_file(objects: dict[tuple[str, str], dict[str, Any]]) -> None:
    (container,) = _pod(objects, "redis")["containers"]
    args = container["args"]
    assert args[0] == "redis-server"
    options = dict(zip(args[1::2], args[2::2], strict=True))
    assert options == {"--appendonly": "yes", "--appendfsync": "everysec", "--dir": "/data"}
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/data"]
