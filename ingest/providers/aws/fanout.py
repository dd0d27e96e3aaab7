"""Per-resource reads of one unit, a bounded number in flight at once (``AwsSettings.fetch_concurrency``).

A unit lists its resources with a few paginated calls, then often reads each one apart (a bucket's policy, a
role's attached policies). Those reads are independent, so they run on a small thread pool of the unit's own;
results keep the order of the items. An error in one read is raised to the unit, as a sequential loop would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["each"]

T = TypeVar("T")
R = TypeVar("R")


def each(limit: int, items: Iterable[T], read: Callable[[T], R]) -> list[R]:
    """``read`` applied to every item, at most ``limit`` at once (the unit's ``fetch_concurrency``), in the
    items' order."""
    todo = list(items)
    workers = min(limit, len(todo))
    if workers <= 1:
        return [read(item) for item in todo]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aws-read") as pool:
        return list(pool.map(read, todo))
