"""Browser tests: a real Parley server (`parley run`, embedded mode, its own SQLite file and the
demo seed) in a subprocess, driven by Playwright through Debian's Chromium.

Screenshots go to test-artifacts/ (kept by CI as artifacts; look at them).

The pieces a module uses instead of its own copies:

- `running_server(data_dir)`: a server of the module's own, always stopped at the end;
- `run_cli(server, "shell", "-c", CODE)`: a `parley` command against that server's database,
  the test failing with its output if it fails;
- the `page` fixture: an English page in a fresh context, sized by the module's `VIEWPORT` (and
  in its `LOCALE`, when it sets one); `open_page(locale)` for each further person in a test;
- `chart_series(page, testid)`: the data of each series an ECharts chart drew."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

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
DEFAULT_VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    data_dir: Path  # its database, uploads and server.log; a `parley` command run there sees them


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
                return LiveServer(url=url, port=port, process=process, data_dir=data_dir)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not become ready:\n" + (data_dir / "server.log").read_text())


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


@contextmanager
def running_server(
    data_dir: Path, env: Mapping[str, str] | None = None, *, attempts: int = 1
) -> Iterator[LiveServer]:
    """`start_server`, stopped when the block ends however it ends (a failed set-up included).
    With ``attempts`` > 1 a start that fails or outlasts the wait is tried again in the same
    data directory, which then starts without migrating a new database."""
    for attempt in range(1, attempts + 1):
        try:
            server = start_server(data_dir, env)
            break
        except RuntimeError:
            if attempt == attempts:
                raise
    try:
        yield server
    finally:
        stop_server(server)


def run_cli(
    server: LiveServer,
    *args: str,
    timeout: float = 120,
    env: Mapping[str, str] | None = None,
) -> str:
    """`parley <args>` against ``server``'s own data (its database, its secret key); returns
    the standard output. A non-zero exit fails the test with the command's output."""
    done = subprocess.run(
        [sys.executable, "-m", "parley.cli", *args],
        cwd=ROOT,
        env=server_env(server.data_dir, server.port, env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        pytest.fail(
            f"parley {args[0] if args else ''} exited with {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done.stdout


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Switch off pytest-django's helper of this name for every module here (none needs a copy):
    it would set up a test database for any test using a fixture called `live_server`, which
    fails inside Playwright's event loop, and ours is a separate process with its own."""


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e")) as server:
        yield server


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


class OpenPage(Protocol):
    def __call__(self, locale: str = "en-US", viewport: ViewportSize | None = None) -> Page: ...


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[OpenPage]:
    """``open_page(locale="en-US")``: a page in a browser context of its own (one per person in
    the test), sized by the module's ``VIEWPORT`` (1280×800 if it sets none) unless ``viewport``
    is given. Every context opened is closed at the end of the test, pass or fail."""
    opened: list[BrowserContext] = []

    def open_(locale: str = "en-US", viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(
            viewport=viewport or getattr(request.module, "VIEWPORT", DEFAULT_VIEWPORT),
            locale=locale,
        )
        opened.append(context)
        return context.new_page()

    yield open_
    for context in opened:
        context.close()


@pytest.fixture
def page(open_page: OpenPage, request: pytest.FixtureRequest) -> Page:
    """The test's page: English (or the module's ``LOCALE``), in the module's ``VIEWPORT``."""
    return open_page(getattr(request.module, "LOCALE", "en-US"))


def chart_series(page: Page, testid: str) -> list[list[Any]]:
    """The data of each series the chart in ``testid`` drew (ECharts draws on a canvas, so the
    test reads the chart instance the console keeps on its element)."""
    data: list[list[Any]] = (
        page.get_by_test_id(testid)
        .locator(".echart")
        .evaluate("el => el.__chart.getOption().series.map(s => s.data)")
    )
    return data
