"""The GCP share of the generated estate: N copies of an app subnetwork with instances in the prod project.

The base is ``gcp_estate``'s whole estate (organisation, folder, two projects, ``prod-vpc`` with its
subnetworks and firewalls, instances, a load balancer, GKE, Cloud SQL, Cloud Run, Cloud Functions,
service accounts and keys, buckets, IAM policies). Its deliberate misconfigurations are recorded on the
manifest: SSH open to 0.0.0.0/0, a bucket readable by allUsers, a GKE cluster with a public endpoint, an
instance running as the default compute service account that holds roles/editor (and a Cloud SQL
instance open to the internet, a Cloud Run service invokable by allUsers). Each copy adds a subnetwork of
``prod-vpc`` and instances (each with its boot disk, running as its role's own service account) built
with ``gcp_estate``'s instance and disk builders, so the assets have Cloud Asset's shapes.
"""

from __future__ import annotations

import copy
import random

from devclouds.estate_manifest import Collected
from devclouds.gcp_estate import (
    GKE_CLUSTER,
    PROD,
    REGION,
    GcpEstate,
    Json,
    _disk,
    _instance,
    build_estate,
    compute_name,
    compute_url,
)
from ingest.providers.gcp.transform import label_for

CLOUD = "gcp"
ROLES = ("web", "api", "worker", "cache")
MACHINES = ("e2-small", "e2-medium", "n2-standard-2", "n2-standard-4")


def build_gcp(copies: int, rng: random.Random, out: Collected) -> GcpEstate:
    estate = build_estate()
    template = next(a for a in estate.assets if a["name"].endswith("/subnetworks/web-subnet"))
    for i in range(copies):
        estate.assets += _app_copy(i, rng, template, out)
    _record_base(estate, out)
    _misconfigurations(estate, out)
    return estate


def _misconfigurations(estate: GcpEstate, out: Collected) -> None:
    def named(asset_type: str, short: str) -> str:
        found = (a["name"] for a in estate.assets if a["assetType"] == asset_type and a["name"].endswith(f"/{short}"))
        return str(next(found))

    for slug, label, name, description in (
        (
            "gcp-firewall-ssh-open-to-world",
            "GCPFirewall",
            named("compute.googleapis.com/Firewall", "allow-ssh-from-anywhere"),
            "An enabled ingress rule allows tcp:22 from 0.0.0.0/0.",
        ),
        (
            "gcp-bucket-public",
            "GCPStorageBucket",
            named("storage.googleapis.com/Bucket", "acme-public-assets"),
            "allUsers hold roles/storage.objectViewer on the bucket.",
        ),
        (
            "gke-public-endpoint",
            "GCPGKECluster",
            GKE_CLUSTER,
            "The control plane has a public endpoint (private endpoint disabled).",
        ),
        (
            "gcp-instance-default-sa-editor",
            "GCPComputeInstance",
            named("compute.googleapis.com/Instance", "bastion-1"),
            "The instance runs as the default compute service account, which holds roles/editor on the project.",
        ),
    ):
        out.misconfig(slug, CLOUD, label, name, description)


def _record_base(estate: GcpEstate, out: Collected) -> None:
    known = {r.id for r in out.resources}
    for asset in estate.assets:
        if asset["name"] not in known:
            data = asset["resource"]["data"]
            name = str(data.get("displayName") or data.get("name") or asset["name"].rsplit("/", 1)[-1])
            out.add(CLOUD, label_for(asset["assetType"]), asset["name"], name)


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
