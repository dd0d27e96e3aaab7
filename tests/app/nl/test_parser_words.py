"""The semantic parser on a hand-made vocabulary (no service): vendor product names, a kind's property said as a
noun after "with", and change questions that name the change or only ask what is new."""

from __future__ import annotations

import pytest

from app.nl.compose import cypher_of, gated, understood
from app.nl.parser import parse
from app.nl.reading import Decline, Reading
from app.nl.vocabulary import Named, Vocabulary, kind_phrases
from graph.schema import SCHEMA

_NODES = (
    Named("vm-a", "AzureVirtualMachine", "app-vm", "azure", "sub-1", "westeurope"),
    Named("db-1", "RDSInstance", "ledger-db", "aws", "111111111111", "eu-west-1"),
)
VOCAB = Vocabulary(
    names={n.name: (n,) for n in _NODES},
    regions=frozenset({"eu-west-1", "westeurope"}),
    accounts=frozenset({"111111111111"}),
    values={"internet-facing": (("LoadBalancer", "scheme", "internet-facing"),)},
    tags={"team=payments": "team=payments", "team=web": "team=web", "env=prod": "env=prod", "role=web": "role=web"},
    tag_keys={"team": "team", "env": "env", "role": "role"},
    tag_values={"team": frozenset({"payments", "web"}), "env": frozenset({"prod"}), "role": frozenset({"web"})},
)


def read(question: str) -> Reading:
    found = parse(question, VOCAB)
    assert isinstance(found, Reading), found
    gated(cypher_of(found, 200))  # every composed query passes the gate's static checks
    return found


@pytest.mark.parametrize(
    ("word", "labels"),
    [
        ("lambda", {"LambdaFunction"}),
        ("eks", {"EKSCluster"}),
        ("gke", {"GCPGKECluster"}),
        ("aks", {"AzureAKSCluster"}),
        ("ebs", {"EBSVolume"}),
        # generic words keep every vendor's kinds
        ("function", {"LambdaFunction", "GCPCloudFunction"}),
        ("k8s", {"EKSCluster", "AzureAKSCluster", "GCPGKECluster"}),
        ("volume", {"EBSVolume", "AzureDisk", "GCPDisk"}),
        ("firewall", {"SecurityGroup", "AzureNetworkSecurityGroup", "GCPFirewall"}),
        ("key", {"KMSKey", "AzureKeyVault"}),
        ("subnetwork", {"Subnet", "AzureSubnet", "GCPSubnetwork"}),
    ],
)
def test_a_vendor_product_name_means_only_that_vendors_kind(word: str, labels: set[str]) -> None:
    assert set(kind_phrases(SCHEMA)[word]) == labels


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("count our lambdas in eu-west-1", ("LambdaFunction",)),
        ("list every lambda", ("LambdaFunction",)),
        ("how many serverless functions", ("GCPCloudFunction", "LambdaFunction")),
        ("how many gke clusters", ("GCPGKECluster",)),
        ("list eks, aks and gke clusters", ("AzureAKSCluster", "EKSCluster", "GCPGKECluster")),
    ],
)
def test_questions_naming_a_product_read_its_kind(question: str, kinds: tuple[str, ...]) -> None:
    assert read(question).kinds == kinds


@pytest.mark.parametrize(
    ("question", "kinds", "cypher", "said"),
    [
        ("show EC2 boxes with a public ip address", ("EC2Instance",), "n.public_ip IS NOT NULL", "has a public ip"),
        ("count ec2 instances having public IP addresses", ("EC2Instance",), "n.public_ip IS NOT NULL", "has a"),
        ("gcp compute instances without a public ip", ("GCPComputeInstance",), "n.public_ip IS NULL", "no public IP"),
        ("ec2 instances with no public ip", ("EC2Instance",), "n.public_ip IS NULL", "no public IP"),
    ],
)
def test_a_property_said_as_a_noun_after_with_filters_the_kind(
    question: str, kinds: tuple[str, ...], cypher: str, said: str
) -> None:
    reading = read(question)
    assert reading.kinds == kinds
    assert cypher in cypher_of(reading, 200)
    assert said in understood(reading)


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("servers with elastic ips", "name the elastic ip"),  # two kinds related without a name: not their union
        ("vms with a public ip", "public ip"),  # Azure VMs carry no public_ip: not a filter on all three
    ],
)
def test_what_it_cannot_relate_is_declined(question: str, why: str) -> None:
    found = parse(question, VOCAB)
    assert isinstance(found, Decline), found
    assert why in found.why


@pytest.mark.parametrize(
    ("question", "change", "intent"),
    [
        ("anything new since monday?", None, "group"),
        ("what is new in the last 2 days", None, "group"),
        ("how many new resources in the last 3 days", "created", "count"),
        ("new ec2 instances since yesterday", "created", "list"),
        ("what got removed in the past 3 days?", "deleted", "list"),
        ("which resources were added since monday", "created", "list"),
        ("what changed in the past 2 days", None, "group"),
    ],
)
def test_change_questions_name_the_change_or_ask_for_every_change(
    question: str, change: str | None, intent: str
) -> None:
    reading = read(question)
    assert (reading.subject, reading.change, reading.intent) == ("changes", change, intent)
    cypher = cypher_of(reading, 200)
    assert ("n.change = " in cypher) == (change is not None)
    if intent == "list":
        assert cypher.endswith("LIMIT 201")
        assert "RETURN DISTINCT n.resource_id AS id" in cypher


@pytest.mark.parametrize(
    ("question", "cypher", "said"),
    [
        ("how many buckets do we run", "RETURN count(n) AS count", "counted"),
        ("which databases did you discover in eu-west-1", "n.region = 'eu-west-1'", "in eu-west-1"),
        ("how many open findings are there in aws", "n.provider = 'aws'", "counted open findings"),
        ("show everything owned by team payments", "'team=payments' IN n.tags", "tagged team=payments"),
        ("count prod rds instances", "'env=prod' IN n.tags", "tagged env=prod"),
        ("list prod resources tagged env=prod", "WHERE 'env=prod' IN n.tags RETURN", "tagged env=prod"),
        ("buckets grouped by team", "t STARTS WITH 'team='", "per team"),
        ("top account by resource count", "ORDER BY count DESC, account LIMIT 1", "per account (the top 1)"),
        ("top 2 regions by number of resources", "ORDER BY count DESC, region LIMIT 2", "per region (the top 2)"),
        ("count internet-facing load balancers", "MATCH (n:LoadBalancer)", "scheme = internet-facing"),
        (
            "internet facing load balancers in eu-west-1",
            "= 'internet-facing')",
            "in eu-west-1, scheme = internet-facing",
        ),
        ("show the public rds instances of team payments", "'team=payments' IN n.tags", "public"),
        ("the 3 priciest prod resources", "'env=prod' IN n.tags", "top 3"),
        ("which disks are attached to app-vm", "-[:USES_DISK]", "linked by USES_DISK to app-vm"),
    ],
)
def test_more_ways_of_saying_a_filter_or_a_measure(question: str, cypher: str, said: str) -> None:
    reading = read(question)
    assert cypher in cypher_of(reading, 200)
    assert said in understood(reading)


def test_a_failure_said_twice_is_still_one_blast_radius() -> None:
    for question in ("what breaks if ledger-db fails", "what would be affected if ledger-db failed?"):
        reading = read(question)
        assert (reading.intent, reading.target and reading.target.id) == ("blast", "db-1")


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("web servers", "'web'"),  # a value of two tag keys (team, role): not guessed
        ("open admin ports", "change"),  # a write verb first is still refused
    ],
)
def test_an_ambiguous_tag_value_is_not_guessed(question: str, why: str) -> None:
    found = parse(question, VOCAB)
    assert isinstance(found, Decline), found
    assert why in found.why
