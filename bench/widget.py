"""The widget's cost to a customer's page: its JavaScript gzipped (as
tests/e2e/test_widget_bundle_size.py counts it) and the main-thread time it blocks while the
page loads, in Debian's Chromium (launched as tests/e2e/conftest.py launches it), from the
Long Tasks API on the embedded server's demo page, against the same page without the widget."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.servers import ROOT, free_port, terminate, wait_ready

DIST = ROOT / "frontend" / "widget" / "dist"
CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Long tasks (> 50 ms) seen by the page, buffered from the start of the navigation.
OBSERVE = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({type: 'longtask', buffered: true});
"""
SETTLE_SECONDS = 2.0


def gzipped_sizes() -> dict[str, int]:
    return {
        path.name: len(gzip.compress(path.read_bytes(), compresslevel=9))
        for path in sorted(DIST.glob("*.js"))
    }


def start_embedded() -> tuple[subprocess.Popen[bytes], str]:
    """`parley run` in the embedded mode with the demo seed, on a port of its own."""
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="parley-bench-widget-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "PARLEY_MODE", "PARLEY_CHANNEL_PREFIX"}
    }
    env.update(PARLEY_DATA_DIR=str(data), PORT=str(port), PARLEY_DEMO="1")
    log = data / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "parley.cli", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/readyz", process, log)
    return process, url


def blocking(page: Any, url: str, *, block_widget: bool) -> dict[str, float]:
    if block_widget:
        page.route("**/widget.js", lambda route: route.abort())
    page.add_init_script(OBSERVE)
    # Chromium's own counters: all main-thread task and script time, long or not.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url, wait_until="load")
    if not block_widget:
        page.locator("parley-widget .launcher").wait_for(state="visible", timeout=30_000)
    time.sleep(SETTLE_SECONDS)
    tasks = page.evaluate("window.__longTasks")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "task_ms": round(metrics.get("TaskDuration", 0.0) * 1000, 1),
        "script_ms": round(metrics.get("ScriptDuration", 0.0) * 1000, 1),
        "long_tasks": len(tasks),
        "long_task_ms": round(sum(tasks), 1),
        "total_blocking_ms": round(sum(max(0.0, t - 50) for t in tasks), 1),
    }


def run(runs: int = 5) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    sizes = gzipped_sizes()
    process, url = start_embedded()
    samples: dict[str, list[dict[str, float]]] = {"with": [], "without": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for _ in range(runs):
                    for kind in ("without", "with"):
                        context = browser.new_context(viewport={"width": 1280, "height": 800})
                        page = context.new_page()
                        samples[kind].append(
                            blocking(page, f"{url}/demo/", block_widget=kind == "without")
                        )
                        context.close()
            finally:
                browser.close()
    finally:
        terminate(process)

    def median(kind: str, key: str) -> float:
        values = sorted(s[key] for s in samples[kind])
        return values[len(values) // 2]

    return {
        "gzipped_bytes": sizes,
        "gzipped_total_kb": round(sum(sizes.values()) / 1024, 1),
        "runs": runs,
        "samples": samples,
        "long_task_ms_median": {k: median(k, "long_task_ms") for k in samples},
        "task_ms_median": {k: median(k, "task_ms") for k in samples},
        "script_ms_median": {k: median(k, "script_ms") for k in samples},
        "blocking_ms_median": {k: median(k, "total_blocking_ms") for k in samples},
    }
