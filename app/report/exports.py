"""CSV and JSON exports of the inventory (with cost estimates), the findings and the costs (with savings)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Literal

from app.report.data import FindingRow, InventoryRow, findings, inventory
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.savings import Saving, SavingsReport, evaluate_savings

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
    """One JSON document: the metadata, the count and the rows (one object per line, so large exports stay
    quick to write and easy to diff)."""
    if not rows:
        return json.dumps({**meta, "count": 0, "items": []}) + "\n"
    names = [f.name for f in fields(rows[0])]
    items = ",\n".join(json.dumps({n: getattr(r, n) for n in names}, default=str) for r in rows)
    head = json.dumps({**meta, "count": len(rows)})[:-1]
    return f'{head}, "items": [\n{items}\n]}}\n'


@dataclass(frozen=True)
class ExportData:
    """Everything the exports hold, read once."""

    inventory: tuple[InventoryRow, ...]
    findings: tuple[FindingRow, ...]
    savings: SavingsReport
    prices: PriceSnapshot


def gather(graph: Graph, settings: Settings, datasets: Sequence[Dataset] = DATASETS) -> ExportData:
    prices = load_prices(settings)
    need_inventory = "inventory" in datasets or "costs" in datasets
    return ExportData(
        inventory=tuple(inventory(graph)) if need_inventory else (),
        findings=tuple(findings(graph)) if "findings" in datasets else (),
        savings=evaluate_savings(graph, prices, settings.cost.snapshot_max_age_days)
        if "savings" in datasets
        else SavingsReport((), (), 0.0, prices.label),
        prices=prices,
    )


def render_export(data: ExportData, dataset: Dataset, fmt: Format) -> str:
    """One export as text. ``costs`` is the inventory's priced rows; ``savings`` the savings advice."""
    meta: dict[str, object] = {"dataset": dataset, "prices": data.prices.label, "prices_source": data.prices.source}
    rows: Sequence[Row]
    row_type: type[Row]
    if dataset == "inventory":
        rows, row_type = data.inventory, InventoryRow
    elif dataset == "costs":
        priced = [r for r in data.inventory if r.monthly_cost_usd is not None]
        rows, row_type = priced, InventoryRow
        meta["total_monthly_usd"] = round(sum(r.monthly_cost_usd or 0.0 for r in priced), 2)
    elif dataset == "savings":
        rows, row_type = data.savings.items, Saving
        meta["total_monthly_saving_usd"] = data.savings.total_usd
    else:
        rows, row_type = data.findings, FindingRow
    return to_csv(rows, row_type) if fmt == "csv" else to_json(rows, meta)


def export(graph: Graph, settings: Settings, dataset: Dataset, fmt: Format) -> str:
    """One export, reading only what it needs."""
    return render_export(gather(graph, settings, (dataset,)), dataset, fmt)
