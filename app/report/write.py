"""Write the HTML report and every export to a directory."""

from __future__ import annotations

import logging
from pathlib import Path

from app.report.data import collect
from app.report.exports import DATASETS, gather, render_export
from app.report.html import render
from core.errors import ConfigError
from core.settings import Settings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)


def write_report(graph: Graph, settings: Settings, out_dir: Path) -> list[Path]:
    """report.html plus <dataset>.csv and <dataset>.json for inventory, findings, costs and savings."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create report directory {out_dir} ({exc.strerror}); choose another --out") from None
    written = [out_dir / "report.html"]
    written[0].write_text(render(collect(graph, settings)), encoding="utf-8")
    data = gather(graph, settings)
    for dataset in DATASETS:
        for fmt in ("csv", "json"):
            path = out_dir / f"{dataset}.{fmt}"
            path.write_text(render_export(data, dataset, fmt), encoding="utf-8")
            written.append(path)
    log.info("wrote the report and %s exports to %s", len(written) - 1, out_dir)
    return written
