"""The browser fixtures of tests/web/test_viewer.py (the app served on the demo estate, headless Chromium and a
page that fails the test on any uncaught script error), shared with the other viewer test modules."""

from tests.web.test_viewer import browser, page, site

__all__ = ["browser", "page", "site"]
