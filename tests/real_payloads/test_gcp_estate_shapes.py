"""The demo estate's Cloud Asset payloads are filled from published ones (devclouds.gcp_templates): per asset
type, every key path of the fake ``resource.data`` is carried by a real payload of that type, or is listed in
``DOCUMENTED`` with the API reference page that documents it (fields no payload in the corpus carries yet)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pytest

from devclouds.gcp_estate import build_estate
from devclouds.gcp_templates import DOCUMENTED, TEMPLATES, USER_MAPS, TemplateError, fill
from tests.real_payloads.gcp_corpus import load_corpus


def key_paths(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, Mapping):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in USER_MAPS:  # a map of the user's labels: every resource may have one
                out.add(path)
                out |= key_paths(inner, path)
    elif isinstance(value, list):
        for inner in value:
            out |= key_paths(inner, f"{prefix}[]")
    return out


def real_shapes() -> dict[str, set[str]]:
    shapes: dict[str, set[str]] = defaultdict(set)
    for payload in load_corpus():
        shapes[payload.body["assetType"]] |= key_paths(payload.data)
        for pool in payload.data.get("nodePools", []):  # a cluster lists its pools in the NodePool form
            shapes["container.googleapis.com/NodePool"] |= key_paths(pool)
    return shapes


def test_every_fake_payload_key_is_carried_by_a_real_payload_of_its_type() -> None:
    real = real_shapes()
    fake: dict[str, set[str]] = defaultdict(set)
    for asset in build_estate().assets:
        fake[asset["assetType"]] |= key_paths(asset["resource"]["data"])
    invented = {
        asset_type: sorted(paths - real.get(asset_type, set()) - set(DOCUMENTED.get(asset_type, {})))
        for asset_type, paths in fake.items()
    }
    assert {t: p for t, p in invented.items() if p} == {}
    # the comparison has something to compare: most fake types are matched by real payloads
    assert len([t for t in fake if t in real]) >= len(fake) - 1


def test_documented_exceptions_are_still_needed() -> None:
    real = real_shapes()
    fake: dict[str, set[str]] = defaultdict(set)
    for asset in build_estate().assets:
        fake[asset["assetType"]] |= key_paths(asset["resource"]["data"])
    stale = {
        asset_type: sorted(set(paths) - (fake[asset_type] - real.get(asset_type, set())))
        for asset_type, paths in DOCUMENTED.items()
    }
    assert {t: p for t, p in stale.items() if p} == {}, "a real payload now carries these: drop the exception"


def test_a_key_no_published_payload_carries_fails_the_build() -> None:
    with pytest.raises(TemplateError, match="invented"):
        fill("compute.googleapis.com/Instance", {"name": "vm", "invented": True})
    with pytest.raises(TemplateError, match=r"networkInterfaces\[\]\.invented"):
        fill("compute.googleapis.com/Instance", {"networkInterfaces": [{"name": "nic0", "invented": 1}]})


def test_the_estate_is_filled_from_the_templates_and_keeps_none_of_their_identity() -> None:
    assets = build_estate().assets
    by_type: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for asset in assets:
        by_type[asset["assetType"]].append(asset["resource"]["data"])
    # every templated type in the estate carries the published payload's own settings, e.g. its "kind"
    instance = by_type["compute.googleapis.com/Instance"][0]
    assert instance["kind"] == "compute#instance"
    assert instance["networkInterfaces"][0]["kind"] == "compute#networkInterface"
    assert len([t for t in by_type if t in TEMPLATES]) >= len(by_type) - 2
    # the real estates' projects and addresses never leak into the fake one
    text = json.dumps([a["resource"]["data"] for a in assets])
    real_projects = {
        p.body["name"].split("/projects/")[1].split("/")[0] for p in load_corpus() if "/projects/" in p.body["name"]
    }
    assert real_projects
    assert not {p for p in real_projects if f"projects/{p}/" in text}
    # a private instance stays private: the template's access config is not carried over
    web = next(d for d in by_type["compute.googleapis.com/Instance"] if d["name"] == "web-1")
    assert "accessConfigs" not in web["networkInterfaces"][0]
