"""Neo4j's own view of a query, checked: the operators of its ``EXPLAIN`` plan against a read-only allowlist.

This holds apart from the parse-tree checks: whatever text reaches Neo4j, the planner says what it would do,
and a plan with any operator outside the list -- ``ProcedureCall``, ``LoadCSV``, any write, or an operator
this list does not know yet -- is refused before the query runs. Operator names arrive as
``Name@database``; the database part is dropped. Pure functions over the driver's plan dictionaries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from core.errors import UnsafeCypherError

__all__ = ["READ_OPERATORS", "check_plan", "operators"]

READ_OPERATORS = frozenset(
    """
    ProduceResults Argument ArgumentTracker
    AllNodesScan NodeByLabelScan UnionNodeByLabelsScan IntersectionNodeByLabelsScan SubtractionNodeByLabelsScan
    NodeByIdSeek NodeByElementIdSeek NodeIndexSeek NodeUniqueIndexSeek MultiNodeIndexSeek
    AssertingMultiNodeIndexSeek NodeIndexSeekByRange NodeUniqueIndexSeekByRange NodeIndexContainsScan
    NodeIndexEndsWithScan NodeIndexScan
    DirectedRelationshipTypeScan UndirectedRelationshipTypeScan DirectedAllRelationshipsScan
    UndirectedAllRelationshipsScan DirectedUnionRelationshipTypesScan UndirectedUnionRelationshipTypesScan
    DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek DirectedRelationshipByElementIdSeek
    UndirectedRelationshipByElementIdSeek DirectedRelationshipIndexSeek UndirectedRelationshipIndexSeek
    DirectedRelationshipUniqueIndexSeek UndirectedRelationshipUniqueIndexSeek
    DirectedRelationshipIndexSeekByRange UndirectedRelationshipIndexSeekByRange
    DirectedRelationshipUniqueIndexSeekByRange UndirectedRelationshipUniqueIndexSeekByRange
    DirectedRelationshipIndexScan UndirectedRelationshipIndexScan DirectedRelationshipIndexContainsScan
    UndirectedRelationshipIndexContainsScan DirectedRelationshipIndexEndsWithScan
    UndirectedRelationshipIndexEndsWithScan
    NodeCountFromCountStore RelationshipCountFromCountStore
    Expand(All) Expand(Into) OptionalExpand(All) OptionalExpand(Into) VarLengthExpand(All) VarLengthExpand(Into)
    VarLengthExpand(Pruning) BFSPruningVarExpand ProjectEndpoints ShortestPath StatefulShortestPath(All)
    StatefulShortestPath(Into) Repeat(Trail) Repeat(Walk) NullifyMetadata
    Filter Projection CacheProperties Eager Distinct OrderedDistinct EagerAggregation OrderedAggregation
    Sort PartialSort Top Top1WithTies PartialTop Limit ExhaustiveLimit Skip Unwind Optional
    Apply SemiApply AntiSemiApply LetSemiApply LetAntiSemiApply SelectOrSemiApply SelectOrAntiSemiApply
    LetSelectOrSemiApply LetSelectOrAntiSemiApply RollUpApply ConditionalApply AntiConditionalApply
    CartesianProduct NodeHashJoin NodeLeftOuterHashJoin NodeRightOuterHashJoin ValueHashJoin Union OrderedUnion
    AssertSameNode AssertSameRelationship TriadicSelection TriadicBuild TriadicFilter Anti
    """.split()  # noqa: SIM905
)


def operators(plan: Mapping[str, object]) -> Iterator[str]:
    """Every operator name in the plan tree (without the ``@database`` suffix)."""
    stack = [plan]
    while stack:
        node = stack.pop()
        name = node.get("operatorType")
        if isinstance(name, str):
            yield name.split("@", 1)[0]
        children = node.get("children")
        if isinstance(children, list):
            stack.extend(c for c in children if isinstance(c, Mapping))


def check_plan(plan: Mapping[str, object] | None, query_type: str | None) -> None:
    """Refuse a plan that is not read-only or holds an operator outside :data:`READ_OPERATORS`."""
    if query_type != "r":
        raise UnsafeCypherError(f"the query's plan is of type {query_type!r}, not read-only; only reads are allowed")
    if plan is None:
        raise UnsafeCypherError("Neo4j returned no plan for the query; it is refused")
    unknown = sorted({op for op in operators(plan) if op not in READ_OPERATORS})
    if unknown:
        raise UnsafeCypherError(
            f"the query's plan uses {', '.join(unknown)}, outside the read-only operators allowed; "
            "write a plain MATCH ... RETURN query"
        )
