"""The widget is loaded on customers' pages: all of its JavaScript stays within 30 KB gzipped."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "frontend" / "widget" / "dist"
BUDGET_BYTES = 30 * 1024


@pytest.mark.e2e
def test_widget_javascript_is_within_30_kb_gzipped() -> None:
    scripts = sorted(DIST.glob("*.js"))
    assert (DIST / "widget.js").is_file(), "build the widget first: `make frontend`"
    assert any(p.name.startswith("app-") for p in scripts), "the lazy app chunk is missing"

    sizes = {p.name: len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in scripts}
    total = sum(sizes.values())

    assert total <= BUDGET_BYTES, f"widget JS is {total / 1024:.1f} KB gzipped: {sizes}"


@pytest.mark.e2e
def test_the_loader_stays_tiny() -> None:
    # The loader runs on every page view of a customer's site; the app comes later, lazily.
    loader = (DIST / "widget.js").read_bytes()
    assert len(gzip.compress(loader, compresslevel=9)) <= 2 * 1024
