"""One look for the viewer, the HTML report and Bloom: the colours and kind families are declared once
(web/static/palette.json, kinds.json), every kind the viewer can show has a family with a bundled icon, and the
report draws each cloud in the viewer's colour."""

from __future__ import annotations

import re
from pathlib import Path

from app.report.svg import donut
from graph.schema import SCHEMA
from web import STATIC_DIR
from web.palette import FAMILIES, KIND_FAMILY, PROVIDER_COLOURS, SEVERITY_COLOURS, family_of

SRC = Path(__file__).resolve().parents[2] / "web" / "app" / "src"


def test_every_kind_the_viewer_shows_has_a_family_with_a_bundled_icon() -> None:
    visible = {k.label for k in SCHEMA.nodes if not k.hidden}
    assert visible <= set(KIND_FAMILY)
    assert set(KIND_FAMILY.values()) <= set(FAMILIES)
    for family in FAMILIES.values():
        svg = (STATIC_DIR / "icons" / f"{family.icon}.svg").read_text()
        assert svg.lstrip().startswith("<svg"), family.icon
        assert "currentColor" in svg, family.icon  # the viewer recolours it
    assert "MIT License" in (STATIC_DIR / "icons" / "LICENSE").read_text()
    assert family_of("EC2Instance").icon == "server"
    assert family_of("RDSInstance").icon == "database"
    assert family_of("NoSuchKind").name == "other"


def test_the_viewer_reads_the_shared_declarations_and_declares_no_colour_of_its_own() -> None:
    style = (SRC / "style.js").read_text()
    assert 'from "../../static/palette.json"' in style
    assert 'from "../../static/kinds.json"' in (SRC / "icons.js").read_text()
    assert not re.search(r"(aws|azure|gcp)\s*:\s*\"#", style), "cloud colours belong in palette.json"


def test_the_report_draws_each_cloud_and_severity_in_the_viewers_colour() -> None:
    chart = donut([("gcp", 3.0), ("aws", 5.0), ("azure", 1.0)], "Resources by provider", PROVIDER_COLOURS)
    for provider in ("aws", "azure", "gcp"):
        assert f'stroke="{PROVIDER_COLOURS[provider]}"' in chart
    assert PROVIDER_COLOURS["aws"] == "#e8891c"  # orange, as the viewer and the clouds' own branding
    severities = donut([(s, 1.0) for s in SEVERITY_COLOURS], "Open findings by severity", SEVERITY_COLOURS)
    assert all(c in severities for c in SEVERITY_COLOURS.values())
