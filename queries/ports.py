"""Port arithmetic for exposure: protocols, port ranges and first-match rule evaluation (pure functions).

A rule list is evaluated the way the clouds do: in order (NACL rule number, NSG priority, firewall
priority with deny first on ties); the first rule that matches a port decides it, and a port no rule
matches is denied. ``evaluate`` returns the port ranges the list lets through for one protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ALL_PORTS = (0, 65535)
Ranges = tuple[tuple[int, int], ...]
INTERNET_SOURCES = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any"})
_AWS_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def protocol_name(raw: str | None) -> str:
    """A protocol as one lower-case name: tcp, udp, icmp, all (AWS numbers and Azure's '*' included)."""
    text = (raw or "all").strip().lower()
    text = _AWS_PROTOCOLS.get(text, text)
    return "all" if text in ("*", "any", "-1", "all") else text


def is_internet(source: str | None) -> bool:
    return (source or "").strip().lower() in INTERNET_SOURCES


def normalise(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, merged, clipped to 0..65535."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted((max(0, a), min(65535, b)) for a, b in ranges if a <= b):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    return normalise((max(x[0], y[0]), min(x[1], y[1])) for x in a for y in b if max(x[0], y[0]) <= min(x[1], y[1]))


def subtract(a: Ranges, b: Ranges) -> Ranges:
    out = list(a)
    for lo, hi in b:
        nxt: list[tuple[int, int]] = []
        for x, y in out:
            if hi < x or lo > y:
                nxt.append((x, y))
                continue
            if x < lo:
                nxt.append((x, lo - 1))
            if y > hi:
                nxt.append((hi + 1, y))
        out = nxt
    return normalise(out)


def port_spec(spec: str) -> Ranges:
    """'22', '8000-8080', '*' -> ranges."""
    text = spec.strip()
    if text in ("*", "", "any"):
        return (ALL_PORTS,)
    lo, _, hi = text.partition("-")
    try:
        return normalise([(int(lo), int(hi or lo))])
    except ValueError:
        return ()


def aws_ports(from_port: int | None, to_port: int | None) -> Ranges:
    if from_port is None or to_port is None or from_port < 0 or to_port < 0:
        return (ALL_PORTS,)
    return normalise([(from_port, to_port)])


def gcp_rule(spec: str) -> tuple[str, Ranges]:
    """'tcp:22', 'tcp:80-90', 'tcp', 'all' -> (protocol, ranges)."""
    proto, _, ports = spec.partition(":")
    ranges = normalise(r for part in ports.split(",") for r in port_spec(part)) if ports else (ALL_PORTS,)
    return protocol_name(proto), ranges


@dataclass(frozen=True)
class Rule:
    """One ordered rule: lower ``order`` first; it matches ``protocol`` ('all' for any) on ``ports``."""

    order: tuple[int, int]
    allow: bool
    protocol: str
    ports: Ranges
    rule_id: str


@dataclass(frozen=True)
class Verdict:
    open: Ranges
    allowed_by: tuple[str, ...]  # ids of the allow rules that opened some port


def evaluate(rules: Sequence[Rule], protocol: str, candidate: Ranges = (ALL_PORTS,)) -> Verdict:
    """First match wins per port: what of ``candidate`` the rules let through for ``protocol``."""
    remaining = normalise(candidate)
    opened: Ranges = ()
    by: list[str] = []
    for rule in sorted(rules, key=lambda r: r.order):
        if not remaining:
            break
        if rule.protocol not in ("all", protocol):
            continue
        hit = intersect(remaining, rule.ports)
        if not hit:
            continue
        if rule.allow:
            opened = normalise((*opened, *hit))
            by.append(rule.rule_id)
        remaining = subtract(remaining, hit)
    return Verdict(opened, tuple(by))


def acl_open(entries: Iterable[Mapping[str, object]], protocol: str, ports: Ranges) -> tuple[Ranges, str | None]:
    """What AWS network ACL entries (already narrowed to one direction and peer) let through of ``ports`` on
    ``protocol`` (``all``: what both TCP and UDP let through), and the first entry that allowed some of it."""
    rules = [
        Rule(
            (int(str(e["rule_number"])), 0),
            e["rule_action"] == "allow",
            protocol_name(_text(e["protocol"])),
            aws_ports(_port(e.get("from_port")), _port(e.get("to_port"))),
            str(e["id"]),
        )
        for e in entries
    ]
    protocols = ("tcp", "udp") if protocol == "all" else (protocol,)
    verdicts = [evaluate(rules, p, ports) for p in protocols]
    opened = intersect(ports, tuple(r for v in verdicts for r in v.open)) if protocol == "all" else verdicts[0].open
    return opened, verdicts[0].allowed_by[0] if verdicts[0].allowed_by else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _port(value: object) -> int | None:
    return None if value is None else int(str(value))


def describe(protocol: str, ranges: Ranges) -> str:
    parts = ["all" if r == ALL_PORTS else (str(r[0]) if r[0] == r[1] else f"{r[0]}-{r[1]}") for r in ranges]
    return f"{protocol} {','.join(parts)}"
