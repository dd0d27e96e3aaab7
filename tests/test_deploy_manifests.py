"""The Kubernetes manifests (deploy/k8s) and the worker Dockerfile, checked against the code they run.

No cluster runs here, so the manifests are kept honest by reading them: probes point at routes the
app serves, commands are real CLI subcommands, variable names are settings the code reads, images
carry the project's version, and every container has requests and limits. `worker-ping`, the
worker's probe, is run against a real worker process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import build_parser, main
from app.server import create_app
from app.settings import ENV_NAMES, PROJECT_ROOT, Settings, load_settings
from graph.neo4j.client import Graph

K8S = PROJECT_ROOT / "deploy" / "k8s"
VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
SETTINGS_VARS = frozenset(ENV_NAMES.values())
AWS_CREDENTIAL_VARS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})


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
    images = {"aidiscover-api": "aidiscover-api", "aidiscover-worker": "aidiscover-worker",
              "aidiscover-beat": "aidiscover-worker"}  # fmt: skip
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
    assert loaded.api_port == int(config["AIDISCOVER_API_PORT"])
    assert loaded.log_format == "json"
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


def test_worker_ping_answers_for_a_running_worker_and_fails_for_none(settings: Settings, tmp_path: Path) -> None:
    base = settings.redis_url.rsplit("/", 1)[0]
    env = {**os.environ, "REDIS_URL": f"{base}/13", "AIDISCOVER_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
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
