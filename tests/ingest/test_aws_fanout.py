"""The per-resource reads of a unit: bounded, in order, errors raised to the unit."""

from __future__ import annotations

import threading
import time

import pytest

from ingest.providers.aws.fanout import each


def test_reads_keep_the_items_order_whatever_order_they_finish_in() -> None:
    def read(n: int) -> int:
        time.sleep(0.01 * (5 - n))  # the first items finish last
        return n * 10

    assert each(4, range(5), read) == [0, 10, 20, 30, 40]


@pytest.mark.parametrize("limit", [1, 3])
def test_no_more_than_the_limit_are_in_flight(limit: int) -> None:
    lock = threading.Lock()
    in_flight, peak = 0, 0

    def read(n: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.02)
        with lock:
            in_flight -= 1
        return n

    assert each(limit, range(12), read) == list(range(12))
    assert peak == limit


def test_a_limit_of_one_reads_in_the_callers_thread() -> None:
    caller = threading.get_ident()
    assert each(1, range(3), lambda _: threading.get_ident()) == [caller] * 3


def test_an_error_in_one_read_reaches_the_unit() -> None:
    def read(n: int) -> int:
        if n == 3:
            raise RuntimeError("refused")
        return n

    with pytest.raises(RuntimeError, match="refused"):
        each(4, range(8), read)
