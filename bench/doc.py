"""What the benchmarks share: writing their own section of docs/benchmarks.md, and the machine they ran on.

Each benchmark owns the text between its ``<!-- name:start -->`` and ``<!-- name:end -->`` markers; a rerun
replaces only that section, and a benchmark run for the first time appends its section.
"""

from __future__ import annotations

import os
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(start: str, end: str, text: str, doc: Path = DOC) -> None:
    """Replace the section from ``start`` to ``end`` (``text`` carries both markers), or append it."""
    doc.parent.mkdir(parents=True, exist_ok=True)
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    doc.write_text(new, encoding="utf-8")


def machine() -> str:
    """CPUs, memory and the 1-minute load average now, e.g. '2 CPUs, 23.5 GB RAM, load average 1.3'."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count() or 0} CPUs, {memory:.1f} GB RAM, load average {os.getloadavg()[0]:.1f}"
