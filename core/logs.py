"""Logging set-up for every process: plain text for people, or one JSON object per line for shippers.

JSON lines carry ``time``, ``level``, ``logger``, ``message``, and ``request_id`` / ``job_id`` when
the line was logged while serving a request or running a job (see ``core.context``),
plus ``exc`` with the traceback when there is one, and ``audit`` on the records of ``app.nl.audit``.
Messages are formatted lazily by ``logging`` as usual; nothing here adds secrets (settings never log
their secret fields).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from core import context

NOISY = ("botocore", "boto3", "urllib3", "neo4j", "azure", "google", "werkzeug", "httpx", "httpcore")


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", context.request_id), ("job_id", context.job_id)):
            value = getattr(record, key, None) or var.get()
            if value:
                line[key] = value
        audit = getattr(record, "audit", None)
        if isinstance(audit, dict):
            line["audit"] = audit
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    """Text lines, with ``[req=...]`` / ``[job=...]`` when known."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = [
            f"{name}={var.get()}" for name, var in (("req", context.request_id), ("job", context.job_id)) if var.get()
        ]
        return f"{text} [{' '.join(ids)}]" if ids else text


def configure_logging(level: str, fmt: str) -> None:
    """Configure the root logger for this process. Like ``logging.basicConfig``, it leaves handlers that
    someone else installed (a host application, pytest) in place and only replaces its own."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "aidiscover", False)]:
        root.removeHandler(old)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.aidiscover = True  # type: ignore[attr-defined]
        if fmt == "json":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    numeric = getattr(logging, level)
    root.setLevel(numeric)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
