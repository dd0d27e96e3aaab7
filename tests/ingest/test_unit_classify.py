"""Which failures of a unit are retried: a deadlock reported by Neo4j is, also when it reaches the unit wrapped in
the ResultFailedError of a transaction that read another result after it (the driver's managed retry does not
look through that wrapper); a query error is not."""

from __future__ import annotations

import neo4j.exceptions

from ingest.jobs.units import classify


def _wrapped(cause: Exception) -> Exception:
    try:
        try:
            raise cause
        except Exception as exc:
            raise neo4j.exceptions.ResultFailedError(None, "The result has failed.") from exc
    except Exception as wrapped:
        return wrapped


def test_a_deadlock_is_retried_bare_or_wrapped_in_a_failed_result() -> None:
    deadlock = neo4j.exceptions.TransientError("ForsetiClient can't acquire ExclusiveLock")
    assert classify(deadlock) == "retry"
    assert classify(_wrapped(deadlock)) == "retry"


def test_a_failed_result_over_a_query_error_fails_the_unit() -> None:
    assert classify(_wrapped(neo4j.exceptions.ClientError("Invalid input"))) == "fail"
    assert classify(neo4j.exceptions.ResultFailedError(None, "The result has failed.")) == "fail"
    assert classify(ValueError("a transform bug")) == "fail"
