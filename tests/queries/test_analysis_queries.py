"""Dependencies, blast radius, critical paths, shortest path and exposure on the fixture estate (real Neo4j)."""

from __future__ import annotations

import pytest

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries.blast import blast_radius, dependencies
from queries.exposure import exposure_paths
from queries.paths import critical_paths, shortest_path
from tests.queries.fixture_graph import rid


def _by_name(result_nodes: tuple[object, ...]) -> dict[str, int]:
    return {r.node.name: r.distance for r in result_nodes}  # type: ignore[attr-defined]


def test_dependencies_of_an_instance_follow_declared_meanings(analysis_estate: Graph) -> None:
    result = dependencies(analysis_estate, rid("web1"), "DEPENDENCIES", 6)
    assert _by_name(result.nodes) == {"app-sg": 1, "sn-priv": 1, "vol1": 1, "kms1": 2, "vpc1": 2, "igw1": 3}
    assert not result.truncated
    kms = next(r for r in result.nodes if r.node.name == "kms1")
    assert [(s.from_id, s.type, s.to_id, s.edge_forward) for s in kms.path] == [
        (rid("web1"), "ATTACHED_TO", rid("vol1"), False),
        (rid("vol1"), "ENCRYPTED_BY", rid("kms1"), True),
    ]
    shallow = dependencies(analysis_estate, rid("web1"), "DEPENDENCIES", 1)
    assert _by_name(shallow.nodes) == {"app-sg": 1, "sn-priv": 1, "vol1": 1}


def test_blast_radius_of_a_key_reaches_the_load_balancer_through_the_chain(analysis_estate: Graph) -> None:
    blast = blast_radius(analysis_estate, rid("kms1"))
    assert _by_name(blast.nodes) == {"db1": 1, "vol1": 1, "web1": 2, "tg": 3, "l443": 4, "alb": 5}
    assert blast.total == 6
    assert [(c.key, c.count) for c in blast.by_distance] == [("1", 2), ("2", 1), ("3", 1), ("4", 1), ("5", 1)]
    assert [(c.key, c.count) for c in blast.by_kind] == [
        ("EBSVolume", 1),
        ("EC2Instance", 1),
        ("Listener", 1),
        ("LoadBalancer", 1),
        ("RDSInstance", 1),
        ("TargetGroup", 1),
    ]
    alb = next(r for r in blast.nodes if r.node.name == "alb")
    assert [s.to_id for s in alb.path] == [rid(n) for n in ("vol1", "web1", "tg", "l443", "alb")]
    capped = blast_radius(analysis_estate, rid("kms1"), max_depth=2)
    assert _by_name(capped.nodes) == {"db1": 1, "vol1": 1, "web1": 2}
    truncated = blast_radius(analysis_estate, rid("kms1"), max_nodes=3)
    assert truncated.truncated
    assert truncated.total == 3


def test_blast_radius_of_a_subnet(analysis_estate: Graph) -> None:
    blast = blast_radius(analysis_estate, rid("sn-priv"))
    assert _by_name(blast.nodes) == {"web1": 1, "web2": 1, "db1": 1, "tg": 2, "l443": 3, "alb": 4}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: blast_radius(g, "nope"), "no resource with id 'nope'"),
        (lambda g: blast_radius(g, rid("kms1"), max_depth=11), "maxDepth must be between 1 and 10, got 11"),
        (lambda g: dependencies(g, rid("kms1"), max_nodes=0), "first must be between 1 and 5000"),
        (lambda g: shortest_path(g, rid("web1"), "nope"), "no resource with id 'nope'"),
        (lambda g: shortest_path(g, rid("web1"), rid("kms1"), types=["NOPE"]), "unknown relationship type(s) NOPE"),
        (lambda g: critical_paths(g, first=0), "first must be between 1 and 500"),
        (lambda g: critical_paths(g, provider="oracle"), "provider must be aws, azure or gcp"),
        (lambda g: exposure_paths(g, "nope"), "no resource with id 'nope'"),
    ],
)
def test_bad_input_says_what_to_fix(analysis_estate: Graph, call: object, message: str) -> None:
    with pytest.raises(QueryInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(analysis_estate)  # type: ignore[operator]


def test_shortest_path(analysis_estate: Graph) -> None:
    path = shortest_path(analysis_estate, rid("web1"), rid("kms1"))
    assert path is not None
    assert [n.name for n in path.nodes] == ["web1", "vol1", "kms1"]
    assert [(s.type, s.edge_forward) for s in path.steps] == [("ATTACHED_TO", False), ("ENCRYPTED_BY", True)]
    assert shortest_path(analysis_estate, rid("web1"), rid("kv1")) is None  # different clouds: no path
    assert shortest_path(analysis_estate, rid("web1"), rid("web1")) is not None
    assert shortest_path(analysis_estate, rid("web1"), rid("kms1"), max_depth=1) is None


def test_critical_paths_ranked_with_single_points_of_failure(analysis_estate: Graph) -> None:
    result = critical_paths(analysis_estate)
    assert result.entries == 4  # alb, bastion, pip1, gi1
    assert result.total == 3
    got = [
        (
            p.rank,
            p.entry.name,
            p.store.name,
            [n.name for n in p.path.nodes],
            [n.name for n in p.single_points_of_failure],
        )
        for p in result.paths
    ]
    assert got == [
        (1, "pip1", "kv1", ["pip1", "nic1", "vm1", "kv1"], ["nic1", "vm1"]),
        (2, "alb", "db1", ["alb", "l443", "tg", "web1", "db1"], ["l443", "tg"]),
        (3, "gi1", "gsql", ["gi1", "gsql"], []),
    ]
    hop = result.paths[1].path.steps[-1]
    assert (hop.type, hop.via) == ("ALLOWED_BY_SECURITY_GROUP", "db-sg/in/tcp/5432")
    assert [(s.node.name, s.paths) for s in result.single_points_of_failure] == [  # most shared first, then by id
        ("l443", 1),
        ("tg", 1),
        ("nic1", 1),
        ("vm1", 1),
    ]
    only_gcp = critical_paths(analysis_estate, provider="gcp")
    assert [(p.entry.name, p.store.name) for p in only_gcp.paths] == [("gi1", "gsql")]
    assert len(critical_paths(analysis_estate, first=1).paths) == 1


def test_exposure_is_port_aware_across_the_three_clouds(analysis_estate: Graph) -> None:
    paths = exposure_paths(analysis_estate)
    got = sorted((p.resource.name, p.ports_text) for p in paths)
    # SSH on the AWS side is denied by the ACL; GCP's deny rule removes 81; Azure's NIC NSG only lets 22 through
    assert got == [("alb", "tcp 443"), ("bastion", "tcp 443"), ("gi1", "tcp 22,80"), ("vm1", "tcp 22")]
    alb = next(p for p in paths if p.resource.name == "alb")
    assert [(h.node.name, h.rule_id) for h in alb.hops] == [
        ("Internet", None),
        ("igw1", None),
        ("rt-pub", None),
        ("sn-pub", None),
        ("acl1", "acl1/ingress/100"),
        ("web-sg", "web-sg/in/tcp/443"),
        ("alb", None),
    ]
    vm = next(p for p in paths if p.resource.name == "vm1")
    assert [(h.node.name, h.rule_id) for h in vm.hops] == [
        ("Internet", None),
        ("pip1", None),
        ("nic1", None),
        ("nsg-sub", "nsg-sub/ssh-rdp"),
        ("nsg-nic", "nsg-nic/ssh"),
        ("vm1", None),
    ]
    gi = next(p for p in paths if p.resource.name == "gi1")
    assert [(h.node.name, h.rule_id) for h in gi.hops] == [
        ("Internet", None),
        ("gnet", None),
        ("fw-ssh", rid("fw-ssh")),
        ("fw-web", rid("fw-web")),
        ("gi1", None),
    ]
    assert [p.resource.name for p in exposure_paths(analysis_estate, rid("bastion"))] == ["bastion"]
    assert exposure_paths(analysis_estate, rid("web1")) == ()
    assert {p.resource.name for p in exposure_paths(analysis_estate, provider="azure")} == {"vm1"}
