"""The Cypher-generation prompt, generated from ``graph.schema`` (never from data in the graph).

What the model sees: the rules (read-only, one statement, no CALL/APOC), the common Resource
properties, the labels the question touches (through the glossary or by name) with their properties
and descriptions, the relationship patterns around them with their direction, the names of every
other label, glossary notes, and a few question -> Cypher examples. Resource names, tags and other
values stored in the graph never reach this prompt: they are attacker-controlled text.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.nl.examples import Example
from app.nl.glossary import labels_in, terms_in
from app.nl.scope import HIDDEN_LABELS
from graph.schema import SCHEMA, Schema

RULES = """You translate questions about a cloud inventory into ONE read-only Neo4j Cypher query.
Rules:
- Answer with the Cypher only, no explanation, no markdown.
- Use only MATCH, OPTIONAL MATCH, WHERE, WITH, RETURN, ORDER BY, SKIP, LIMIT, UNWIND, UNION.
  Never CREATE, MERGE, SET, DELETE, REMOVE, CALL, LOAD CSV, FOREACH, USE or SHOW; no apoc.* or db.* functions.
- Use only the labels, relationship types and properties below, with the arrow directions shown.
- Return named columns (e.g. RETURN n.name AS name, n.id AS id); add LIMIT 100 unless counting.
- Every resource node has the label Resource plus one specific label; n.kind holds the specific label."""

DEFAULT_LABELS = ("EC2Instance", "S3Bucket", "VPC", "SecurityGroup", "AzureVirtualMachine", "GCPComputeInstance")


def focus_labels(question: str, schema: Schema = SCHEMA) -> tuple[str, ...]:
    """Labels the question names plus their direct neighbours in the schema (capped), or a default set."""
    named = tuple(label for label in labels_in(question, schema) if label not in HIDDEN_LABELS)
    if not named:
        return DEFAULT_LABELS
    out: dict[str, None] = dict.fromkeys(named)
    for rel in schema.relationships:
        if len(out) >= 24:
            break
        if rel.source in named and rel.target not in HIDDEN_LABELS:
            out.setdefault(rel.target)
        elif rel.target in named and rel.source not in HIDDEN_LABELS:
            out.setdefault(rel.source)
    return tuple(out)


def schema_text(labels: Sequence[str], schema: Schema = SCHEMA) -> str:
    chosen = set(labels)
    lines = ["Common properties of every :Resource node:"]
    lines += [f"  {p.name} ({p.type}): {p.description}" for p in schema.common]
    lines.append("Node labels in focus:")
    for label in labels:
        kind = schema.node(label)
        lines.append(f"(:{kind.label}) [{kind.provider}] {kind.description}")
        lines += [f"  {p.name} ({p.type}): {p.description}" for p in kind.properties]
    lines.append("Relationships (direction as stored):")
    for rel in schema.relationships:
        if (rel.source in chosen or rel.target in chosen) and not {rel.source, rel.target} & HIDDEN_LABELS:
            lines.append(f"(:{rel.source})-[:{rel.type}]->(:{rel.target})  {rel.description}")
    others = sorted(k.label for k in schema.nodes if k.label not in chosen and k.label not in HIDDEN_LABELS)
    lines.append("Other labels: " + ", ".join(others))
    return "\n".join(lines)


def generation_messages(
    question: str, examples: Sequence[Example], schema: Schema = SCHEMA, hint: str | None = None
) -> tuple[tuple[str, str], ...]:
    """(role, content) pairs: system rules + schema + glossary notes, the examples, then the question (with the
    rule-based parser's reading as a hint when it has one)."""
    notes = [f"- {', '.join(t.words)}: {t.note or 'labels ' + ', '.join(t.labels)}" for t in terms_in(question)]
    system = RULES + "\n\n" + schema_text(focus_labels(question, schema), schema)
    if notes:
        system += "\nGlossary:\n" + "\n".join(notes)
    if hint:
        system += (
            "\nA rule-based parser read the user's last question as follows (a hint; it may be wrong or "
            "incomplete):\n" + hint
        )
    messages: list[tuple[str, str]] = [("system", system)]
    for example in examples:
        messages += [("user", example.question), ("assistant", example.cypher)]
    messages.append(("user", question))
    return tuple(messages)


def retry_message(cypher: str, error: str) -> tuple[str, str]:
    """The feedback turn of a self-correction round."""
    return ("user", f"That query failed: {error}\nQuery was:\n{cypher}\nSend a corrected query only.")
