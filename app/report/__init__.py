"""Reports: a self-contained HTML report (inline CSS and SVG charts, no external assets) and CSV/JSON exports
of the inventory, the findings and the costs. ``write_report(graph, settings, out_dir)`` writes them all."""
