"""The Cloud Storage JSON API answers of the local GCP server, filled from published responses.

``bucket_resource`` is ``GET /storage/v1/b/{bucket}?projection=full`` and ``bucket_policy`` is
``GET /storage/v1/b/{bucket}/iam`` for a bucket of a :class:`GcpEstate`. Both start from a published
response (tests/fixtures/real/gcp/storage_api, sources in SOURCES.md there) and replace its values: the
bucket's identity, place and settings from its Cloud Asset data, its ACL from ``GcpEstate.bucket_acls``
(else the project-team entries every new bucket gets), its bindings from the estate's IAM policy of the
bucket plus the legacy project bindings the service always shows. With uniform bucket-level access the
ACL lists are left out, as the service does.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from devclouds.gcp_estate import PROJECT_NUMBERS, GcpEstate, Json
from devclouds.gcp_templates import CORPUS

__all__ = ["bucket_policy", "bucket_resource"]

_DIR = CORPUS / "storage_api"
_BUCKET = "forseti_bucket_forseti-system-test.a.testing.json"
_POLICY = "forseti_bucket_iam_policy_forseti-system-test.a.testing.json"
_SELF = "https://www.googleapis.com/storage/v1/b"


@cache
def _load(name: str) -> Any:
    return json.loads((_DIR / name).read_text())


def _project_id(number: str) -> str:
    return next((p for p, n in PROJECT_NUMBERS.items() if n == number), number)


def _asset(estate: GcpEstate, name: str) -> Json | None:
    full = f"//storage.googleapis.com/{name}"
    return next((a for a in estate.assets if a["name"] == full and a["assetType"].endswith("/Bucket")), None)


def bucket_resource(estate: GcpEstate, name: str) -> Json | None:
    """The bucket as buckets.get (projection=full) answers it; None when the estate has no such bucket."""
    asset = _asset(estate, name)
    if asset is None:
        return None
    data: Json = asset["resource"]["data"]
    number = str(data.get("projectNumber", ""))
    body: Json = copy.deepcopy(_load(_BUCKET))
    template_acl, template_default = body["acl"][0], body["defaultObjectAcl"][0]
    entries = estate.bucket_acls.get(name) or [
        (f"project-{team}-{number}", "OWNER" if team != "viewers" else "READER")
        for team in ("owners", "editors", "viewers")
    ]
    body.update(
        id=name,
        selfLink=f"{_SELF}/{name}",
        projectNumber=number,
        name=name,
        timeCreated=data.get("timeCreated", body["timeCreated"]),
        updated=data.get("timeCreated", body["updated"]),
        location=data.get("location", body["location"]),
        storageClass=data.get("storageClass", body["storageClass"]),
        owner={"entity": f"project-owners-{number}"},
    )
    body["acl"] = [_acl_entry(template_acl, name, entity, role, number) for entity, role in entries]
    body["defaultObjectAcl"] = [
        {k: v for k, v in _acl_entry(template_default, name, entity, role, number).items() if k in template_default}
        for entity, role in entries
    ]
    if "iamConfiguration" in data:
        body["iamConfiguration"] = copy.deepcopy(data["iamConfiguration"])
    if data.get("iamConfiguration", {}).get("uniformBucketLevelAccess", {}).get("enabled"):
        body.pop("acl")
        body.pop("defaultObjectAcl")
    return body


def _acl_entry(template: Json, bucket: str, entity: str, role: str, number: str) -> Json:
    entry: Json = copy.deepcopy(template)
    entry.update(id=f"{bucket}/{entity}", selfLink=f"{_SELF}/{bucket}/acl/{entity}", bucket=bucket)
    entry.update(entity=entity, role=role)
    team = entity.split("-")[1] if entity.startswith("project-") else None
    if team:
        entry["projectTeam"] = {"projectNumber": number, "team": team}
    else:
        entry.pop("projectTeam", None)
    return entry


def bucket_policy(estate: GcpEstate, name: str) -> Json | None:
    """The bucket's IAM policy as buckets.getIamPolicy answers it; None when the estate has no such bucket."""
    asset = _asset(estate, name)
    if asset is None:
        return None
    project = _project_id(str(asset["resource"]["data"].get("projectNumber", "")))
    body: Json = copy.deepcopy(_load(_POLICY))
    legacy = [
        {
            "role": "roles/storage.legacyBucketOwner",
            "members": [f"projectEditor:{project}", f"projectOwner:{project}"],
        },
        {"role": "roles/storage.legacyBucketReader", "members": [f"projectViewer:{project}"]},
    ]
    declared = [p for p in estate.iam_policies if p["resource"] == asset["name"]]
    bindings = [{"role": b["role"], "members": list(b["members"])} for p in declared for b in p["policy"]["bindings"]]
    body.update(resourceId=f"projects/_/buckets/{name}", bindings=[*legacy, *bindings])
    return body
