"""A deterministic GCP estate, as Cloud Asset Inventory would report it, for the local Cloud Asset server.

One organization (acme.example) with a folder ("production") holding two projects: ``acme-prod``
(a VPC network with two subnetworks, firewall rules, three VMs with boot disks, an instance group
behind a backend service, URL map, target HTTP proxy and external forwarding rule, a GKE cluster with
a node pool, service accounts) and ``acme-data`` (a Cloud SQL instance, a Cloud Run service, a Cloud
Function, two buckets, a Pub/Sub topic, a secret, service accounts and keys). Deliberate findings:
a firewall open to 0.0.0.0/0 on tcp:22 for tag ``ssh``, a Cloud SQL instance with a public IP and
0.0.0.0/0 authorized, a bucket readable by allUsers, a Cloud Run service invokable by allUsers, the
default compute service account holding roles/editor, and a user-managed service account key.

Assets are the JSON of the v1 REST API (camelCase): ``Asset`` for ``assets.list`` with
``resource.data`` shaped like each service's own API, ``ResourceSearchResult`` derived from it for
``searchAllResources``, and ``IamPolicySearchResult`` for ``searchAllIamPolicies``. Every key of
``resource.data`` is one that published payloads of the same asset type carry (or the API reference
documents): tests/real_payloads/test_gcp_estate_shapes.py compares the key sets per asset type.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from devclouds.gcp_templates import fill

Json = dict[str, Any]

ORG_ID = "123456789012"
ORG_DOMAIN = "acme.example"
FOLDER_ID = "345678901234"
PROD = "acme-prod"
DATA = "acme-data"
PROJECT_NUMBERS = {PROD: "111111111111", DATA: "222222222222"}
REGION = "us-central1"
ZONE = "us-central1-a"
CREATED = "2024-03-01T10:00:00.000-08:00"  # Compute's creationTimestamp format
CREATED_UTC = "2024-03-01T18:00:00Z"

CRM = "//cloudresourcemanager.googleapis.com"
COMPUTE_API = "https://www.googleapis.com/compute/v1"
DISCOVERY = {
    "compute": "https://www.googleapis.com/discovery/v1/apis/compute/v1/rest",
    "container": "https://container.googleapis.com/$discovery/rest",
    "sqladmin": "https://sqladmin.googleapis.com/$discovery/rest",
    "run": "https://run.googleapis.com/$discovery/rest",
    "cloudfunctions": "https://cloudfunctions.googleapis.com/$discovery/rest",
    "iam": "https://iam.googleapis.com/$discovery/rest",
    "storage": "https://www.googleapis.com/discovery/v1/apis/storage/v1/rest",
    "cloudresourcemanager": "https://cloudresourcemanager.googleapis.com/$discovery/rest",
    "pubsub": "https://pubsub.googleapis.com/$discovery/rest",
    "secretmanager": "https://secretmanager.googleapis.com/$discovery/rest",
}


def sa_email(project: str, name: str) -> str:
    return f"{name}@{project}.iam.gserviceaccount.com"


DEFAULT_COMPUTE_SA = f"{PROJECT_NUMBERS[PROD]}-compute@developer.gserviceaccount.com"


def compute_url(project: str, path: str) -> str:
    return f"{COMPUTE_API}/projects/{project}/{path}"


def compute_name(project: str, path: str) -> str:
    return f"//compute.googleapis.com/projects/{project}/{path}"


@dataclass
class GcpEstate:
    """Every asset and IAM policy of the estate; tests may remove assets (``remove``) between runs."""

    assets: list[Json] = field(default_factory=list)
    iam_policies: list[Json] = field(default_factory=list)
    # instance full name -> instance groups it belongs to (search results' relationships)
    memberships: dict[str, list[str]] = field(default_factory=dict)
    # bucket name -> its ACL entries (entity, role), served by the Cloud Storage JSON API (Cloud Asset's bucket
    # data carries none); a bucket not listed has the project-team entries every new bucket gets
    bucket_acls: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def asset(self, name: str) -> Json:
        for a in self.assets:
            if a["name"] == name:
                return a
        raise KeyError(name)

    def remove(self, name: str) -> None:
        """Forget one asset and the IAM policy attached to it."""
        self.assets = [a for a in self.assets if a["name"] != name]
        self.iam_policies = [p for p in self.iam_policies if p["resource"] != name]

    def search_results(self) -> list[Json]:
        return [search_result(a, self.memberships.get(a["name"], [])) for a in self.assets]

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.assets:
            counts[a["assetType"]] = counts.get(a["assetType"], 0) + 1
        return counts


def _ancestors(project: str | None) -> list[str]:
    if project is None:
        return [f"organizations/{ORG_ID}"]
    return [f"projects/{PROJECT_NUMBERS[project]}", f"folders/{FOLDER_ID}", f"organizations/{ORG_ID}"]


def _asset(
    name: str, asset_type: str, project: str | None, data: Json, location: str = "global", parent: str | None = None
) -> Json:
    service = asset_type.split(".", 1)[0]
    kind = asset_type.rsplit("/", 1)[1]
    return {
        "name": name,
        "assetType": asset_type,
        "updateTime": "2026-11-20T09:00:00.000000Z",
        "ancestors": _ancestors(project),
        "resource": {
            "version": "v1",
            "discoveryDocumentUri": DISCOVERY.get(service, f"https://{service}.googleapis.com/$discovery/rest"),
            "discoveryName": kind,
            "parent": parent or (f"{CRM}/projects/{PROJECT_NUMBERS[project]}" if project else ""),
            "data": fill(asset_type, data),
            "location": location,
        },
    }


def search_result(asset: Json, groups: list[str]) -> Json:
    """The ResourceSearchResult Cloud Asset derives from an asset (display fields, labels, tags, state)."""
    data: Json = asset["resource"].get("data", {})
    ancestors: list[str] = asset.get("ancestors", [])
    project = next((a for a in ancestors if a.startswith("projects/")), "")
    result: Json = {
        "name": asset["name"],
        "assetType": asset["assetType"],
        "project": project,
        "folders": [a for a in ancestors if a.startswith("folders/")],
        "organization": next((a for a in ancestors if a.startswith("organizations/")), ""),
        "displayName": data.get("displayName") or data.get("name", "").rsplit("/", 1)[-1],
        "description": data.get("description", ""),
        "location": asset["resource"].get("location", "global"),
        "labels": data.get("labels") or data.get("metadata", {}).get("labels", {}),
        "networkTags": data.get("tags", {}).get("items", []),
        "state": next((v for k in ("status", "state", "lifecycleState") if isinstance(v := data.get(k), str)), ""),
        "createTime": CREATED_UTC,
        "updateTime": "2026-11-20T09:00:00Z",
        "parentFullResourceName": asset["resource"].get("parent", ""),
        "parentAssetType": "cloudresourcemanager.googleapis.com/Project" if project else "",
        "additionalAttributes": _additional(asset),
    }
    if groups:
        result["relationships"] = {
            "INSTANCE_TO_INSTANCEGROUP": {
                "relatedResources": [
                    {"assetType": "compute.googleapis.com/InstanceGroup", "fullResourceName": g} for g in groups
                ]
            }
        }
    return {k: v for k, v in result.items() if v not in ("", [], {})}


def _additional(asset: Json) -> Json:
    data: Json = asset["resource"].get("data", {})
    if asset["assetType"] == "compute.googleapis.com/Instance":
        nics = data.get("networkInterfaces", [])
        return {
            "id": data.get("id"),
            "internalIPs": [n["networkIP"] for n in nics if "networkIP" in n],
            "externalIPs": [c["natIP"] for n in nics for c in n.get("accessConfigs", []) if "natIP" in c],
            "networkInterfaceNetworks": [n["network"] for n in nics],
        }
    if asset["assetType"] == "storage.googleapis.com/Bucket":
        return {"storageClass": data.get("storageClass")}
    return {}


# --- the estate ------------------------------------------------------------------------------------


def build_estate() -> GcpEstate:
    """The same estate on every call (a fresh copy: tests may change it)."""
    estate = GcpEstate()
    estate.assets += _hierarchy()
    estate.assets += _prod_network()
    estate.assets += _prod_compute(estate)
    estate.assets += _prod_load_balancer()
    estate.assets += _prod_gke()
    estate.assets += _data_project()
    estate.assets += _service_accounts()
    estate.iam_policies += _iam_policies()
    return copy.deepcopy(estate)


def _hierarchy() -> list[Json]:
    org = _asset(
        f"{CRM}/organizations/{ORG_ID}",
        "cloudresourcemanager.googleapis.com/Organization",
        None,
        {
            "name": f"organizations/{ORG_ID}",
            "displayName": ORG_DOMAIN,
            "lifecycleState": "ACTIVE",
            "owner": {"directoryCustomerId": "C0abc123"},
            "creationTime": "2019-05-01T12:00:00.000Z",
        },
        parent="",
    )
    folder = _asset(
        f"{CRM}/folders/{FOLDER_ID}",
        "cloudresourcemanager.googleapis.com/Folder",
        None,
        {
            "name": f"folders/{FOLDER_ID}",
            "parent": f"organizations/{ORG_ID}",
            "displayName": "production",
            "lifecycleState": "ACTIVE",
            "createTime": "2020-01-15T08:00:00.000Z",
        },
        parent=f"{CRM}/organizations/{ORG_ID}",
    )
    folder["ancestors"] = [f"folders/{FOLDER_ID}", f"organizations/{ORG_ID}"]
    projects = []
    for project_id, number in PROJECT_NUMBERS.items():
        p = _asset(
            f"{CRM}/projects/{number}",
            "cloudresourcemanager.googleapis.com/Project",
            project_id,
            {
                "projectNumber": number,
                "projectId": project_id,
                "lifecycleState": "ACTIVE",
                "name": project_id,
                "labels": {"env": "prod", "team": "platform" if project_id == PROD else "data"},
                "createTime": "2021-02-01T09:30:00.000Z",
                "parent": {"type": "folder", "id": FOLDER_ID},
            },
            parent=f"{CRM}/folders/{FOLDER_ID}",
        )
        projects.append(p)
    return [org, folder, *projects]


def _prod_network() -> list[Json]:
    p = PROD
    network = _asset(
        compute_name(p, "global/networks/prod-vpc"),
        "compute.googleapis.com/Network",
        p,
        {
            "id": "5000000000000000001",
            "name": "prod-vpc",
            "autoCreateSubnetworks": False,
            "mtu": 1460,
            "routingConfig": {"routingMode": "REGIONAL"},
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, "global/networks/prod-vpc"),
            "subnetworks": [compute_url(p, f"regions/{REGION}/subnetworks/{s}") for s in ("web-subnet", "data-subnet")],
        },
    )
    subnets = [
        _asset(
            compute_name(p, f"regions/{REGION}/subnetworks/{name}"),
            "compute.googleapis.com/Subnetwork",
            p,
            {
                "id": sid,
                "name": name,
                "ipCidrRange": cidr,
                "gatewayAddress": gateway,
                "network": compute_url(p, "global/networks/prod-vpc"),
                "region": compute_url(p, f"regions/{REGION}"),
                "privateIpGoogleAccess": True,
                "purpose": "PRIVATE",
                "creationTimestamp": CREATED,
                "selfLink": compute_url(p, f"regions/{REGION}/subnetworks/{name}"),
            },
            location=REGION,
        )
        for name, sid, cidr, gateway in (
            ("web-subnet", "5100000000000000001", "10.10.0.0/24", "10.10.0.1"),
            ("data-subnet", "5100000000000000002", "10.20.0.0/20", "10.20.0.1"),
        )
    ]

    def firewall(name: str, fid: str, body: Json) -> Json:
        data = {
            "id": fid,
            "name": name,
            "network": compute_url(p, "global/networks/prod-vpc"),
            "direction": "INGRESS",
            "priority": 1000,
            "disabled": False,
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, f"global/firewalls/{name}"),
            "logConfig": {"enable": False},
            **body,
        }
        return _asset(compute_name(p, f"global/firewalls/{name}"), "compute.googleapis.com/Firewall", p, data)

    firewalls = [
        firewall(
            "allow-ssh-from-anywhere",
            "5200000000000000001",
            {"sourceRanges": ["0.0.0.0/0"], "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "targetTags": ["ssh"]},
        ),
        firewall(
            "allow-lb-health-checks",
            "5200000000000000002",
            {
                "sourceRanges": ["130.211.0.0/22", "35.191.0.0/16"],
                "allowed": [{"IPProtocol": "tcp", "ports": ["80", "8080-8090"]}],
                "targetTags": ["web"],
            },
        ),
        firewall(
            "allow-internal",
            "5200000000000000003",
            {"sourceRanges": ["10.0.0.0/8"], "allowed": [{"IPProtocol": "all"}], "priority": 65534},
        ),
        firewall(
            "allow-web-sa-to-db",
            "5200000000000000004",
            {
                "sourceTags": ["web"],
                "allowed": [{"IPProtocol": "tcp", "ports": ["5432"]}],
                "targetServiceAccounts": [sa_email(PROD, "web-sa")],
            },
        ),
        firewall(
            "deny-telnet-egress",
            "5200000000000000005",
            {
                "direction": "EGRESS",
                "destinationRanges": ["0.0.0.0/0"],
                "denied": [{"IPProtocol": "tcp", "ports": ["23"]}],
                "disabled": True,
            },
        ),
    ]
    return [network, *subnets, *firewalls]


def _instance(name: str, iid: str, ip: str, tags: list[str], sa: str, nat_ip: str | None) -> Json:
    p = PROD
    nic: Json = {
        "name": "nic0",
        "network": compute_url(p, "global/networks/prod-vpc"),
        "subnetwork": compute_url(p, f"regions/{REGION}/subnetworks/web-subnet"),
        "networkIP": ip,
        "fingerprint": "abc=",
    }
    if nat_ip:
        nic["accessConfigs"] = [
            {"type": "ONE_TO_ONE_NAT", "name": "External NAT", "natIP": nat_ip, "networkTier": "PREMIUM"}
        ]
    data = {
        "id": iid,
        "name": name,
        "machineType": compute_url(p, f"zones/{ZONE}/machineTypes/e2-medium"),
        "status": "RUNNING",
        "zone": compute_url(p, f"zones/{ZONE}"),
        "canIpForward": False,
        "networkInterfaces": [nic],
        "disks": [
            {
                "type": "PERSISTENT",
                "mode": "READ_WRITE",
                "boot": True,
                "autoDelete": True,
                "deviceName": name,
                "index": 0,
                "source": compute_url(p, f"zones/{ZONE}/disks/{name}"),
                "interface": "SCSI",
            }
        ],
        "serviceAccounts": [{"email": sa, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
        "tags": {"items": tags, "fingerprint": "xyz="},
        "labels": {"env": "prod", "role": name.split("-")[0]},
        "metadata": {"items": [{"key": "enable-oslogin", "value": "TRUE"}]},
        "creationTimestamp": CREATED,
        "selfLink": compute_url(p, f"zones/{ZONE}/instances/{name}"),
        "scheduling": {"automaticRestart": True, "onHostMaintenance": "MIGRATE"},
    }
    return _asset(compute_name(p, f"zones/{ZONE}/instances/{name}"), "compute.googleapis.com/Instance", p, data, ZONE)


def _disk(name: str, did: str, size: str) -> Json:
    p = PROD
    data = {
        "id": did,
        "name": name,
        "sizeGb": size,
        "zone": compute_url(p, f"zones/{ZONE}"),
        "status": "READY",
        "type": compute_url(p, f"zones/{ZONE}/diskTypes/pd-balanced"),
        "sourceImage": "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20240312",
        "users": [compute_url(p, f"zones/{ZONE}/instances/{name}")],
        "creationTimestamp": CREATED,
        "selfLink": compute_url(p, f"zones/{ZONE}/disks/{name}"),
    }
    return _asset(compute_name(p, f"zones/{ZONE}/disks/{name}"), "compute.googleapis.com/Disk", p, data, ZONE)


INSTANCES = {
    # name: (id, internal ip, tags, service account, external ip)
    "web-1": ("6000000000000000001", "10.10.0.11", ["web"], sa_email(PROD, "web-sa"), None),
    "web-2": ("6000000000000000002", "10.10.0.12", ["web"], sa_email(PROD, "web-sa"), None),
    "bastion-1": ("6000000000000000003", "10.10.0.5", ["ssh"], DEFAULT_COMPUTE_SA, "34.70.1.5"),
}
WEB_GROUP = compute_name(PROD, f"zones/{ZONE}/instanceGroups/web-ig")


def _prod_compute(estate: GcpEstate) -> list[Json]:
    out = []
    for n, (name, (iid, ip, tags, sa, nat)) in enumerate(INSTANCES.items()):
        out.append(_instance(name, iid, ip, tags, sa, nat))
        out.append(_disk(name, f"610000000000000000{n + 1}", "10" if name == "bastion-1" else "20"))
    for name in ("web-1", "web-2"):
        estate.memberships[compute_name(PROD, f"zones/{ZONE}/instances/{name}")] = [WEB_GROUP]
    group = _asset(
        WEB_GROUP,
        "compute.googleapis.com/InstanceGroup",
        PROD,
        {
            "id": "6200000000000000001",
            "name": "web-ig",
            "zone": compute_url(PROD, f"zones/{ZONE}"),
            "size": 2,
            "network": compute_url(PROD, "global/networks/prod-vpc"),
            "subnetwork": compute_url(PROD, f"regions/{REGION}/subnetworks/web-subnet"),
            "creationTimestamp": CREATED,
            "selfLink": compute_url(PROD, f"zones/{ZONE}/instanceGroups/web-ig"),
        },
        ZONE,
    )
    return [*out, group]


def _prod_load_balancer() -> list[Json]:
    p = PROD
    backend = _asset(
        compute_name(p, "global/backendServices/web-backend"),
        "compute.googleapis.com/BackendService",
        p,
        {
            "id": "6300000000000000001",
            "name": "web-backend",
            "protocol": "HTTP",
            "portName": "http",
            "loadBalancingScheme": "EXTERNAL_MANAGED",
            "timeoutSec": 30,
            "backends": [
                {
                    "group": compute_url(p, f"zones/{ZONE}/instanceGroups/web-ig"),
                    "balancingMode": "UTILIZATION",
                    "capacityScaler": 1,
                }
            ],
            "healthChecks": [compute_url(p, "global/healthChecks/web-hc")],
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, "global/backendServices/web-backend"),
        },
    )
    url_map = _asset(
        compute_name(p, "global/urlMaps/web-map"),
        "compute.googleapis.com/UrlMap",
        p,
        {
            "id": "6400000000000000001",
            "name": "web-map",
            "defaultService": compute_url(p, "global/backendServices/web-backend"),
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, "global/urlMaps/web-map"),
        },
    )
    proxy = _asset(
        compute_name(p, "global/targetHttpProxies/web-proxy"),
        "compute.googleapis.com/TargetHttpProxy",
        p,
        {
            "id": "6500000000000000001",
            "name": "web-proxy",
            "urlMap": compute_url(p, "global/urlMaps/web-map"),
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, "global/targetHttpProxies/web-proxy"),
        },
    )
    rule = _asset(
        compute_name(p, "global/forwardingRules/web-fr"),
        "compute.googleapis.com/GlobalForwardingRule",
        p,
        {
            "id": "6600000000000000001",
            "name": "web-fr",
            "IPAddress": "34.120.10.10",
            "IPProtocol": "TCP",
            "portRange": "80-80",
            "loadBalancingScheme": "EXTERNAL_MANAGED",
            "networkTier": "PREMIUM",
            "target": compute_url(p, "global/targetHttpProxies/web-proxy"),
            "creationTimestamp": CREATED,
            "selfLink": compute_url(p, "global/forwardingRules/web-fr"),
        },
    )
    return [backend, url_map, proxy, rule]


GKE_CLUSTER = f"//container.googleapis.com/projects/{PROD}/locations/{REGION}/clusters/prod-gke"


def _prod_gke() -> list[Json]:
    pool: Json = {
        "name": "default-pool",
        "initialNodeCount": 1,
        "version": "1.29.4-gke.1043002",
        "status": "RUNNING",
        "config": {
            "machineType": "e2-standard-4",
            "diskSizeGb": 100,
            "serviceAccount": sa_email(PROD, "gke-nodes"),
            "oauthScopes": [],
        },
        "autoscaling": {"enabled": True, "minNodeCount": 1, "maxNodeCount": 3},
        "instanceGroupUrls": [compute_url(PROD, f"zones/{ZONE}/instanceGroupManagers/gke-prod-gke-default-pool-1a2b")],
        "selfLink": f"https://container.googleapis.com/v1/projects/{PROD}/locations/{REGION}/clusters/prod-gke/nodePools/default-pool",
    }
    cluster = _asset(
        GKE_CLUSTER,
        "container.googleapis.com/Cluster",
        PROD,
        {
            "name": "prod-gke",
            "location": REGION,
            "status": "RUNNING",
            "endpoint": "10.20.15.2",
            "currentMasterVersion": "1.29.4-gke.1043002",
            "network": "prod-vpc",
            "subnetwork": "data-subnet",
            "networkConfig": {
                "network": f"projects/{PROD}/global/networks/prod-vpc",
                "subnetwork": f"projects/{PROD}/regions/{REGION}/subnetworks/data-subnet",
            },
            "privateClusterConfig": {
                "enablePrivateNodes": True,
                "enablePrivateEndpoint": False,
                "masterIpv4CidrBlock": "172.16.0.0/28",
            },
            "masterAuthorizedNetworksConfig": {
                "enabled": True,
                "cidrBlocks": [{"displayName": "office", "cidrBlock": "203.0.113.0/24"}],
            },
            "nodePools": [pool],
            "resourceLabels": {"env": "prod"},
            "createTime": "2024-03-01T18:00:00+00:00",
            "selfLink": f"https://container.googleapis.com/v1/projects/{PROD}/locations/{REGION}/clusters/prod-gke",
        },
        REGION,
    )
    node_pool = _asset(f"{GKE_CLUSTER}/nodePools/default-pool", "container.googleapis.com/NodePool", PROD, pool, REGION)
    node_pool["resource"]["parent"] = GKE_CLUSTER
    return [cluster, node_pool]


def _data_project() -> list[Json]:
    d = DATA
    sql = _asset(
        f"//cloudsql.googleapis.com/projects/{d}/instances/orders-db",
        "sqladmin.googleapis.com/Instance",
        d,
        {
            "name": "orders-db",
            "project": d,
            "databaseVersion": "POSTGRES_15",
            "region": REGION,
            "state": "RUNNABLE",
            "backendType": "SECOND_GEN",
            "instanceType": "CLOUD_SQL_INSTANCE",
            "gceZone": ZONE,
            "ipAddresses": [
                {"type": "PRIMARY", "ipAddress": "35.192.0.10"},
                {"type": "PRIVATE", "ipAddress": "10.30.0.3"},
            ],
            "settings": {
                "tier": "db-custom-2-7680",
                "availabilityType": "REGIONAL",
                "userLabels": {"app": "orders"},
                "ipConfiguration": {
                    "ipv4Enabled": True,
                    "requireSsl": False,
                    "privateNetwork": f"projects/{PROD}/global/networks/prod-vpc",
                    "authorizedNetworks": [{"value": "0.0.0.0/0", "name": "anywhere"}],
                },
            },
            "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{d}/instances/orders-db",
        },
        REGION,
    )
    run = _asset(
        f"//run.googleapis.com/projects/{d}/locations/{REGION}/services/orders-api",
        "run.googleapis.com/Service",
        d,
        {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {
                "name": "orders-api",
                "namespace": PROJECT_NUMBERS[d],
                "labels": {"cloud.googleapis.com/location": REGION},
                "annotations": {"run.googleapis.com/ingress": "all"},
                "creationTimestamp": "2024-03-01T18:00:00.000000Z",
            },
            "spec": {
                "template": {
                    "spec": {
                        "serviceAccountName": sa_email(d, "orders-api"),
                        "containers": [{"image": f"us-docker.pkg.dev/{d}/app/orders:1.4.2"}],
                    }
                }
            },
            "status": {
                "url": "https://orders-api-abc123-uc.a.run.app",
                "conditions": [{"type": "Ready", "status": "True"}],
            },
        },
        REGION,
    )
    fn = _asset(
        f"//cloudfunctions.googleapis.com/projects/{d}/locations/{REGION}/functions/thumbnailer",
        "cloudfunctions.googleapis.com/CloudFunction",
        d,
        {
            "name": f"projects/{d}/locations/{REGION}/functions/thumbnailer",
            "runtime": "python311",
            "entryPoint": "make_thumbnail",
            "status": "ACTIVE",
            "serviceAccountEmail": sa_email(d, "thumbnailer"),
            "httpsTrigger": {"url": f"https://{REGION}-{d}.cloudfunctions.net/thumbnailer"},
            "ingressSettings": "ALLOW_ALL",
            "availableMemoryMb": 256,
            "updateTime": "2024-03-01T18:00:00Z",
            "labels": {"app": "media"},
        },
        REGION,
    )
    buckets = [
        _asset(
            f"//storage.googleapis.com/{name}",
            "storage.googleapis.com/Bucket",
            d,
            {
                "id": name,
                "name": name,
                "location": "US",
                "locationType": "multi-region",
                "storageClass": "STANDARD",
                "projectNumber": PROJECT_NUMBERS[d],
                "timeCreated": "2024-03-01T18:00:00.000Z",
                "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}, "publicAccessPrevention": pap},
                "versioning": {"enabled": versioning},
                "labels": {"data": label},
            },
            "us",
        )
        for name, pap, versioning, label in (
            ("acme-public-assets", "inherited", False, "public"),
            ("acme-data-private", "enforced", True, "confidential"),
        )
    ]
    topic = _asset(
        f"//pubsub.googleapis.com/projects/{d}/topics/orders-events",
        "pubsub.googleapis.com/Topic",
        d,
        {
            "name": f"projects/{d}/topics/orders-events",
            "labels": {"app": "orders"},
        },
    )
    secret = _asset(
        f"//secretmanager.googleapis.com/projects/{PROJECT_NUMBERS[d]}/secrets/orders-db-password",
        "secretmanager.googleapis.com/Secret",
        d,
        {
            "name": f"projects/{PROJECT_NUMBERS[d]}/secrets/orders-db-password",
            "replication": {"automatic": {}},
            "createTime": "2024-03-01T18:00:00Z",
        },
    )
    return [sql, run, fn, *buckets, topic, secret]


SERVICE_ACCOUNTS = {
    # (project, email): unique id
    (PROD, sa_email(PROD, "web-sa")): "100000000000000000001",
    (PROD, sa_email(PROD, "gke-nodes")): "100000000000000000002",
    (PROD, DEFAULT_COMPUTE_SA): "100000000000000000003",
    (DATA, sa_email(DATA, "orders-api")): "100000000000000000004",
    (DATA, sa_email(DATA, "thumbnailer")): "100000000000000000005",
}


def sa_name(project: str, email: str) -> str:
    return f"//iam.googleapis.com/projects/{project}/serviceAccounts/{SERVICE_ACCOUNTS[(project, email)]}"


def _service_accounts() -> list[Json]:
    out = []
    for (project, email), uid in SERVICE_ACCOUNTS.items():
        out.append(
            _asset(
                sa_name(project, email),
                "iam.googleapis.com/ServiceAccount",
                project,
                {
                    "name": f"projects/{project}/serviceAccounts/{email}",
                    "projectId": project,
                    "uniqueId": uid,
                    "email": email,
                    "displayName": email.split("@")[0],
                    "oauth2ClientId": uid,
                    "disabled": False,
                },
            )
        )
    keys = (
        (DATA, sa_email(DATA, "orders-api"), "0f1e2d3c4b5a69788796a5b4c3d2e1f001234567", "USER_MANAGED"),
        (PROD, sa_email(PROD, "web-sa"), "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "SYSTEM_MANAGED"),
    )
    for project, email, key_id, key_type in keys:
        out.append(
            _asset(
                f"{sa_name(project, email)}/keys/{key_id}",
                "iam.googleapis.com/ServiceAccountKey",
                project,
                {
                    "name": f"projects/{project}/serviceAccounts/{email}/keys/{key_id}",
                    "keyType": key_type,
                    "keyAlgorithm": "KEY_ALG_RSA_2048",
                    "keyOrigin": "GOOGLE_PROVIDED",
                    "validAfterTime": "2024-03-01T18:00:00Z",
                    "validBeforeTime": "9999-12-31T23:59:59Z",
                },
            )
        )
        out[-1]["resource"]["parent"] = sa_name(project, email)
    return out


def _policy(resource: str, asset_type: str, project: str | None, bindings: list[tuple[str, list[str]]]) -> Json:
    ancestors = _ancestors(project)
    result: Json = {
        "resource": resource,
        "assetType": asset_type,
        "organization": f"organizations/{ORG_ID}",
        "folders": [a for a in ancestors if a.startswith("folders/")],
        "policy": {"version": 1, "bindings": [{"role": r, "members": m} for r, m in bindings], "etag": "BwXk="},
    }
    if project:
        result["project"] = f"projects/{PROJECT_NUMBERS[project]}"
    return result


def _iam_policies() -> list[Json]:
    alice = f"user:alice@{ORG_DOMAIN}"
    return [
        _policy(
            f"{CRM}/organizations/{ORG_ID}",
            "cloudresourcemanager.googleapis.com/Organization",
            None,
            [("roles/resourcemanager.organizationAdmin", [alice])],
        ),
        _policy(
            f"{CRM}/projects/{PROJECT_NUMBERS[PROD]}",
            "cloudresourcemanager.googleapis.com/Project",
            PROD,
            [
                ("roles/owner", [alice]),
                ("roles/editor", [f"serviceAccount:{DEFAULT_COMPUTE_SA}"]),
                ("roles/viewer", [f"group:devops@{ORG_DOMAIN}", f"domain:{ORG_DOMAIN}"]),
                ("roles/container.defaultNodeServiceAccount", [f"serviceAccount:{sa_email(PROD, 'gke-nodes')}"]),
            ],
        ),
        _policy(
            f"{CRM}/projects/{PROJECT_NUMBERS[DATA]}",
            "cloudresourcemanager.googleapis.com/Project",
            DATA,
            [
                ("roles/owner", [alice]),
                ("roles/cloudsql.client", [f"serviceAccount:{sa_email(DATA, 'orders-api')}"]),
                ("roles/viewer", ["serviceAccount:ci-runner@external-ci.iam.gserviceaccount.com", alice]),
            ],
        ),
        _policy(
            "//storage.googleapis.com/acme-public-assets",
            "storage.googleapis.com/Bucket",
            DATA,
            [("roles/storage.objectViewer", ["allUsers"]), ("roles/storage.admin", [alice])],
        ),
        _policy(
            "//storage.googleapis.com/acme-data-private",
            "storage.googleapis.com/Bucket",
            DATA,
            [("roles/storage.objectAdmin", [f"serviceAccount:{sa_email(DATA, 'thumbnailer')}"])],
        ),
        _policy(
            f"//run.googleapis.com/projects/{DATA}/locations/{REGION}/services/orders-api",
            "run.googleapis.com/Service",
            DATA,
            [("roles/run.invoker", ["allUsers"])],
        ),
    ]
