"""CSV and JSON exports of the inventory (with cost estimates), the findings and the costs (with savings)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Literal

from app.report.data import FindingRow, InventoryRow, findings, inventory
from app.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import load_prices
from queries.cost.savings import Saving, evaluate_savings

Dataset = Literal["inventory", "findings", "costs", "savings"]
Format = Literal["csv", "json"]
DATASETS: tuple[Dataset, ...] = ("inventory", "findings", "costs", "savings")
Row = InventoryRow | FindingRow | Saving


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    text = str(value)
    # a cell starting with = + - @ would run as a formula in a spreadsheet: quote it
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Sequence[Row], row_type: type[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.name for f in fields(row_type)]
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(getattr(row, n)) for n in names])
    return out.getvalue()


def to_json(rows: Sequence[Row], meta: dict[str, object]) -> str:
    return json.dumps({**meta, "count": len(rows), "items": [asdict(r) for r in rows]}, indent=1, default=str) + "\n"


def export(graph: Graph, settings: Settings, dataset: Dataset, fmt: Format) -> str:
    """One export as text. ``costs`` is the inventory's priced rows; ``savings`` the savings advice."""
    prices = load_prices(settings)
    meta: dict[str, object] = {"dataset": dataset, "prices": prices.label, "prices_source": prices.source}
    rows: Sequence[Row]
    row_type: type[Row]
    if dataset == "inventory":
        rows, row_type = inventory(graph), InventoryRow
    elif dataset == "costs":
        priced = [r for r in inventory(graph) if r.monthly_cost_usd is not None]
        rows, row_type = priced, InventoryRow
        meta["total_monthly_usd"] = round(sum(r.monthly_cost_usd or 0.0 for r in priced), 2)
    elif dataset == "savings":
        report = evaluate_savings(graph, prices, settings.cost_snapshot_max_age_days)
        rows, row_type = report.items, Saving
        meta["total_monthly_saving_usd"] = report.total_usd
    else:
        rows, row_type = findings(graph), FindingRow
    return to_csv(rows, row_type) if fmt == "csv" else to_json(rows, meta)
