"""Compute the derived dependency edges after each sync, recomputing only what the sync changed.

``derive_dependencies(graph, settings)`` runs after each sync (``ingest.jobs.hooks.POST_SYNC``), for all
three clouds at once (edges cross accounts: a workload of one account may read a store of another). The
edges come in families (``FAMILIES``): each names the edge type it derives, the node kinds it reads (its
input kinds) and how it computes (network use through the exposure engine's rule evaluation, event
feeds, data reads). A family's edges carry its name (``family``) and the generation of the pass that
wrote them (``derived_at``); a pass MERGEs what it computed in batches, then deletes the family's edges
in the recomputed part that it did not find.

What changed comes from what the reconciling writer (``graph.reconcile``) leaves on every node it writes:
its content hash (``sync_hash``), the hash of the edges its unit gives it (``sync_edges``) and the
generation that wrote it (``last_sync``, which the rewriting writer moves on every node each sync). A
family's input fingerprint hashes (id, those three) of every node of its input kinds; it changes exactly
when the writer created, changed or removed a node of those kinds or changed the edges a unit gives one
of them. A family whose fingerprint equals the one its last pass recorded (``DerivationState``) is
skipped: it reads nothing else, so its edges are what a recomputation would give.

A family whose fingerprint changed is recomputed whole, unless it recomputes by scope. AWS network use
(``queries.derived.network_aws``) does, per VPC: it reads its rows, fingerprints per VPC every row an edge
into that VPC's workloads and databases is computed from (the workloads with a subnet or group there, the
rules of their groups, the ACLs and route tables of those subnets, the peerings and transit gateways
joining the VPC), and recomputes the edges into the providers of the VPCs whose fingerprint changed and of
the VPCs a peering or transit gateway joins them to (an edge into VPC X is computed from X's rows and from
the rows of the VPCs joined to X, and a gateway's row is in the fingerprint of each VPC it joins, so one
that appears, goes or changes marks both). The edges it replaces are those into those providers and those
recorded with one of those VPCs as their ``scope``. The other families are recomputed whole when their
inputs changed.

The input kinds cover the nodes and the edges their own unit gives them (every edge a family reads is
such an edge). A family added here declares its input kinds beside its computation, in one line of
``FAMILIES``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b

from neo4j import ManagedTransaction

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema.dependency_edges import (
    CONFIGURED_TO_USE,
    CONSUMES,
    HAS_ACCESS_TO,
    NETWORK_PROVIDERS,
    REACHES,
    READ_TARGETS,
    READERS,
    READS,
)
from queries.derived import access, config
from queries.derived.flows import EVENT_INPUT_KINDS, event_edges, read_edges
from queries.derived.model import DerivedEdge
from queries.derived.network_aws import affected_vpcs, load_network, network_edges, providers_in, vpc_digests
from queries.derived.network_azure_gcp import azure_network_edges, gcp_network_edges

__all__ = [
    "FAMILIES",
    "DerivationSummary",
    "Derived",
    "Family",
    "compute_edges",
    "derive_dependencies",
    "input_fingerprints",
]

log = logging.getLogger(__name__)

_BATCH = 5000
STATE_LABEL = "DerivationState"


@dataclass(frozen=True)
class Derived:
    """What one family computed: its edges, and which of its stored edges they replace."""

    edges: Sequence[DerivedEdge]
    targets: frozenset[str] | None = None  # replaced: the family's edges into these targets; None: all of them
    scopes: frozenset[str] = frozenset()  # ... and those whose recorded scope is one of these
    digests: Mapping[str, str] = field(default_factory=dict)  # scope -> fingerprint, recorded for the next pass
    recomputed: str = "all"  # what was recomputed, in words


Compute = Callable[[Graph, Mapping[str, str]], Derived]


@dataclass(frozen=True)
class Family:
    """One family of derived edges: its name, the edge type, the node kinds it reads, how it computes
    (``compute(graph, scope fingerprints its last pass recorded)``)."""

    name: str
    edge_type: str
    inputs: tuple[str, ...]
    compute: Compute


def whole(edges: Callable[[Graph], list[DerivedEdge]]) -> Compute:
    """A family recomputed whole whenever its inputs changed."""

    def compute(graph: Graph, previous: Mapping[str, str]) -> Derived:
        return Derived(edges(graph))

    return compute


def aws_network(graph: Graph, previous: Mapping[str, str]) -> Derived:
    """AWS network use, recomputed for the VPCs whose rows changed and the VPCs joined to them."""
    net = load_network(graph)
    digests = vpc_digests(net)
    if not previous:
        return Derived(network_edges(net), None, frozenset(), digests, "all")
    changed = {vpc for vpc in digests.keys() | previous.keys() if digests.get(vpc) != previous.get(vpc)}
    vpcs = affected_vpcs(net, changed)
    edges = network_edges(net, vpcs=vpcs)
    return Derived(
        edges, frozenset(providers_in(net, vpcs)), frozenset(vpcs), digests, f"{len(vpcs)} of {len(digests)} VPCs"
    )


_AWS_NETWORK_INPUTS = (
    *NETWORK_PROVIDERS["aws"],
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
    "VPC",
    "NetworkAcl",
    "NetworkAclEntry",
    "RouteTable",
    "VPCPeeringConnection",
    "TransitGateway",
    "TransitGatewayAttachment",
)
# Application security group membership and the service accounts an instance runs as are read from the NIC's
# and the instance's own properties, the groups and accounts a rule names from the rule's: their own kinds are
# no input.
_AZURE_NETWORK_INPUTS = (
    "AzureVirtualMachine",
    "AzureNetworkInterface",
    "AzureSubnet",
    "AzureVirtualNetwork",
    "AzureNetworkSecurityGroup",
    "AzureSecurityRule",
)
_GCP_NETWORK_INPUTS = ("GCPComputeInstance", "GCPSubnetwork", "GCPNetwork", "GCPFirewall")
_READ_INPUTS = (
    *(k for kinds in READERS.values() for k in kinds),
    *(k for kinds in READ_TARGETS.values() for k in kinds),
    "IAMInstanceProfile",
    "IAMRole",
    "IAMPolicy",
    "IAMPolicyStatement",
    "ECSTaskDefinition",
    "GCPServiceAccount",
    "GCPProject",
    "AzureRoleAssignment",
    *access.INPUT_KINDS,  # AWS reads are the named share of effective access
)

# One line per family: name, edge type, input kinds, computation.
FAMILIES: tuple[Family, ...] = (
    Family("aws-network", REACHES, _AWS_NETWORK_INPUTS, aws_network),
    Family("azure-network", REACHES, _AZURE_NETWORK_INPUTS, whole(azure_network_edges)),
    Family("gcp-network", REACHES, _GCP_NETWORK_INPUTS, whole(gcp_network_edges)),
    Family("events", CONSUMES, EVENT_INPUT_KINDS, whole(event_edges)),
    Family("reads", READS, _READ_INPUTS, whole(read_edges)),
    Family("access", HAS_ACCESS_TO, access.INPUT_KINDS, whole(access.access_edges)),
    Family("config", CONFIGURED_TO_USE, config.INPUT_KINDS, whole(config.config_edges)),
)


@dataclass(frozen=True)
class DerivationSummary:
    """What one derivation pass wrote: edges by type, stale ones removed, seconds spent, and per family what
    was recomputed (``skipped`` when its inputs had not changed)."""

    by_type: tuple[tuple[str, int], ...]
    removed: int
    seconds: float
    families: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_type)

    @property
    def skipped(self) -> tuple[str, ...]:
        return tuple(name for name, what in self.families if what == "skipped")

    @property
    def recomputed_types(self) -> frozenset[str]:
        """The edge types of the families this pass recomputed (their edges may have changed)."""
        names = {name for name, what in self.families if what != "skipped"}
        return frozenset(f.edge_type for f in FAMILIES if f.name in names)

    def line(self) -> str:
        kinds = ", ".join(f"{t} {n}" for t, n in self.by_type) or "none"
        recomputed = ", ".join(f"{name}: {what}" for name, what in self.families)
        return (
            f"derived {self.total} dependency edges ({kinds}); {self.removed} stale removed; "
            f"{self.seconds:.2f} s ({recomputed})"
        )


def compute_edges(graph: Graph) -> list[DerivedEdge]:
    """Every derived edge the graph's current state supports, without duplicates (every family whole)."""
    return list(dict.fromkeys(e for family in FAMILIES for e in family.compute(graph, {}).edges))


_FINGERPRINT = "MATCH (n:{label}) RETURN n.id AS id, n.sync_hash AS h, n.sync_edges AS e, n.last_sync AS g"


def input_fingerprints(graph: Graph, labels: Iterable[str]) -> dict[str, str]:
    """Label -> fingerprint of its nodes as the writer left them (id, content hash, edges hash, generation)."""
    out: dict[str, str] = {}
    for label in sorted(set(labels)):
        rows = sorted(f"{r['id']}|{r['h']}|{r['e']}|{r['g']}" for r in graph.read(_FINGERPRINT.format(label=label)))
        out[label] = blake2b("\n".join(rows).encode(), digest_size=12).hexdigest()
    return out


def _family_fingerprint(family: Family, by_label: Mapping[str, str]) -> str:
    text = "\n".join(f"{label}={by_label[label]}" for label in sorted(set(family.inputs)))
    return blake2b(f"{family.name}|{family.edge_type}\n{text}".encode(), digest_size=12).hexdigest()


_STATE = f"MATCH (s:{STATE_LABEL}) RETURN s.id AS id, s.inputs AS inputs, s.scopes AS scopes"
_SAVE_STATE = (
    f"MERGE (s:{STATE_LABEL} {{id: $id}}) "
    "SET s.edge_type = $type, s.inputs = $inputs, s.scopes = $scopes, s.derived_at = $gen"
)


def _states(graph: Graph) -> dict[str, tuple[str, dict[str, str]]]:
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for row in graph.read(_STATE):
        scopes = json.loads(str(row["scopes"] or "{}"))
        out[str(row["id"])] = (str(row["inputs"] or ""), {str(k): str(v) for k, v in scopes.items()})
    return out


def _merge(type_: str) -> str:
    # type_ is one of the declared DERIVED_TYPES (plain identifiers): safe to place in the text
    return (
        "UNWIND $rows AS row MATCH (a:Resource {id: row.source}) MATCH (b:Resource {id: row.target}) "
        f"MERGE (a)-[r:{type_} {{via: row.via}}]->(b) SET r += row.props, r.derived_at = $gen"
    )


def _stale(type_: str, scoped: bool) -> list[str]:
    """The deletions of the family's older edges: all of them, or those into the targets and of the scopes."""
    where = "(r.family = $family OR r.family IS NULL) AND (r.derived_at IS NULL OR r.derived_at <> $gen)"
    if scoped:
        return [
            f"UNWIND $targets AS t MATCH ()-[r:{type_}]->(:Resource {{id: t}}) WHERE {where} "
            "DELETE r RETURN count(*) AS n",
            f"MATCH ()-[r:{type_}]->() WHERE r.scope IN $scopes AND {where} DELETE r RETURN count(*) AS n",
        ]
    return [f"MATCH ()-[r:{type_}]->() WHERE {where} DELETE r RETURN count(*) AS n"]


def _write(graph: Graph, family: Family, derived: Derived, generation: int) -> int:
    """MERGE the family's edges stamped ``generation``; delete the ones they replace. Returns removed."""
    rows = [
        {
            "source": e.source,
            "target": e.target,
            "via": e.via,
            "props": {**e.properties(), "family": family.name, **({"scope": e.scope} if e.scope else {})},
        }
        for e in dict.fromkeys(derived.edges)
        if e.type == family.edge_type
    ]
    for start in range(0, len(rows), _BATCH):
        graph.write(_merge(family.edge_type), {"rows": rows[start : start + _BATCH], "gen": generation})
    scoped = derived.targets is not None
    params: dict[str, object] = {
        "gen": generation,
        "family": family.name,
        "targets": sorted(derived.targets or ()),
        "scopes": sorted(derived.scopes),
    }

    def work(tx: ManagedTransaction) -> int:
        return sum(int(tx.run(q, params).single(strict=True)["n"]) for q in _stale(family.edge_type, scoped))

    return graph.write_tx(work)


def derive_dependencies(
    graph: Graph,
    settings: Settings | None = None,
    kinds: Collection[str] | None = None,
    families: Sequence[Family] = FAMILIES,
) -> DerivationSummary:
    """The post-sync hook: recompute each family's edges where its inputs changed since its last pass.
    ``kinds``: the labels the sync may have changed (None: unknown); a family reading none of them is skipped
    without reading its inputs' stamps.

    Another job's units may write while a pass computes (two accounts synced at once): a family whose inputs
    changed between the pass's first read of their stamps and the end of its computation keeps the state its
    last pass recorded, so the next pass (the other job's) recomputes from there instead of trusting scope
    fingerprints read from rows half written."""
    started = time.monotonic()
    generation = time.time_ns()
    touched = [f for f in families if kinds is None or not set(f.inputs).isdisjoint(kinds)]
    fingerprints = input_fingerprints(graph, (label for f in touched for label in f.inputs)) if touched else {}
    states = _states(graph) if touched else {}
    counts: Counter[str] = Counter()
    removed = 0
    done: list[tuple[str, str]] = []
    for family in families:
        if family not in touched:
            done.append((family.name, "skipped"))
            continue
        inputs = _family_fingerprint(family, fingerprints)
        recorded, scopes = states.get(family.name, ("", {}))
        if recorded == inputs:
            done.append((family.name, "skipped"))
            continue
        derived = family.compute(graph, scopes if recorded else {})
        removed += _write(graph, family, derived, generation)
        counts[family.edge_type] += len(derived.edges)
        if _family_fingerprint(family, input_fingerprints(graph, family.inputs)) != inputs:
            log.info("derivation %s: inputs changed while it computed; state left for the next pass", family.name)
            done.append((family.name, derived.recomputed + " (inputs changed meanwhile)"))
            continue
        graph.write(
            _SAVE_STATE,
            {
                "id": family.name,
                "type": family.edge_type,
                "inputs": inputs,
                "scopes": json.dumps(dict(derived.digests), sort_keys=True),
                "gen": generation,
            },
        )
        done.append((family.name, derived.recomputed))
    summary = DerivationSummary(tuple(sorted(counts.items())), removed, time.monotonic() - started, tuple(done))
    log.info("%s", summary.line())
    return summary
