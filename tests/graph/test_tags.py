"""One tag serialiser: every provider's tags are stored the same way, and read back the same way."""

from __future__ import annotations

from graph.tags import split_tag, tag_prefix, tag_string, tag_value, tags_from_map, tags_from_pairs
from ingest.providers.aws.compute_common import tags_from_list
from ingest.providers.aws.ec2 import tag_list
from ingest.providers.aws.edge_transform import tags_of
from ingest.providers.azure.transform import tag_tuple


def test_a_missing_or_none_value_is_the_empty_value_not_none() -> None:
    assert tags_from_map({"env": None, "team": ""}) == ("env=", "team=")
    assert tags_from_pairs([{"Key": "env"}, {"Key": "team", "Value": None}]) == ("env=", "team=")


def test_a_tag_without_a_key_is_dropped() -> None:
    assert tags_from_pairs([{"Value": "orphan"}, {"Key": "", "Value": "x"}, {"Key": None}, "junk"]) == ()
    assert tags_from_map({"": "x"}) == ()
    assert tag_string(None, "x") is None


def test_equals_in_a_value_is_kept_and_in_a_key_is_escaped() -> None:
    assert tags_from_map({"query": "a=b"}) == ("query=a=b",)
    assert split_tag("query=a=b") == ("query", "a=b")
    stored = tag_string("k=ey%", "v")
    assert stored == "k%3Dey%25=v"
    assert split_tag(stored) == ("k=ey%", "v")
    assert stored.startswith(tag_prefix("k=ey%"))


def test_non_string_keys_and_values() -> None:
    assert tags_from_map({"on": True, "off": False, "n": 3, 7: 1.5}) == ("7=1.5", "n=3", "off=false", "on=true")


def test_tags_are_sorted_and_distinct_and_anything_else_is_no_tags() -> None:
    assert tags_from_pairs([{"Key": "b", "Value": "1"}, {"Key": "a", "Value": "2"}, {"Key": "b", "Value": "1"}]) == (
        "a=2",
        "b=1",
    )
    assert tags_from_map(None) == ()
    assert tags_from_pairs({"Key": "a"}) == ()


def test_every_provider_helper_agrees() -> None:
    """Before, a None value became '' in the Azure helper and 'None' in the AWS map helpers."""
    as_map = {"env": None, "a=b": "c=d"}
    as_pairs = [{"Key": "env", "Value": None}, {"Key": "a=b", "Value": "c=d"}]
    expected = ("a%3Db=c=d", "env=")
    assert tags_from_map(as_map) == tag_tuple(as_map) == tags_of(as_map) == expected
    assert tags_from_pairs(as_pairs) == tag_list(as_pairs) == tags_from_list(as_pairs) == expected  # type: ignore[arg-type]


def test_tag_value_reads_a_non_empty_value() -> None:
    assert tag_value(("Name=web", "team="), "Name") == "web"
    assert tag_value(("team=",), "team") is None
