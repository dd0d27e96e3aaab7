"""The semantic parser on a hand-made vocabulary (no service): vendor product names, a kind's property said as a
noun after "with", and change questions that name the change or only ask what is new."""

from __future__ import annotations

import pytest

from app.nl import gate
from app.nl.compose import cypher_of, understood
from app.nl.parser import parse
from app.nl.reading import Decline, Reading
from app.nl.vocabulary import Vocabulary, kind_phrases
from graph.schema import SCHEMA

EMPTY = Vocabulary(names={}, regions=frozenset({"eu-west-1"}), accounts=frozenset(), values={}, tags={}, tag_keys={})


def read(question: str) -> Reading:
    found = parse(question, EMPTY)
    assert isinstance(found, Reading), found
    gate.vet(cypher_of(found, 200), SCHEMA)  # every composed query passes the gate's static checks
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
    found = parse(question, EMPTY)
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
