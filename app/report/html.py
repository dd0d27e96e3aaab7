"""The HTML report: one self-contained page (inline CSS, inline SVG charts, no scripts, no external assets)."""

from __future__ import annotations

from html import escape

from app.report.data import ReportData
from app.report.svg import PROVIDER_COLOURS, SEVERITY_COLOURS, bar_chart, donut
from queries.cost.pricing import money

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#0f172a;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #e2e8f0;padding-bottom:.3rem;margin-top:2.2rem}
.meta{color:#475569;font-size:.9rem}.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:.8rem 1.2rem;min-width:160px}
.card b{display:block;font-size:1.6rem}.card span{color:#475569;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e2e8f0;text-align:left;padding:.3rem .5rem;vertical-align:top}
th{background:#f8fafc}td.num{text-align:right;white-space:nowrap}.empty{color:#64748b;font-style:italic}
.sev{color:#fff;border-radius:4px;padding:0 .4rem;font-size:.8rem}.charts{display:flex;gap:2rem;flex-wrap:wrap}
code{font-size:.8rem;word-break:break-all}
"""


def _e(value: object) -> str:
    return escape(str(value))


def _card(value: str, label: str, id_: str) -> str:
    return f'<div class="card"><b id="{id_}">{_e(value)}</b><span>{_e(label)}</span></div>'


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    if not rows:
        return '<p class="empty">None.</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if n in (numeric or set()) else f"<td>{c}</td>" for n, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _inventory(d: ReportData) -> str:
    kinds = [(c.key, float(c.count)) for c in d.by_kind[:15]]
    return (
        "<h2>Inventory</h2>"
        + '<div class="cards">'
        + _card(f"{d.resources:,}", "resources", "inventory-total")
        + "".join(_card(f"{c.count:,}", c.key, f"inventory-{c.key}") for c in d.by_provider)
        + "</div>"
        + '<div class="charts">'
        + bar_chart(kinds, "Resources by kind (top 15)")
        + donut([(c.key, float(c.count)) for c in d.by_provider], "Resources by provider", PROVIDER_COLOURS)
        + "</div>"
        + _table(["Region", "Resources"], [[_e(c.key), f"{c.count:,}"] for c in d.by_region[:20]], {1})
    )


def _exposure(d: ReportData) -> str:
    rows = [
        [
            _e(r.provider),
            _e(r.kind),
            _e(r.name),
            _e(r.account),
            _e(r.region),
            _e(", ".join(r.ports)),
            f"<code>{_e(r.id)}</code>",
        ]
        for r in d.exposed
    ]
    note = " (the first 1,000 paths only)" if d.exposure_truncated else ""
    return (
        "<h2>Internet exposure</h2>"
        + f'<p><b id="exposed-total">{len(d.exposed)}</b> resource(s) reachable from the internet{note}: every '
        "layer on the path (route, network ACL or NSG or firewall, security group) lets the listed ports through.</p>"
        + _table(["Provider", "Kind", "Name", "Account", "Region", "Open ports", "Id"], rows)
    )


def _findings(d: ReportData) -> str:
    if not d.findings_evaluated:
        return (
            "<h2>Security findings</h2>"
            '<p class="empty" id="findings-none">No findings were evaluated: the graph holds no Finding nodes '
            "(security rules have not run on this graph).</p>"
        )
    sev = [(c.key, float(c.count)) for c in d.findings_by_severity]
    rows = [
        [
            f'<span class="sev" style="background:{SEVERITY_COLOURS.get(f.severity, "#64748b")}">{_e(f.severity)}'
            "</span>",
            _e(f.title),
            _e(f.resource_kind),
            _e(f.resource_name),
            _e(f.account),
            _e(f.remediation),
        ]
        for f in d.findings[:200]
    ]
    cards = "".join(_card(str(c.count), c.key, f"findings-{c.key}") for c in d.findings_by_severity)
    return (
        "<h2>Security findings</h2>"
        + f'<div class="cards">{cards}</div>'
        + donut(sev, "Open findings by severity", SEVERITY_COLOURS)
        + _table(["Severity", "Finding", "Kind", "Resource", "Account", "Remediation"], rows)
        + ("<p class='meta'>The first 200 open findings; the exports hold all.</p>" if len(d.findings) > 200 else "")
    )


def _cost(d: ReportData) -> str:
    c = d.cost_by_provider
    kinds = [(g.key, g.monthly_usd) for g in d.cost_by_kind.groups if g.monthly_usd > 0][:15]
    not_priced = [[_e(i.kind), _e(i.name), _e(i.reason)] for i in c.not_priced_items[:30]]
    return (
        '<section id="cost"><h2>Cost</h2>'
        + f'<p class="meta">Estimated monthly list price (on demand, 730 h/month), priced with '
        f'<span id="prices-label">{_e(d.prices.label)}</span>. {_e(d.prices.source)}</p>'
        + '<div class="cards">'
        + _card(money(c.total_usd), "per month, estimated", "cost-total")
        + "".join(_card(money(g.monthly_usd), g.key, f"cost-{g.key}") for g in c.groups)
        + _card(f"{c.priced:,} / {c.resources:,}", "resources priced", "cost-priced")
        + _card(f"{c.not_priced:,}", "not priced", "cost-not-priced")
        + "</div>"
        + '<div class="charts">'
        + bar_chart(kinds, "Monthly cost by kind (USD)", "${:,.2f}")
        + donut([(g.key, g.monthly_usd) for g in c.groups], "Monthly cost by provider", PROVIDER_COLOURS)
        + "</div>"
        + "<h3>Not priced</h3>"
        + _table(["Kind", "Resource", "Why"], not_priced)
        + "</section>"
    )


def _savings(d: ReportData) -> str:
    s = d.savings
    rules = [[_e(o.title), _e(o.status), str(o.items), money(o.monthly_saving_usd), _e(o.note)] for o in s.rules]
    items = [
        [_e(i.rule), _e(i.kind), _e(i.name), _e(i.region), money(i.monthly_saving_usd), _e(i.reasoning)]
        for i in s.items[:100]
    ]
    return (
        "<h2>Savings</h2>"
        + '<div class="cards">'
        + _card(money(s.total_usd), "per month, possible saving", "savings-total")
        + _card(str(len(s.items)), "recommendations", "savings-count")
        + "</div>"
        + _table(["Rule", "Status", "Items", "Saving / month", "Note"], rules, {2, 3})
        + _table(["Rule", "Kind", "Resource", "Region", "Saving / month", "Reasoning"], items, {4})
    )


def _summary(d: ReportData) -> str:
    open_findings = sum(c.count for c in d.findings_by_severity)
    return (
        '<div class="cards">'
        + _card(f"{d.resources:,}", "resources", "summary-resources")
        + _card(str(len(d.exposed)), "reachable from the internet", "summary-exposed")
        + _card(str(open_findings) if d.findings_evaluated else "not evaluated", "open findings", "summary-findings")
        + _card(money(d.cost_by_provider.total_usd), "estimated per month", "summary-cost")
        + _card(money(d.savings.total_usd), "possible saving per month", "summary-savings")
        + "</div>"
    )


def render(d: ReportData) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>AI-Discover report</title><style>{_CSS}</style></head><body>"
        "<h1>AI-Discover report</h1>"
        f'<p class="meta">Generated {_e(d.generated_at.strftime("%Y-%m-%d %H:%M UTC"))} from the resource graph. '
        "Exports: inventory.csv/json, findings.csv/json, costs.csv/json, savings.csv/json beside this file.</p>"
        + _summary(d)
        + _inventory(d)
        + _exposure(d)
        + _findings(d)
        + _cost(d)
        + _savings(d)
        + "</body></html>\n"
    )
