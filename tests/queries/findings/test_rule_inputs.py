"""What a rule reads, read from its query: a sync that changed none of it may skip the rule, so the answer must
never miss a kind the query can see."""

from __future__ import annotations

import re
from dataclasses import replace

from graph.schema import SCHEMA
from queries.findings.catalogue import CATALOGUE
from queries.findings.inputs import rule_inputs, rules_reading

_BY_ID = {rule.id: rule for rule in CATALOGUE}
_LABELS = {kind.label for kind in SCHEMA.nodes}


def test_every_label_a_rule_names_is_among_its_inputs() -> None:
    for rule in CATALOGUE:
        inputs = rule_inputs(rule)
        if inputs is None:
            continue
        named = {n for n in re.findall(r":\s*([A-Za-z_]\w*)", rule.cypher) if n in _LABELS}
        assert named <= inputs, (rule.id, named - inputs)
        assert set(rule.kinds) <= inputs, rule.id


def test_a_relationship_type_brings_both_of_its_declared_ends() -> None:
    inputs = rule_inputs(_BY_ID["aws-sg-ssh-open"])
    assert inputs is not None
    assert {"SecurityGroup", "SecurityGroupRule", "HAS_RULE"} <= inputs
    # HAS_RULE also ends at the Azure NSG's rules: a superset is allowed, a miss is not
    assert "AzureSecurityRule" in inputs


def test_a_rule_that_may_reach_any_kind_or_moves_with_the_clock_reads_everything() -> None:
    ssh = _BY_ID["aws-sg-ssh-open"]
    assert rule_inputs(replace(ssh, cypher="MATCH (g:SecurityGroup)-[*1..2]-(x) RETURN g.id AS resource_id")) is None
    assert rule_inputs(replace(ssh, cypher="MATCH (g:SecurityGroup)--(x) RETURN g.id AS resource_id")) is None
    assert rule_inputs(replace(ssh, cypher="MATCH (g:SecurityGroup)-[r]->(x) RETURN g.id AS resource_id")) is None
    assert rule_inputs(replace(ssh, cypher="MATCH (n:Resource) RETURN n.id AS resource_id")) is None
    aged = "MATCH (k:IAMAccessKey) WHERE k.created < $now - duration('P90D') RETURN k.id AS resource_id"
    assert rule_inputs(replace(ssh, cypher=aged)) is None
    # a dash inside a string is not a relationship
    quoted = "MATCH (g:SecurityGroup) RETURN g.id AS resource_id, '--policy-name ' + g.name AS fields"
    assert rule_inputs(replace(ssh, cypher=quoted)) == frozenset({"SecurityGroup"})


def test_a_changed_rule_kind_selects_the_port_rules_and_not_the_queue_rules() -> None:
    selected = {rule.id for rule in rules_reading(CATALOGUE, {"SecurityGroupRule"})}
    assert {"aws-sg-ssh-open", "aws-sg-all-open"} <= selected
    assert "aws-sqs-public-policy" not in selected
    by_queue = {rule.id for rule in rules_reading(CATALOGUE, {"SQSQueue"})}
    assert "aws-sqs-public-policy" in by_queue
    assert "aws-sg-ssh-open" not in by_queue
    # the rules reading everything run whatever changed
    everything = {rule.id for rule in CATALOGUE if rule_inputs(rule) is None}
    assert everything <= by_queue
    assert rules_reading(CATALOGUE, set()) == tuple(r for r in CATALOGUE if r.id in everything)
