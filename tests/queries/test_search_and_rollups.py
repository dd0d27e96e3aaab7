"""Search with property predicates, sort and facets; rollups, overview, components and subgraphs (real Neo4j)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries.filters import PropertyPredicate, Sort
from queries.resources import ResourceFilter, resource_facets, search_resources
from queries.rollup import components, overview, rollup, subgraph
from tests.queries.fixture_graph import AWS, EDGES, NODES, rid


def _names(page: object) -> list[str]:
    return [i.properties["name"] for i in page.items]  # type: ignore[attr-defined]


def test_property_predicates_are_typed_from_the_schema(analysis_estate: Graph) -> None:
    large = ResourceFilter(kinds=("EC2Instance",), properties=(PropertyPredicate("instance_type", "EQ", "t3.large"),))
    assert sorted(_names(search_resources(analysis_estate, large))) == ["bastion", "web2"]
    big = ResourceFilter(properties=(PropertyPredicate("size", "GT", "50"),))
    assert _names(search_resources(analysis_estate, big)) == ["vol1"]
    tagged = ResourceFilter(properties=(PropertyPredicate("public_ip", "EXISTS"),))
    assert sorted(_names(search_resources(analysis_estate, tagged))) == ["bastion", "gi1"]
    listed = ResourceFilter(properties=(PropertyPredicate("rules", "CONTAINS", "tcp:22"),))
    assert _names(search_resources(analysis_estate, listed)) == ["fw-ssh"]


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        (ResourceFilter(properties=(PropertyPredicate("nope", "EQ", "x"),)), "unknown property 'nope'"),
        (ResourceFilter(kinds=("VPC",), properties=(PropertyPredicate("size", "EQ", "1"),)), "for VPC"),
        (ResourceFilter(properties=(PropertyPredicate("size", "GT", "big"),)), "size is a number"),
        (ResourceFilter(properties=(PropertyPredicate("encrypted", "GT", "true"),)), "compare it with EQ or NE"),
        (ResourceFilter(properties=(PropertyPredicate("size", "EQ"),)), "needs a value"),
    ],
)
def test_bad_predicates_are_refused(analysis_estate: Graph, flt: ResourceFilter, message: str) -> None:
    with pytest.raises(QueryInputError, match=message):
        search_resources(analysis_estate, flt)


def test_sorted_pages_cover_everything_once(analysis_estate: Graph) -> None:
    flt = ResourceFilter(providers=("aws",))
    sort = Sort("name", descending=True)
    seen: list[str] = []
    after = None
    while True:
        page = search_resources(analysis_estate, flt, first=4, after=after, sort=sort)
        seen += _names(page)
        if not page.has_next:
            break
        after = page.end_cursor
    expected = sorted((n for n, (_, scope, _) in NODES.items() if scope == AWS), reverse=True)
    assert seen == expected
    by_size = search_resources(analysis_estate, ResourceFilter(kinds=("EBSVolume",)), sort=Sort("size"))
    assert _names(by_size) == ["vol2", "vol1"]
    with pytest.raises(QueryInputError, match="does not belong to this sort order"):
        search_resources(analysis_estate, flt, first=4, after=page.cursors[0], sort=Sort("name"))


def test_facets_count_the_filtered_resources(analysis_estate: Graph) -> None:
    facets = resource_facets(analysis_estate, ResourceFilter(search="web"))
    assert facets.total == 4  # web-sg, web1, web2, fw-web
    assert [(f.value, f.count) for f in facets.kinds] == [("EC2Instance", 2), ("GCPFirewall", 1), ("SecurityGroup", 1)]
    assert [(f.value, f.count) for f in facets.providers] == [("aws", 3), ("gcp", 1)]
    everything = resource_facets(analysis_estate)
    expected = Counter(scope[0] for _, scope, _ in NODES.values())
    assert {f.value: f.count for f in everything.providers} == dict(expected)


def test_rollup_and_overview(analysis_estate: Graph) -> None:
    by_provider = {b.key: b.count for b in rollup(analysis_estate, "PROVIDER")}
    assert by_provider == dict(Counter(scope[0] for _, scope, _ in NODES.values()))
    top = overview(analysis_estate)
    assert [(g.id, g.count) for g in top.groups] == [
        ("account:111111111111", 19),
        ("account:proj-1", 7),
        ("account:sub-1", 9),
    ]
    assert top.edges == ()  # no relationships cross accounts
    kinds = overview(analysis_estate, "sub-1", "westeurope")
    assert {g.kind: g.count for g in kinds.groups}["AzureNetworkSecurityGroup"] == 2
    assert sorted((e.source.split("kind:")[1], e.count) for e in kinds.edges if e.type == "PROTECTED_BY") == [
        ("AzureNetworkInterface", 1),
        ("AzureSubnet", 1),
    ]
    with pytest.raises(QueryInputError, match="region needs an account"):
        overview(analysis_estate, region="westeurope")


def test_components_by_tag_and_by_connectivity(analysis_estate: Graph) -> None:
    by_app = components(analysis_estate, tag="app")
    assert [(c.key, c.size, [(k.key, k.count) for k in c.kinds]) for c in by_app] == [
        ("shop", 4, [("EC2Instance", 2), ("LoadBalancer", 1), ("RDSInstance", 1)]),
        ("crm", 2, [("AzureKeyVault", 1), ("AzureVirtualMachine", 1)]),
    ]
    connected = components(analysis_estate, provider="gcp")
    # every GCP node hangs together through the network, firewalls included
    assert [(c.size, c.internal_edges) for c in connected] == [
        (7, sum(1 for s, _, _ in EDGES if s in {"gi1", "gsub", "gsql", "fw-ssh", "fw-web", "fw-deny"}))
    ]


def test_subgraph_is_compact_nodes_and_edges(analysis_estate: Graph) -> None:
    sub = subgraph(analysis_estate, [rid("web1")], depth=1)
    assert sorted(n.name for n in sub.nodes) == ["app-sg", "sn-priv", "tg", "vol1", "web1"]
    assert sorted((e.type, e.source, e.target) for e in sub.edges) == sorted(
        [
            ("IN_SUBNET", rid("web1"), rid("sn-priv")),
            ("MEMBER_OF_SECURITY_GROUP", rid("web1"), rid("app-sg")),
            ("ATTACHED_TO", rid("vol1"), rid("web1")),
            ("TARGETS", rid("tg"), rid("web1")),
        ]
    )
    capped = subgraph(analysis_estate, [rid("web1")], depth=2, limit=3)
    assert capped.truncated
    assert len(capped.nodes) == 3
    with pytest.raises(QueryInputError, match="no resource with id 'x'"):
        subgraph(analysis_estate, ["x"])
