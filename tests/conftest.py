"""Shared test setup: the harness import, and Chromium for the tests marked ``browser``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# `import widget_harness` from any test module (and the benchmarks), however pytest imports
# them; `import normalize_notebooks` from tools/.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from widget_harness import chromium_missing, launch_chromium  # noqa: E402


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium, driven by Playwright, for one test module.

    Skips when there is no browser, unless ``DLBASICS_REQUIRE_BROWSER=1`` (CI sets it
    in ``.ci/run``): then a missing browser fails the test.
    """
    reason = chromium_missing()
    if reason:
        if os.environ.get("DLBASICS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (and DLBASICS_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh page (its own browser context) at a 1280 x 900 window, for one test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
