"""The browser side of AI-Discover: static files the API server serves.

``static/index.html`` is the landing page served at ``/``: links to ``/graphql``, ``/health`` and
``/ready`` and a small table of resources fetched from the GraphQL API. It loads nothing from the
network besides this server.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
"""Directory of the static files (served as-is; no build step)."""
