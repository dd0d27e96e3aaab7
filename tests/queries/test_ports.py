"""Port arithmetic and first-match rule evaluation (pure)."""

from __future__ import annotations

from queries.ports import (
    ALL_PORTS,
    Rule,
    aws_ports,
    describe,
    evaluate,
    gcp_rule,
    intersect,
    normalise,
    port_spec,
    protocol_name,
    subtract,
)


def test_ranges() -> None:
    assert normalise([(80, 90), (85, 100), (101, 101), (5, 4)]) == ((80, 101),)
    assert intersect(((0, 100),), ((50, 200), (300, 400))) == ((50, 100),)
    assert subtract((ALL_PORTS,), ((22, 22),)) == ((0, 21), (23, 65535))
    assert port_spec("8000-8080") == ((8000, 8080),)
    assert port_spec("*") == (ALL_PORTS,)
    assert port_spec("x") == ()
    assert aws_ports(-1, -1) == (ALL_PORTS,)
    assert aws_ports(None, None) == (ALL_PORTS,)
    assert gcp_rule("tcp:80-90") == ("tcp", ((80, 90),))
    assert gcp_rule("all") == ("all", (ALL_PORTS,))
    assert [protocol_name(p) for p in ("-1", "6", "17", "Tcp", "*")] == ["all", "tcp", "udp", "tcp", "all"]
    assert describe("tcp", ((22, 22), (80, 81))) == "tcp 22,80-81"


def test_first_match_wins_per_port() -> None:
    rules = [
        Rule((100, 0), True, "all", (ALL_PORTS,), "allow-all"),
        Rule((90, 0), False, "tcp", ((22, 22),), "deny-ssh"),
        Rule((95, 0), True, "udp", ((53, 53),), "dns"),
    ]
    tcp = evaluate(rules, "tcp")
    assert tcp.open == ((0, 21), (23, 65535))
    assert tcp.allowed_by == ("allow-all",)
    assert evaluate(rules, "tcp", ((20, 25),)).open == ((20, 21), (23, 25))
    udp = evaluate(rules, "udp")
    assert udp.open == (ALL_PORTS,)
    assert udp.allowed_by == ("dns", "allow-all")
    assert evaluate([], "tcp").open == ()  # nothing matches: denied
