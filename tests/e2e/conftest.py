"""Browser tests: a real Parley server (`parley run`, embedded mode, its own SQLite file and the
demo seed) in a subprocess, driven by Playwright through Debian's Chromium.

Screenshots go to test-artifacts/ (kept by CI as artifacts; look at them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
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
DEMO_PASSWORD = "parley-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]


def server_env(data_dir: Path, port: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        PARLEY_DATA_DIR=str(data_dir),
        PORT=str(port),
        PARLEY_DEMO="1",
        DJANGO_SETTINGS_MODULE="parley.settings",
        PARLEY_RATE_WIDGET_SESSION="1000/min",
        PARLEY_RATE_LOGIN="1000/min",
        PARLEY_PUBLIC_URL=f"http://127.0.0.1:{port}",  # links in e-mails lead back here
    )
    env.pop("PARLEY_MODE", None)
    env.update(extra or {})
    return env


def start_server(data_dir: Path, env: Mapping[str, str] | None = None) -> LiveServer:
    """A `parley run` process of its own; ``env`` adds to or overrides its environment."""
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "parley.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env=server_env(data_dir, port, env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # A fresh start migrates and seeds the demo workspace; on a busy two-core machine that has
    # taken over a minute, so the wait is generous (it ends as soon as the server is ready).
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text())
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return LiveServer(url=url, port=port, process=process)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not become ready:\n" + (data_dir / "server.log").read_text())


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Switch off pytest-django's helper of this name: it would set up a test database for any
    test using a fixture called `live_server`, and ours is a separate process with its own."""


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("parley-e2e"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: scripts/ensure-browser installs it (make test does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """`screenshot(page, "name")` saves test-artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
