"""Cloud Asset payload -> graph rows (pure).

Every asset becomes a node keyed by its full resource name: the typed label of its asset type, or
GCPResource. The search result gives the display name, labels, state and create time; the asset's
``resource.data`` gives the typed properties and edges (see ``kinds``). Across assets: containers
(IN_PROJECT, IN_FOLDER, IN_ORGANIZATION), firewall APPLIES_TO instances, instance group HAS_MEMBER
(from the search results' INSTANCE_TO_INSTANCEGROUP relationships, and for managed groups from the
instance's ``created-by`` metadata) and IAM bindings (HAS_ROLE).

Account = project id (the number is mapped through the Project assets); organizations, folders and
principals, which no project holds, get the discovery scope (``organizations/N``) as account.
Region = the asset's location, ``global`` when it has none; a zonal location (``us-central1-a``) is stored
as ``zone`` and its region (``us-central1``). Without a location (an export line), the payload's own
``zone`` / ``region`` / ``location`` fields are read.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.tags import tags_from_map
from ingest.providers.gcp.kinds import (
    GENERIC_LABEL,
    HANDLERS,
    LABELS_BY_TYPE,
    Context,
    Item,
    as_str,
    compute_ref,
    m,
    seq,
    short,
    strings,
    zone_region,
)
from ingest.providers.gcp.payload import AssetRecord, GcpPayload, PolicyResult, SearchResult

log = logging.getLogger(__name__)

CRM = "//cloudresourcemanager.googleapis.com/"
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})
CONTAINER_LABELS = {"organizations": "GCPOrganization", "folders": "GCPFolder", "projects": "GCPProject"}
GLOBAL = "global"


@dataclass(frozen=True)
class GcpRows:
    """The rows of one scope, and the accounts (project ids, plus the scope itself) they were written under."""

    rows: Transformed
    accounts: tuple[str, ...]


def label_for(asset_type: str) -> str:
    return LABELS_BY_TYPE.get(asset_type, GENERIC_LABEL)


def _project_number(asset: AssetRecord | None, search: SearchResult | None) -> str:
    if search and search.project.startswith("projects/"):
        return search.project.split("/", 1)[1]
    ancestors = asset.ancestors if asset else ()
    number = next((a.split("/", 1)[1] for a in ancestors if a.startswith("projects/")), "")
    parent = asset.parent if asset else ""
    if not number and parent.startswith(f"{CRM}projects/"):
        number = parent[len(f"{CRM}projects/") :].split("/", 1)[0]
    return number


def _project_ids(assets: Iterable[AssetRecord]) -> dict[str, str]:
    """Project number -> project id, from the Project assets."""
    out = {}
    for a in assets:
        if a.asset_type == "cloudresourcemanager.googleapis.com/Project":
            number = str(a.data.get("projectNumber") or a.name.rsplit("/", 1)[-1])
            if a.data.get("projectId"):
                out[number] = str(a.data["projectId"])
    return out


def _account(item: Item, project_ids: Mapping[str, str], scope: str) -> str:
    if item.label in ("GCPOrganization", "GCPFolder"):
        return scope
    if item.project_number in project_ids:
        return project_ids[item.project_number]
    parts = item.name.split("/")
    if "projects" in parts and parts.index("projects") + 1 < len(parts):  # compute names carry the project id
        return parts[parts.index("projects") + 1]
    return item.project_number or scope


def _name(item: Item) -> str:
    if item.search and item.search.display_name:
        return item.search.display_name
    for key in ("displayName", "name", "projectId"):
        value = as_str(item.data.get(key))
        if value:
            return value.rsplit("/", 1)[-1]
    return item.name.rsplit("/", 1)[-1] or item.name


def _tags(item: Item) -> tuple[str, ...]:
    labels: Mapping[str, object] = item.search.labels if item.search and item.search.labels else {}
    if not labels:
        labels = m(item.data.get("labels")) or m(m(item.data.get("settings")).get("userLabels"))
        labels = labels or m(item.data.get("resourceLabels"))
    return tags_from_map(labels)


def _state(item: Item) -> str | None:
    if item.search and item.search.state:
        return item.search.state
    for key in ("status", "state", "lifecycleState"):
        if as_str(item.data.get(key)):
            return str(item.data[key])
    return None


def merge(payload: GcpPayload) -> list[Item]:
    """One Item per full resource name seen by either call, in a stable order."""
    searches = {r.name: r for r in payload.resources}
    assets = {a.name: a for a in payload.assets}
    items = []
    for name in sorted(searches.keys() | assets.keys()):
        search, asset = searches.get(name), assets.get(name)
        asset_type = (asset.asset_type if asset else "") or (search.asset_type if search else "")
        parent = (asset.parent if asset else "") or (search.parent_full_resource_name if search else "")
        item = Item(
            name,
            asset_type,
            label_for(asset_type),
            asset.data if asset else {},
            search,
            _project_number(asset, search),
            parent,
        )
        items.append(item)
    return items


def _location(item: Item, payload_locations: Mapping[str, str]) -> tuple[str | None, str]:
    """(zone, region) of the item."""
    location = (item.search.location if item.search else "") or payload_locations.get(item.name, "")
    d = item.data
    location = location or short(d.get("zone")) or short(d.get("region")) or as_str(d.get("location")) or ""
    zone, region = zone_region(location)
    if zone is None:
        zone = zone_region(as_str(d.get("gceZone")))[0]
    return zone, (region or GLOBAL).lower()  # Cloud Asset writes locations in lower case (bucket data: "US")


def public_resources(policies: Iterable[PolicyResult]) -> frozenset[str]:
    return frozenset(p.resource for p in policies for b in p.bindings if PUBLIC_MEMBERS & set(b.members))


def build_context(items: Sequence[Item], policies: Sequence[PolicyResult]) -> Context:
    sa_by_email = {
        str(i.data["email"]): i.name for i in items if i.label == "GCPServiceAccount" and as_str(i.data.get("email"))
    }
    url_maps = {
        i.name: i.data
        for i in items
        if i.asset_type in ("compute.googleapis.com/UrlMap", "compute.googleapis.com/RegionUrlMap")
    }
    return Context(sa_by_email, url_maps, public_resources(policies), frozenset(i.name for i in items))


def transform_gcp(payload: GcpPayload) -> GcpRows:
    """Every asset of the scope as nodes and edges; IAM bindings as HAS_ROLE edges from their members."""
    items = merge(payload)
    ctx = build_context(items, payload.policies)
    project_ids = _project_ids(payload.assets)
    locations = {a.name: a.location for a in payload.assets}
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    accounts: set[str] = set()
    labels_by_name: dict[str, str] = {}
    for item in items:
        account = _account(item, project_ids, payload.scope)
        zone, region = _location(item, locations)
        accounts.add(account)
        rows = HANDLERS[item.label](item, ctx)
        base: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "zone": zone,
            "name": _name(item),
            "tags": _tags(item),
            "asset_type": item.asset_type or None,
            "project_number": item.project_number or None,
            "state": _state(item),
            "create_time": item.search.create_time if item.search else None,
            "parent_name": item.parent or None,
        }
        nodes.append(
            NodeRow(
                item.label,
                item.name,
                {**base, **{k: v for k, v in rows.props.items() if v is not None or k not in base}},
            )
        )
        labels_by_name[item.name] = item.label
        edges += rows.edges
        edges += _container_edges(item)
        for extra in rows.extra_nodes:
            extra_props = {
                **base,
                "asset_type": "container.googleapis.com/NodePool",
                "tags": (),
                "create_time": None,
                "parent_name": item.name,
                **extra.props,
            }
            nodes.append(NodeRow(extra.label, extra.id, extra_props))
            labels_by_name[extra.id] = extra.label
            if item.project_number:
                edges.append(EdgeRow("IN_PROJECT", extra.label, extra.id, "GCPProject", _project_id(item)))
    edges += firewall_targets(items)
    edges += group_members(items, labels_by_name)
    iam = iam_rows(payload.policies, labels_by_name, ctx, payload.scope)
    if iam.nodes:
        accounts.add(payload.scope)
    return GcpRows(Transformed(tuple(nodes), tuple(edges)) + iam, tuple(sorted(accounts)))


def _project_id(item: Item) -> str:
    return f"{CRM}projects/{item.project_number}"


def _container_edges(item: Item) -> list[EdgeRow]:
    if item.label in ("GCPProject", "GCPFolder"):
        if not item.parent.startswith(CRM):
            return []
        kind = item.parent[len(CRM) :].split("/", 1)[0]
        target = CONTAINER_LABELS.get(kind)
        type_ = {"GCPFolder": "IN_FOLDER", "GCPOrganization": "IN_ORGANIZATION"}.get(target or "")
        return [EdgeRow(type_, item.label, item.name, str(target), item.parent)] if type_ else []
    if item.label == "GCPOrganization" or not item.project_number:
        return []
    return [EdgeRow("IN_PROJECT", item.label, item.name, "GCPProject", _project_id(item))]


def firewall_targets(items: Sequence[Item]) -> list[EdgeRow]:
    """Enabled rules -> the instances of their network with a target tag, a target service account, or all."""
    instances = []
    for i in (i for i in items if i.label == "GCPComputeInstance"):
        nics = [m(n) for n in seq(i.data.get("networkInterfaces"))]
        networks = {compute_ref(n.get("network")) for n in nics} - {None}
        tags = set(strings(m(i.data.get("tags")).get("items")) or ())
        emails = {str(m(s).get("email")) for s in seq(i.data.get("serviceAccounts"))}
        instances.append((i.name, networks, tags, emails))
    edges = []
    for rule in (i for i in items if i.label == "GCPFirewall" and not i.data.get("disabled")):
        net = compute_ref(rule.data.get("network"))
        target_tags = set(strings(rule.data.get("targetTags")) or ())
        target_sas = set(strings(rule.data.get("targetServiceAccounts")) or ())
        for name, networks, tags, emails in instances:
            if net not in networks:
                continue
            if (target_tags and not target_tags & tags) or (target_sas and not target_sas & emails):
                continue
            edges.append(EdgeRow("APPLIES_TO", "GCPFirewall", rule.name, "GCPComputeInstance", name))
    return edges


def _created_by(instance: Item, managers: Mapping[str, str]) -> str | None:
    """The group of the managed instance group that created the instance (``created-by`` metadata holds the
    manager, ``projects/NUMBER/zones/Z/instanceGroupManagers/M``). The manager's ``instanceGroup`` when it
    was discovered, else the group a manager always creates: same project, location and name."""
    items = m(instance.data.get("metadata")).get("items")
    value = next((as_str(m(e).get("value")) for e in seq(items) if m(e).get("key") == "created-by"), None)
    if not value or "/instanceGroupManagers/" not in value or "/projects/" not in f"/{instance.name}":
        return None
    location, _, manager = value.split("/", 2)[2].partition("/instanceGroupManagers/")
    project_id = instance.name.split("/projects/", 1)[1].split("/", 1)[0]
    manager_name = f"//compute.googleapis.com/projects/{project_id}/{location}/instanceGroupManagers/{manager}"
    return (
        managers.get(manager_name)
        or f"//compute.googleapis.com/projects/{project_id}/{location}/instanceGroups/{manager}"
    )


def group_members(items: Sequence[Item], labels: Mapping[str, str]) -> list[EdgeRow]:
    managers = {
        i.name: ref
        for i in items
        if i.asset_type
        in ("compute.googleapis.com/InstanceGroupManager", "compute.googleapis.com/RegionInstanceGroupManager")
        and (ref := compute_ref(i.data.get("instanceGroup")))
    }
    edges = set()
    for i in items:
        if i.label != "GCPComputeInstance":
            continue
        groups = list(i.search.relationships.get("INSTANCE_TO_INSTANCEGROUP", ())) if i.search else []
        created_by = _created_by(i, managers)
        groups += [created_by] if created_by else []
        for group in groups:
            if labels.get(group, "GCPInstanceGroup") == "GCPInstanceGroup":
                edges.add(EdgeRow("HAS_MEMBER", "GCPInstanceGroup", group, "GCPComputeInstance", i.name))
    return sorted(edges, key=lambda e: (e.source_id, e.target_id))


def principal_row(member: str, scope: str) -> NodeRow:
    kind, _, value = member.partition(":")
    public = member in PUBLIC_MEMBERS
    props: dict[str, PropValue] = {
        "account": scope,
        "region": GLOBAL,
        "name": member,
        "tags": (),
        "principal_type": kind,
        "email": value.split("?", 1)[0] or None,
        "is_public": public,
    }
    return NodeRow("GCPPrincipal", member, props)


def iam_rows(policies: Iterable[PolicyResult], labels: Mapping[str, str], ctx: Context, scope: str) -> Transformed:
    """One HAS_ROLE edge per (member, resource) with every role the member holds there.
    A discovered service account is its own member node; every other member is a GCPPrincipal."""
    roles: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    principals: dict[str, NodeRow] = {}
    skipped = 0
    for policy in policies:
        target = labels.get(policy.resource)
        if target is None:
            skipped += 1
            continue
        for binding in policy.bindings:
            for member in binding.members:
                kind, _, email = member.partition(":")
                if kind == "serviceAccount" and email in ctx.sa_by_email:
                    source = ("GCPServiceAccount", ctx.sa_by_email[email])
                else:
                    source = ("GCPPrincipal", member)
                    principals.setdefault(member, principal_row(member, scope))
                roles[(*source, policy.resource)].add(binding.role)
    if skipped:
        log.info("%s IAM policies on resources outside the discovered assets were skipped", skipped)
    edges = tuple(
        EdgeRow("HAS_ROLE", source_label, source_id, labels[resource], resource, {"roles": tuple(sorted(r))})
        for (source_label, source_id, resource), r in sorted(roles.items())
    )
    return Transformed(tuple(principals[k] for k in sorted(principals)), edges)
