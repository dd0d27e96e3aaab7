"""The browser side of AI-Discover: the graph viewer the API server serves at ``/``.

``static/index.html`` is the page; its script ``static/dist/viewer.js`` is built from ``app/src`` (plain ES
modules and cytoscape.js, bundled by esbuild: ``make web``, i.e. ``npm ci && npm run build`` in ``web/app``).
The built directory is not committed. The viewer talks only to ``/graphql`` (never to Neo4j) and loads
nothing from other hosts. ``bloom/`` holds the Neo4j Bloom perspective (``perspective.py`` generates it).
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
"""Directory of the static files, served as-is under /static."""

DIST_DIR = STATIC_DIR / "dist"
"""The viewer's build output (git-ignored): ``make web`` writes it."""
