"""The gate's parser and printer on their own (pure: no Neo4j): what parses, what is refused and why, and that
printing a tree and parsing it again gives the same tree, so what Neo4j runs is what the checks saw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.nl import cypher_ast as ast
from app.nl import examples, gate
from app.nl.cypher_parse import parse
from app.nl.cypher_render import render, render_expr
from core.errors import UnsafeCypherError
from graph.schema import SCHEMA
from tests.app.nl.redteam_cases import CONTAINED

EVAL = json.loads((Path(__file__).parents[3] / "app" / "nl" / "eval_questions.json").read_text())
CORPUS = (
    [e.cypher for e in examples.BANK]
    + [q["reference"] for q in EVAL if "$" not in q["reference"]]
    + [c for _, c in CONTAINED]
    + [
        "MATCH (n:Resource) WITH n, [x IN n.tags WHERE x <> '' | toUpper(x)] AS t RETURN n.name, t, "
        "CASE WHEN n.monthly_cost_usd > 1 THEN 'a' ELSE 'b' END AS c",
        "MATCH (n:Resource) RETURN reduce(s = 0, x IN [1, 2, 3] | s + x) AS total, n{.name, .id, k: 1} AS m",
        "MATCH (n:Resource) WHERE n.name =~ '.*prod.*' AND NOT n.id STARTS WITH 'x' "
        "RETURN n.id ORDER BY n.id DESC SKIP 2 LIMIT 3",
        "MATCH p = allShortestPaths((a:EC2Instance)-[:IN_SUBNET|IN_VPC*..4]-(b:VPC)) RETURN length(p) AS l",
        "MATCH (a:EC2Instance)<-[:ATTACHED_TO]-(v:EBSVolume) RETURN -1 * v.size ^ 2 % 7 AS x, [1, 2, 3][0..2] AS s",
        "UNWIND ['a', \"b's\", 'c\\\\d\\n'] AS s RETURN s, any(x IN [s] WHERE x IS NULL) AS q",
        "MATCH (n:Resource) RETURN count(DISTINCT n.kind) AS kinds, count(*) AS all_rows, "
        "date.truncate('month', date()) AS m",
    ]
)


@pytest.mark.parametrize("text", CORPUS)
def test_printing_a_tree_and_parsing_it_again_gives_the_same_tree(text: str) -> None:
    tree = parse(text)
    printed = render(tree)
    assert parse(printed) == tree
    assert render(parse(printed)) == printed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RETURN 1 OR 2 AND 3", "1 OR 2 AND 3"),
        ("RETURN (1 OR 2) AND 3", "(1 OR 2) AND 3"),
        ("RETURN 1 - (2 - 3)", "1 - (2 - 3)"),
        ("RETURN (1 - 2) - 3", "1 - 2 - 3"),
        ("RETURN NOT 1 = 2", "NOT 1 = 2"),
        ("RETURN (NOT true) = false", "(NOT true) = false"),
        ("RETURN 'it''s'", None),
        ("RETURN 'a\\'b\\\\c'", "'a\\'b\\\\c'"),
        ("RETURN `odd name`", "`odd name`"),
        ("RETURN exists(x.name)", "x.name IS NOT NULL"),
        ("RETURN 1e16", "1e16"),
        ("RETURN 2.5E-3", "0.0025"),
        ("RETURN 1e999", None),
    ],
)
def test_the_printer_keeps_grouping_and_quoting(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(UnsafeCypherError):
            parse(text)
        return
    ret = parse(text).parts[0].clauses[-1]
    assert isinstance(ret, ast.Return)
    assert render_expr(ret.projection.items[0][0]) == expected


def test_keywords_inside_strings_are_only_text() -> None:
    tree = parse("MATCH (n:Resource) WHERE n.name = 'x DETACH DELETE n; CALL db.labels()' RETURN n.id")
    match = tree.parts[0].clauses[0]
    assert isinstance(match, ast.Match)
    assert isinstance(match.where, ast.Binary)
    assert match.where.right == ast.Const("x DETACH DELETE n; CALL db.labels()")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        # the bypasses of the text checks, each refused on the tree
        (
            "RETURN `apoc`.`cypher`.`runFirstColumnMany`('MATCH (u:User) RETURN u', {}) AS x",
            "apoc.cypher.runfirstcolumnmany()",
        ),
        ("RETURN apoc . cypher . runFirstColumnMany ('x', {}) AS x", "apoc.cypher.runfirstcolumnmany()"),
        ("MATCH (n:Resource|User) RETURN n", "User nodes are not part of the inventory"),
        ("MATCH (n:User|Resource) RETURN n", "User nodes are not part of the inventory"),
        ("MATCH (n WHERE 'ApiKey' IN labels(n)) RETURN n", "WHERE inside a node pattern"),
        ("RETURN COLLECT { MATCH (u:User) RETURN u.password_hash } AS x", "does not parse"),
        ("MATCH (n:Resource) WHERE EXISTS { MATCH (u:User) } RETURN n", "User nodes are not part of the inventory"),
        ("MATCH (n:Resource) WHERE EXISTS { MATCH (n)-->(m) RETURN m } RETURN n", "only a pattern"),
        ("CALL { MATCH (u:User) RETURN u } RETURN u", "CALL is not allowed"),
        ("MATCH (n:$('User')) RETURN n", "parameters"),
        ("MATCH (u:U\u0455er) RETURN u", "non-ASCII"),
        ("MATCH (n) RETURN n /* ; */ ; MATCH (m) RETURN m", "more than one statement"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD is not allowed"),
        ("MATCH (n:Resource) RETURN n.password_hash", "password_hash is not readable"),
        ("MATCH (n:Resource) RETURN n['password_hash']", "dynamic property access"),
        ("MATCH ((a:Resource)-->(b)){1,3} RETURN b", "quantified"),
        ("RETURN " + "(" * 100 + "1" + ")" * 100, "nests deeper"),
        ("MATCH (n:Resource) RETURN n.a < n.b < n.c", "chained comparisons"),
        ("MATCH (a:Resource)-[:HAS_UNIT]->(b) RETURN b", "not part of the inventory"),
    ],
)
def test_the_gate_refuses_on_the_tree(text: str, needle: str) -> None:
    with pytest.raises(UnsafeCypherError, match=None) as refused:
        gate.vet(text, SCHEMA)
    assert needle in str(refused.value), str(refused.value)


def test_unlabeled_nodes_and_untyped_hops_are_confined_to_the_inventory() -> None:
    vetted = gate.vet("MATCH p = (a:EC2Instance)-[*1..3]-(b) RETURN nodes(p) AS n", SCHEMA).cypher
    assert "(b:Resource|" in vetted
    assert "-[:" in vetted
    assert "*1..3]" in vetted
    for hidden in ("DISCOVERS", "DELIVERED_TO", "HAS_UNIT", "User", "Job"):
        assert hidden not in vetted
