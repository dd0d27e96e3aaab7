"""Dependency subcommands: blast radius, dependencies, the network path between two resources, and the
derived dependency edges.

aidiscover blast NAME_OR_ID [--kind K] [--provider P] [--account A] [--region R] [--depth N]
aidiscover depends NAME_OR_ID [--on] [...narrowing]        what it needs (--on: what needs it)
aidiscover reach FROM TO --port P [--protocol tcp|udp] [--from-kind K ...] [--kind K ...]
                                                           can FROM open a connection to TO, and how
aidiscover derive                                          recompute the derived dependency edges now

A name that several resources carry is never guessed: the command lists the candidates (kind, cloud,
account, region, id) and exits 2; give the id or narrow with --kind/--provider/--account/--region. FROM may
be ``internet``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.settings import Settings

__all__ = ["register"]


def _narrowing(p: argparse.ArgumentParser, prefix: str = "") -> None:
    what = f"the {prefix.rstrip('-')} name" if prefix else "a name"
    p.add_argument(f"--{prefix}kind", help=f"narrow {what} to one kind, e.g. RDSInstance")
    p.add_argument(f"--{prefix}provider", choices=["aws", "azure", "gcp"], help=f"narrow {what} to one cloud")
    p.add_argument(f"--{prefix}account", help=f"narrow {what} to one account, subscription or project")
    p.add_argument(f"--{prefix}region", help=f"narrow {what} to one region")


def _where(node: Any) -> str:
    return f"{node.kind} {node.name}  [{node.provider} {node.account} {node.region}]"


def _resolve(graph: Any, text: str, args: argparse.Namespace, prefix: str = "") -> Any:
    from queries.exposure import INTERNET
    from queries.names import NameQuery, resolve

    if text == INTERNET.id:
        return INTERNET
    narrow = [getattr(args, f"{prefix}{k}") for k in ("kind", "provider", "account", "region")]
    return resolve(graph, NameQuery(text, *narrow))


def _blast(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.blast import blast_radius

    with Graph(settings.neo4j, settings.redis) as graph:
        root = _resolve(graph, args.resource, args)
        result = blast_radius(graph, root.id, args.depth)
    print(f"blast radius of {_where(root)}")
    for r in result.nodes:
        how = " > ".join(s.type for s in r.path)
        print(f"  {r.status:<9} {'direct' if r.direct else 'via   '}  {_where(r.node)}  ({how})")
    statuses = ", ".join(f"{c.count} {c.key}" for c in result.by_status) or "nothing"
    print(f"{result.total} lose something they use: {statuses}; {result.direct} direct")
    return 0


def _depends(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.blast import dependencies

    with Graph(settings.neo4j, settings.redis) as graph:
        root = _resolve(graph, args.resource, args)
        result = dependencies(graph, root.id, "DEPENDENTS" if args.on else "DEPENDENCIES", args.depth)
    print(f"{'what needs' if args.on else 'what is needed by'} {_where(root)}")
    for r in result.nodes:
        last = r.path[-1] if r.path else None
        why = f" — {last.reason}" if last is not None and last.reason else ""
        print(f"  {r.distance}  {_where(r.node)}  ({last.type if last else ''}){why}")
    print(f"{len(result.nodes)} resources")
    return 0


def _reach(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.netpath import network_path

    with Graph(settings.neo4j, settings.redis) as graph:
        source = _resolve(graph, args.source, args, "from_")
        target = _resolve(graph, args.target, args)
        path = network_path(graph, source.id, target.id, args.port, args.protocol)
    verdict = "can" if path.reachable else "cannot"
    print(f"{_where(path.source)} {verdict} reach {_where(path.target)} on {path.protocol} {path.port}")
    for hop in path.hops:
        where = _where(hop.node) if hop.node is not None else ("(rule)" if hop.rule_id else "(route)")
        print(f"  {where}: {hop.allows}" + (f"  [{hop.rule_id}]" if hop.rule_id else ""))
    if not path.reachable:
        print(f"  {path.reason}")
    return 0 if path.reachable else 1


def _derive(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.derived.compute import derive_dependencies

    with Graph(settings.neo4j, settings.redis) as graph:
        print(derive_dependencies(graph, settings).line())
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("blast", help="who loses something they use when a resource fails (down or degraded)")
    p.add_argument("resource", help="a resource id or name")
    p.add_argument("--depth", type=int, default=10, help="levels to walk (1-10)")
    _narrowing(p)
    p.set_defaults(handler=_blast)

    p = sub.add_parser("depends", help="what a resource needs (or, with --on, what needs it)")
    p.add_argument("resource", help="a resource id or name")
    p.add_argument("--on", action="store_true", help="walk to what needs it instead")
    p.add_argument("--depth", type=int, default=6, help="levels to walk (1-10)")
    _narrowing(p)
    p.set_defaults(handler=_depends)

    p = sub.add_parser("reach", help="can one resource open a connection to another on a port, and how")
    p.add_argument("source", help="a resource id or name, or internet")
    p.add_argument("target", help="a resource id or name")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--protocol", choices=["tcp", "udp"], default="tcp")
    _narrowing(p, "from-")
    _narrowing(p)
    p.set_defaults(handler=_reach)

    p = sub.add_parser("derive", help="recompute the derived dependency edges (every sync does it)")
    p.set_defaults(handler=_derive)
