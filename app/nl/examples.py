"""Few-shot question -> Cypher examples for our schema, and their selection by BM25 similarity.

The bank is the examples written here plus the development split of the question set
(``app/nl/questions/dev.json``: each question whose expected answer is reference Cypher); the test split
is never shown to a model.

BM25 (Okapi, k1=1.2, b=0.75) over lower-cased word tokens: small, exact, no model to load. Every
example passes the safety gate and EXPLAINs on Neo4j (tested), so the model is never shown a query
we would refuse.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DEV_QUESTIONS = Path(__file__).with_name("questions") / "dev.json"


@dataclass(frozen=True)
class Example:
    question: str
    cypher: str


EXAMPLES: tuple[Example, ...] = (
    Example("How many EC2 instances are there?", "MATCH (n:EC2Instance) RETURN count(n) AS count"),
    Example(
        "How many resources per provider?",
        "MATCH (n:Resource) RETURN n.provider AS provider, count(n) AS count ORDER BY count DESC",
    ),
    Example(
        "Count resources by kind in eu-west-1",
        "MATCH (n:Resource {region: 'eu-west-1'}) RETURN n.kind AS kind, count(n) AS count ORDER BY count DESC",
    ),
    Example(
        "List the S3 buckets in account 123456789012",
        "MATCH (b:S3Bucket {account: '123456789012'}) RETURN b.name AS name, b.id AS id ORDER BY name LIMIT 100",
    ),
    Example(
        "Which EC2 instances have a public IP?",
        "MATCH (i:EC2Instance) WHERE i.public_ip IS NOT NULL RETURN i.name AS name, i.id AS id, "
        "i.public_ip AS public_ip LIMIT 100",
    ),
    Example(
        "Which subnets are in the VPC named prod-vpc?",
        "MATCH (s:Subnet)-[:IN_VPC]->(v:VPC {name: 'prod-vpc'}) RETURN s.name AS name, s.id AS id, "
        "s.cidr_block AS cidr LIMIT 100",
    ),
    Example(
        "Which instances are in subnet app-a?",
        "MATCH (i:EC2Instance)-[:IN_SUBNET]->(s:Subnet {name: 'app-a'}) RETURN i.name AS name, i.id AS id LIMIT 100",
    ),
    Example(
        "Which security groups allow SSH from the internet?",
        "MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) "
        "WHERE r.cidr IN ['0.0.0.0/0', '::/0'] AND r.from_port <= 22 AND r.to_port >= 22 "
        "RETURN DISTINCT g.name AS name, g.id AS id LIMIT 100",
    ),
    Example(
        "Which RDS databases are publicly accessible?",
        "MATCH (d:RDSInstance) WHERE d.publicly_accessible = true RETURN d.name AS name, d.id AS id LIMIT 100",
    ),
    Example(
        "Which volumes are not encrypted?",
        "MATCH (v:EBSVolume) WHERE v.encrypted = false RETURN v.name AS name, v.id AS id LIMIT 100",
    ),
    Example(
        "What is attached to instance web-1?",
        "MATCH (x)-[r:ATTACHED_TO]->(i:EC2Instance {name: 'web-1'}) RETURN x.kind AS kind, x.name AS name, "
        "x.id AS id LIMIT 100",
    ),
    Example(
        "Which lambda functions use the role app-role?",
        "MATCH (f:LambdaFunction)-[:USES_ROLE]->(r:IAMRole {name: 'app-role'}) RETURN f.name AS name, "
        "f.id AS id LIMIT 100",
    ),
    Example(
        "Which load balancers are internet-facing?",
        "MATCH (lb:LoadBalancer {scheme: 'internet-facing'}) RETURN lb.name AS name, lb.id AS id LIMIT 100",
    ),
    Example(
        "Which Azure VMs are in resource group rg-prod?",
        "MATCH (vm:AzureVirtualMachine)-[:IN_RESOURCE_GROUP]->(g:AzureResourceGroup {name: 'rg-prod'}) "
        "RETURN vm.name AS name, vm.id AS id LIMIT 100",
    ),
    Example(
        "Which Azure storage accounts allow public blob access?",
        "MATCH (s:AzureStorageAccount) WHERE s.allow_blob_public_access = true RETURN s.name AS name, "
        "s.id AS id LIMIT 100",
    ),
    Example(
        "Which GCP compute instances run as which service account?",
        "MATCH (i:GCPComputeInstance)-[:RUNS_AS]->(sa:GCPServiceAccount) RETURN i.name AS instance, "
        "sa.email AS service_account LIMIT 100",
    ),
    Example(
        "Which GCP firewalls are open to the internet?",
        "MATCH (f:GCPFirewall) WHERE f.open_to_internet = true RETURN f.name AS name, f.id AS id LIMIT 100",
    ),
    Example(
        "Which resources are tagged env=prod?",
        "MATCH (n:Resource) WHERE 'env=prod' IN n.tags RETURN n.kind AS kind, n.name AS name, n.id AS id LIMIT 100",
    ),
    Example(
        "What are the 10 most expensive resources?",
        "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.name AS name, n.kind AS kind, "
        "n.monthly_cost_usd AS monthly_cost_usd ORDER BY monthly_cost_usd DESC LIMIT 10",
    ),
    Example(
        "Which resources were first seen in the last 7 days?",
        "MATCH (n:Resource) WHERE n.first_seen >= datetime() - duration('P7D') RETURN n.kind AS kind, "
        "n.name AS name, n.id AS id LIMIT 100",
    ),
    Example(
        "Which KMS keys have rotation disabled?",
        "MATCH (k:KMSKey) WHERE k.rotation_enabled = false RETURN k.name AS name, k.id AS id LIMIT 100",
    ),
    Example(
        "Which SQS queues send failures to which dead-letter queue?",
        "MATCH (q:SQSQueue)-[:SENDS_FAILURES_TO]->(d:SQSQueue) RETURN q.name AS queue, d.name AS dead_letter LIMIT 100",
    ),
    Example(
        "How many resources does each AWS account have in each region?",
        "MATCH (n:Resource {provider: 'aws'}) RETURN n.account AS account, n.region AS region, count(n) AS count "
        "ORDER BY account, region",
    ),
    Example(
        "Which IAM users have no MFA?",
        "MATCH (u:IAMUser) WHERE u.mfa_enabled = false RETURN u.name AS name, u.id AS id LIMIT 100",
    ),
    Example(
        "Which target groups does the load balancer app-lb forward to?",
        "MATCH (l:Listener)-[:PART_OF]->(lb:LoadBalancer {name: 'app-lb'}), (l)-[:FORWARDS_TO]->(t:TargetGroup) "
        "RETURN DISTINCT t.name AS name, t.id AS id LIMIT 100",
    ),
)

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return [t[:-1] if len(t) > 3 and t.endswith("s") else t for t in _TOKEN.findall(text.lower())]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.docs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        self.k1, self.b = k1, b
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            score = 0.0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    score += (
                        self.idf[term] * tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / self.avg))
                    )
            out.append(score)
        return out


def _development_examples(path: Path = DEV_QUESTIONS) -> tuple[Example, ...]:
    if not path.exists():
        return ()
    items = json.loads(path.read_text())
    return tuple(Example(q["question"], q["expect"]) for q in items if str(q["expect"]).startswith("MATCH"))


BANK: tuple[Example, ...] = EXAMPLES + _development_examples()
_INDEX = BM25([tokens(e.question) for e in BANK])


def select(question: str, k: int = 4) -> tuple[Example, ...]:
    """The ``k`` examples of the bank most similar to the question (ties keep bank order), ignoring zero scores."""
    scores = _INDEX.scores(tokens(question))
    ranked = sorted(range(len(BANK)), key=lambda i: (-scores[i], i))
    return tuple(BANK[i] for i in ranked[:k] if scores[i] > 0)
