"""The console's SLA clock logic (frontend/console/src/lib/slaClock.ts), run in Node: what the
clock says for each state of the ticket payload's `sla`, and durations in English and Chinese.
Skipped where the console's Node toolchain is not installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "frontend" / "console"
SOURCE = CONSOLE / "src" / "lib" / "slaClock.ts"
NOW = "2026-11-25T10:00:00+00:00"

# Transpile the module with the console's own TypeScript and call its exports on the cases.
RUNNER = """
const ts = require("typescript");
const fs = require("fs");
const js = ts.transpileModule(fs.readFileSync(process.argv[1], "utf8"), {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
}).outputText;
const mod = { exports: {} };
new Function("module", "exports", "require", js)(mod, mod.exports, require);
const cases = JSON.parse(process.argv[2]);
const now = Date.parse(process.argv[3]);
process.stdout.write(JSON.stringify(cases.map(([fn, ...args]) =>
  fn === "clock" ? mod.exports.slaClock(args[0], now)
  : fn === "tick" ? mod.exports.tickMs(mod.exports.slaClock(args[0], now))
  : mod.exports.formatDuration(args[0], args[1]))));
"""


def run(*cases: list[Any]) -> list[Any]:
    node = shutil.which("node")
    if node is None or not (CONSOLE / "node_modules" / "typescript").exists():
        pytest.skip("the console's Node toolchain is not installed")
    result = subprocess.run(
        [node, "-e", RUNNER, str(SOURCE), json.dumps(list(cases)), NOW],
        cwd=CONSOLE,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer: list[Any] = json.loads(result.stdout)
    return answer


def sla(
    state: str,
    *,
    first_due: str | None = None,
    first_met: str | None = None,
    due: str | None = None,
    paused: bool = False,
    remaining: int | None = None,
) -> dict[str, Any]:
    return {
        "policy": {"id": 1, "name": "Standard"},
        "state": state,
        "first_response": {"due_at": first_due, "met_at": first_met, "breached": False},
        "resolution": {
            "due_at": due,
            "met_at": None,
            "breached": state == "breached",
            "paused": paused,
            "remaining_seconds": remaining,
        },
    }


def test_no_sla_shows_no_clock() -> None:
    assert run(["clock", None]) == [None]


def test_the_first_reply_counts_first_then_the_resolution() -> None:
    waiting, replied = run(
        ["clock", sla("ok", first_due="2026-11-25T10:30:00Z", due="2026-11-25T18:00:00Z")],
        [
            "clock",
            sla(
                "ok",
                first_due="2026-11-25T10:30:00Z",
                first_met="2026-11-25T09:50:00Z",
                due="2026-11-25T18:00:00Z",
            ),
        ],
    )

    assert waiting["target"] == "first_response"
    assert (waiting["kind"], waiting["seconds"]) == ("left", 1800)
    assert replied["target"] == "resolution"
    assert (replied["kind"], replied["seconds"]) == ("left", 8 * 3600)


def test_past_the_due_time_it_is_overdue_even_before_the_server_says_so() -> None:
    (view,) = run(["clock", sla("warning", due="2026-11-25T09:54:59Z")])

    assert view["state"] == "breached"
    assert (view["kind"], view["seconds"]) == ("overdue", 301)


def test_paused_shows_the_time_left_and_does_not_tick() -> None:
    view, tick = run(
        ["clock", sla("paused", paused=True, remaining=3 * 3600 + 120)],
        ["tick", sla("paused", paused=True, remaining=3 * 3600 + 120)],
    )

    assert (view["state"], view["kind"], view["seconds"]) == ("paused", "paused", 10920)
    assert tick is None


def test_met_when_every_target_is_met() -> None:
    (view,) = run(["clock", sla("met", first_met="2026-11-25T09:00:00Z")])

    assert (view["state"], view["kind"], view["seconds"]) == ("met", "met", None)


def test_it_ticks_every_second_in_the_last_hour_else_every_minute() -> None:
    assert run(
        ["tick", sla("ok", due="2026-11-25T10:59:00Z")],
        ["tick", sla("ok", due="2026-11-25T12:00:00Z")],
    ) == [1000, 60000]


def test_durations_in_english_and_chinese() -> None:
    assert run(
        ["duration", 2 * 86400 + 3 * 3600, "en"],
        ["duration", 3 * 3600 + 5 * 60 + 9, "en"],
        ["duration", 12 * 60 + 30, "en"],
        ["duration", 2 * 86400 + 3 * 3600, "zh-CN"],
        ["duration", 3 * 3600 + 5 * 60, "zh-CN"],
        ["duration", 61, "zh-CN"],
    ) == ["2d 3h", "3h 05m", "12m 30s", "2天3小时", "3小时05分", "1分01秒"]
