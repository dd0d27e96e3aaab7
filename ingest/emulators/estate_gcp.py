"""The GCP share of the generated estate: N copies of an app subnetwork with instances in the prod project.

The organisation, folder, projects, ``prod-vpc`` with its subnetworks and firewalls (one allows SSH from
0.0.0.0/0: a deliberate misconfiguration) are ``gcp_estate``'s own assets. Each copy adds a subnetwork of
``prod-vpc`` and instances (each with its boot disk) whose interface is in that subnetwork, built with
``gcp_estate``'s instance and disk builders, so the assets have Cloud Asset's shapes.
"""

from __future__ import annotations

import copy
import random

from ingest.emulators.estate_manifest import Collected
from ingest.emulators.gcp_estate import (
    PROD,
    REGION,
    GcpEstate,
    Json,
    _disk,
    _hierarchy,
    _instance,
    _prod_network,
    compute_name,
    compute_url,
)

CLOUD = "gcp"
LABELS = {
    "cloudresourcemanager.googleapis.com/Organization": "GCPOrganization",
    "cloudresourcemanager.googleapis.com/Folder": "GCPFolder",
    "cloudresourcemanager.googleapis.com/Project": "GCPProject",
    "compute.googleapis.com/Network": "GCPNetwork",
    "compute.googleapis.com/Subnetwork": "GCPSubnetwork",
    "compute.googleapis.com/Firewall": "GCPFirewall",
    "compute.googleapis.com/Instance": "GCPComputeInstance",
    "compute.googleapis.com/Disk": "GCPDisk",
}
ROLES = ("web", "api", "worker", "cache")
MACHINES = ("e2-small", "e2-medium", "n2-standard-2", "n2-standard-4")


def build_gcp(copies: int, rng: random.Random, out: Collected) -> GcpEstate:
    estate = GcpEstate()
    estate.assets += _hierarchy() + _prod_network()
    template = next(a for a in estate.assets if a["name"].endswith("/subnetworks/web-subnet"))
    for i in range(copies):
        estate.assets += _app_copy(i, rng, template, out)
    _record_base(estate, out)
    return estate


def _record_base(estate: GcpEstate, out: Collected) -> None:
    known = {r.id for r in out.resources}
    for asset in estate.assets:
        if asset["name"] not in known:
            data = asset["resource"]["data"]
            out.add(CLOUD, LABELS[asset["assetType"]], asset["name"], str(data.get("displayName") or data.get("name")))


def _app_copy(i: int, rng: random.Random, template: Json, out: Collected) -> list[Json]:
    role = rng.choice(ROLES)
    subnet_name = f"{role}-subnet-{i:04d}"
    subnet_path = f"regions/{REGION}/subnetworks/{subnet_name}"
    subnet = copy.deepcopy(template)
    subnet["name"] = compute_name(PROD, subnet_path)
    data = subnet["resource"]["data"]
    data.update(
        id=f"51{i:017d}",
        name=subnet_name,
        ipCidrRange=f"10.{100 + i // 256}.{i % 256}.0/24",
        gatewayAddress=f"10.{100 + i // 256}.{i % 256}.1",
        selfLink=compute_url(PROD, subnet_path),
    )
    out.add(CLOUD, "GCPSubnetwork", subnet["name"], subnet_name)
    out.edge(
        "IN_NETWORK", "GCPSubnetwork", subnet["name"], "GCPNetwork", compute_name(PROD, "global/networks/prod-vpc")
    )
    assets = [subnet]
    for n in range(rng.randint(2, 5)):
        name = f"{role}-{i:04d}-{n + 1}"
        email = f"{role}-sa@{PROD}.iam.gserviceaccount.com"
        inst = _instance(
            name, f"7{i:09d}{n:09d}", f"{data['ipCidrRange'].rsplit('.', 1)[0]}.{n + 10}", [role], email, None
        )
        inst_data = inst["resource"]["data"]
        inst_data["networkInterfaces"][0]["subnetwork"] = compute_url(PROD, subnet_path)
        inst_data["machineType"] = inst_data["machineType"].replace("e2-medium", rng.choice(MACHINES))
        inst_data["labels"] = {"env": "prod", "role": role, "copy": str(i)}
        disk = _disk(name, f"8{i:09d}{n:09d}", str(rng.choice((10, 20, 50, 100))))
        assets += [inst, disk]
        out.add(CLOUD, "GCPComputeInstance", inst["name"], name, inst_data["labels"])
        out.add(CLOUD, "GCPDisk", disk["name"], name)
        out.edge("IN_SUBNETWORK", "GCPComputeInstance", inst["name"], "GCPSubnetwork", subnet["name"])
        out.edge("ATTACHED_DISK", "GCPComputeInstance", inst["name"], "GCPDisk", disk["name"])
    return assets
