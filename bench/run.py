"""Runs real-time scenarios and writes bench/results/<scenario>.json and .md.

    python -m bench.run steady --quick
    python -m bench.run all --quick            # what `make bench` runs
    python -m bench.run ceiling --targets parley,b2 --workers 2

Every server is started and stopped here, bound to 127.0.0.1. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import widget
from bench.scenarios import SCENARIOS, VARIANTS, Options, machine
from bench.servers import drop_template

RESULTS = Path(__file__).resolve().parent / "results"
COLUMNS = ("parley", "b1", "b2", "parley/b1", "parley/b2", "goal", "verdict")
HEADINGS = ("measure", "Parley", "B1", "B2", "Parley/B1", "Parley/B2", "goal", "verdict")
ORDER = ("steady", "ceiling", "idle", "storm", "churn", "widget")


def widget_scenario(options: Options) -> dict[str, Any]:
    result = widget.run(runs=3 if options.quick else 7)
    with_widget = result["blocking_ms_median"]["with"]
    without = result["blocking_ms_median"]["without"]
    added = round(
        result["long_task_ms_median"]["with"] - result["long_task_ms_median"]["without"], 1
    )
    kb = result["gzipped_total_kb"]
    rows = [
        {
            "measure": "widget JS, gzipped (KiB)",
            "parley": f"{kb} ({', '.join(f'{n} {b}' for n, b in result['gzipped_bytes'].items())})",
            "goal": "≤ 30 KB",
            "verdict": "met" if kb <= 30 else f"MISSED by {kb - 30:.1f} KiB",
        },
        {
            "measure": "main thread: long tasks with → without the widget (ms, median)",
            "parley": f"{result['long_task_ms_median']['with']} → "
            f"{result['long_task_ms_median']['without']}",
        },
        {
            "measure": "main-thread task / script time with → without the widget (ms, median)",
            "parley": f"{result['task_ms_median']['with']} / {result['script_ms_median']['with']}"
            f" → {result['task_ms_median']['without']} / "
            f"{result['script_ms_median']['without']}",
        },
        {
            "measure": "main-thread blocking the widget adds on load (ms, median)",
            "parley": f"{added} (total blocking time {with_widget} with, {without} without)",
            "goal": "≤ 50 ms",
            "verdict": "met" if added <= 50 else f"MISSED by {added - 50:.1f} ms",
        },
    ]
    return {
        "scenario": "widget",
        "plan": f"Chromium loads /demo/ of the embedded server {result['runs']}× with and "
        "without widget.js; Long Tasks API until the launcher shows, plus 2 s",
        "rows": rows,
        "runs": {"parley": result},
    }


def markdown(result: dict[str, Any], meta: dict[str, Any]) -> str:
    lines = [
        f"### {result['scenario']}{' (quick)' if meta['quick'] else ''}",
        "",
        f"{result['plan']}.",
        "",
        f"Run {meta['finished']} at commit {meta['commit']}: `{meta['command']}`. "
        f"Machine: {meta['machine']['cores']} cores; load average (1, 5, 15 min) before "
        f"{meta['machine']['load_average']}, after {meta['load_after']}; "
        f"{meta['seconds']:.0f} s.",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "| " + " | ".join("---" for _ in HEADINGS) + " |",
    ]
    columns = list(COLUMNS)
    extra = {"before": "Parley before the change"} | {
        name: heading for name, (heading, _) in VARIANTS.items()
    }
    for name, heading in reversed(extra.items()):
        if any(name in row for row in result["rows"]):
            # Variants of Parley beside it: an older commit, an optional setting.
            columns.insert(1, name)
            lines[-2] = lines[-2].replace("| Parley |", f"| Parley | {heading} |")
            lines[-1] += " --- |"
    for row in result["rows"]:
        cells = [str(row["measure"])] + [str(row.get(c, "")) for c in columns]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="+", choices=[*ORDER, "all"])
    parser.add_argument("--quick", action="store_true", help="the short variant of each")
    parser.add_argument("--workers", type=int, default=2, help="Parley's web processes (and B2's)")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--targets", default="parley,b1,b2")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of an older commit (git worktree): adds it as the target 'before'",
    )
    args = parser.parse_args(argv)
    names = list(ORDER) if "all" in args.scenarios else args.scenarios
    options = Options(
        quick=args.quick,
        workers=args.workers,
        processes=args.processes,
        targets=tuple(t for t in args.targets.split(",") if t)
        + (("before",) if args.before else ()),
        before=args.before,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        return run_all(names, options, args.out, args.quick, argv)
    finally:
        drop_template()


def run_all(
    names: list[str], options: Options, out: Path, quick: bool, argv: list[str] | None
) -> int:
    failed = False
    for name in names:
        began = time.monotonic()
        before = machine()
        try:
            result = widget_scenario(options) if name == "widget" else SCENARIOS[name](options)
        except Exception as exc:  # one broken scenario must not hide the others' results
            print(f"{name}: FAILED: {exc!r}", file=sys.stderr)
            failed = True
            continue
        meta = {
            "quick": quick,
            "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit(),
            "command": "python -m bench.run " + " ".join(argv or sys.argv[1:]),
            "machine": before,
            "load_after": machine()["load_average"],
            "seconds": time.monotonic() - began,
            "options": options.__dict__,
        }
        stem = f"{name}-quick" if quick else name
        (out / f"{stem}.json").write_text(
            json.dumps({**result, "meta": meta}, indent=1, default=str)
        )
        table = markdown(result, meta)
        (out / f"{stem}.md").write_text(table)
        print(table, flush=True)
    return 1 if failed else 0


def stop_on_term(signum: int, frame: object) -> None:
    # `timeout` and CI send SIGTERM: unwind, so the servers are stopped and the database dropped.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
