"""The real-time scenarios of docs/benchmarks.md. Each runs its load against every target with
the same client, starting and stopping the servers itself, and returns a JSON-able result whose
``rows`` become the Markdown table (measure, Parley, B1, B2, ratios, goal, verdict)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.load.generator import run_load
from bench.load.plan import Plan, Step
from bench.servers import Parley, RelayServer, cpu_seconds, load_average, rss_kb

Result = dict[str, Any]
Server = Parley | RelayServer


@dataclass(frozen=True)
class Options:
    quick: bool
    workers: int = 2  # Parley's uvicorn workers (and B2's processes)
    processes: int = 2  # client processes
    targets: tuple[str, ...] = ("parley", "b1", "b2")
    # A checkout of an older commit: adds the target "before" (Parley from there).
    before: Path | None = None


# Variants of Parley that run beside it as targets of their own: a heading and the environment.
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {
    "pool": ("Parley, PARLEY_DB_POOL_SIZE=10", {"PARLEY_DB_POOL_SIZE": "10"}),
    "nopool": ("Parley, no connection pool", {"PARLEY_DB_POOL_SIZE": "0"}),
    "pubsub": ("Parley, pub/sub channel layer", {"PARLEY_CHANNEL_LAYER": "pubsub"}),
    "core": ("Parley, core channel layer", {"PARLEY_CHANNEL_LAYER": "core"}),
}


def make_server(name: str, options: Options, *, inboxes: int, agents: int, workers: int) -> Server:
    if name == "parley":
        return Parley(workers=workers, inboxes=inboxes, agents=agents)
    if name in VARIANTS:
        # Parley with one setting changed from its default.
        return Parley(
            workers=workers,
            inboxes=inboxes,
            agents=agents,
            name=name,
            extra_env=VARIANTS[name][1],
        )
    if name == "before" and options.before is not None:
        return Parley(
            workers=workers, inboxes=inboxes, agents=agents, name="before", root=options.before
        )
    if name == "b1":
        return RelayServer(name="b1", durable=False, inboxes=inboxes, agents=agents)
    return RelayServer(name="b2", durable=True, inboxes=inboxes, agents=agents, workers=workers)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "load_average": load_average()}


# --- chat: steady and ceiling ----------------------------------------------------------------
def chat_runs(
    options: Options, plan: Plan, *, inboxes: int, workers: int | None = None
) -> dict[str, Result]:
    results: dict[str, Result] = {}
    for name in options.targets:
        server = make_server(
            name,
            options,
            inboxes=inboxes,
            agents=plan.agents,
            workers=workers or options.workers,
        )
        with running(server):
            before = server.stored_messages()
            load_before = load_average()
            use = plan if isinstance(server, Parley) else _without_rest(plan)
            result = run_load(use, server.target(), during=cpu_during(server, plan))
            after = server.stored_messages()
            result["stored"] = None if before is None or after is None else after - before
            result["load_average"] = {"before": load_before, "after": load_average()}
            result["server_cpu_percent"] = result.get("during")
        results[name] = result
    return results


def cpu_during(server: Server, plan: Plan) -> Callable[[float], float | None]:
    """CPU of the server's processes over the load (warmup and steps), in % of one core."""

    def measure(start: float) -> float | None:
        time.sleep(max(0.0, start - time.time()))
        pids = server.worker_pids()
        before = {pid: cpu_seconds(pid) for pid in pids}
        time.sleep(plan.load_seconds)
        used = sum(cpu_seconds(p) - c for p, c in before.items() if _alive(p))
        return round(100 * used / plan.load_seconds, 1)

    return measure


def _alive(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}")


def _without_rest(plan: Plan) -> Plan:
    from dataclasses import replace

    return replace(plan, rest_rate=0.0)


def steady(options: Options) -> Result:
    if options.quick:
        visitors, agents, inboxes, seconds, rest_rate = 200, 10, 5, 15.0, 2.0
    else:
        visitors, agents, inboxes, seconds, rest_rate = 2000, 50, 10, 60.0, 4.0
    # One message per conversation per 10 s; every conversation opened first (warmup).
    plan = Plan(
        visitors=visitors,
        agents=agents,
        processes=options.processes,
        warmup_rate=min(100.0, visitors / 5),
        steps=(Step(rate=visitors / 10, seconds=seconds),),
        drain_seconds=5.0,
        rest_rate=rest_rate,
    )
    runs = chat_runs(options, plan, inboxes=inboxes)
    p, b1, b2 = (runs.get(n, {}) for n in ("parley", "b1", "b2"))
    p99 = _get(p, "delivery_ms", "p99")
    rows = [
        row("delivery p50 (ms)", runs, lambda r: _get(r, "delivery_ms", "p50"), ratio=True),
        row(
            "delivery p99 (ms)",
            runs,
            lambda r: _get(r, "delivery_ms", "p99"),
            ratio=True,
            goal="≤ 250 ms and ≤ 3× B2",
            verdict=_both(
                _at_most(p99, 250.0),
                _at_most(p99, 3 * _get(b2, "delivery_ms", "p99")) if b2 else None,
            ),
        ),
        row("ack p99 (ms)", runs, lambda r: _get(r, "ack_ms", "p99"), ratio=True),
        row("messages sent", runs, lambda r: r.get("sent")),
        row("acked", runs, lambda r: r.get("acked")),
        row("stored", runs, lambda r: r.get("stored")),
        row("deliveries expected", runs, lambda r: r.get("deliveries_expected")),
        row(
            "lost deliveries",
            runs,
            lambda r: r.get("lost_deliveries"),
            goal="0",
            verdict=_zero(p.get("lost_deliveries"), p.get("unacked")),
        ),
        row(
            "duplicates",
            runs,
            lambda r: r.get("duplicates"),
            goal="0",
            verdict=_zero(p.get("duplicates")),
        ),
        row("server CPU (% of one core)", runs, lambda r: r.get("server_cpu_percent")),
        row("client schedule lag max (ms)", runs, lambda r: r.get("schedule_lag_ms")),
    ]
    rest = p.get("rest_ms", {})
    for kind, label in (("list", "REST list conversations"), ("send", "REST send message")):
        s = rest.get(kind, {})
        rows.append(
            {
                "measure": f"{label} p50 / p99 (ms), {rest_rate}/s beside the chat",
                "parley": f"{s.get('p50')} / {s.get('p99')}",
                "b1": "n/a",
                "b2": "n/a",
                "goal": "p50 ≤ 40, p99 ≤ 500",
                "verdict": _both(_at_most(s.get("p50"), 40.0), _at_most(s.get("p99"), 500.0)),
            }
        )
    del b1
    return {
        "scenario": "steady",
        "plan": _plan_text(plan, inboxes),
        "rows": rows,
        "runs": _trim(runs),
    }


def ceiling(options: Options) -> Result:
    rates: tuple[float, ...]
    if options.quick:
        visitors, agents, inboxes, seconds = 100, 10, 5, 4.0
        rates = (20.0, 40.0, 80.0, 160.0, 320.0, 640.0)
    else:
        visitors, agents, inboxes, seconds = 500, 10, 5, 10.0
        rates = (25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0)
    plan = Plan(
        visitors=visitors,
        agents=agents,
        processes=options.processes,
        warmup_rate=min(100.0, visitors / 5),
        steps=tuple(Step(rate=r, seconds=seconds) for r in rates),
        drain_seconds=5.0 if options.quick else 10.0,
    )
    runs = chat_runs(options, plan, inboxes=inboxes)
    for result in runs.values():
        result["ceiling_msg_per_s"] = sustained(result)
    top = {n: r["ceiling_msg_per_s"] for n, r in runs.items()}
    rows = [
        row(
            "sustained msg/s (stored and delivered, p99 ≤ 500 ms)",
            runs,
            lambda r: r["ceiling_msg_per_s"],
            ratio=True,
            goal="≥ 50% of B2",
            verdict=_at_least(top.get("parley"), 0.5 * top["b2"]) if "b2" in top else None,
        ),
    ]
    rows.append(
        row(
            "ceiling found within the steps (else the top step held: at least that)",
            runs,
            lambda r: any(sustained({"steps": [st]}) == 0 for st in r.get("steps", [])),
        )
    )
    for index, rate in enumerate(rates):
        rows.append(
            row(f"step {rate:g} msg/s: delivered msg/s, p99 ms", runs, partial(_step_text, index))
        )
    return {
        "scenario": "ceiling",
        "plan": _plan_text(plan, inboxes),
        "rows": rows,
        "runs": _trim(runs),
    }


def sustained(result: Result) -> float:
    """The highest delivered rate of a step whose every message was stored, acked and delivered
    to every agent of its inbox, with delivery p99 ≤ 500 ms."""
    best = 0.0
    for step in result.get("steps", []):
        p99 = step["delivery_ms"]["p99"]
        clean = step["sent"] > 0 and step["delivered_to_all"] == step["sent"]
        if clean and p99 is not None and p99 <= 500:
            best = max(best, step["delivered_msg_per_s"])
    return best


def _step_text(index: int, result: Result) -> str:
    steps = result.get("steps", [])
    if index >= len(steps):
        return "–"
    step = steps[index]
    lost = step["sent"] - step["delivered_to_all"]
    text = f"{step['delivered_msg_per_s']:g}, {step['delivery_ms']['p99']}"
    return text + (f" ({lost} not delivered)" if lost else "")


# --- connections: idle and churn ----------------------------------------------------------------
def idle(options: Options) -> Result:
    # Pings every 25 s, as the widget sends them; held longer than that, so each socket pings.
    connections, hold, patience = (500, 30.0, 120.0) if options.quick else (5000, 60.0, 300.0)
    ping = 25.0
    plan = Plan(
        visitors=connections,
        processes=options.processes,
        steps=(Step(rate=0.0, seconds=hold),),
        ping_seconds=ping,
        drain_seconds=0.0,
        connect_concurrency=50,
        connect_timeout=patience,
    )
    runs: dict[str, Result] = {}
    for name in [t for t in options.targets if t != "b2"]:
        # One web process: the goal is per process.
        server = make_server(name, options, inboxes=1, agents=0, workers=1)
        with running(server):
            pid = server.worker_pids()[0]
            base = rss_kb(pid)

            def sample(start: float, pid: int = pid) -> dict[str, Any]:
                time.sleep(max(0.0, start - time.time() + 1.0))
                rss, cpu, t = rss_kb(pid), cpu_seconds(pid), time.monotonic()
                time.sleep(max(1.0, hold - 2.0))
                return {
                    "rss_kb": rss_kb(pid),
                    "rss_kb_at_start": rss,
                    "cpu_percent": round(
                        100 * (cpu_seconds(pid) - cpu) / (time.monotonic() - t), 1
                    ),
                }

            result = run_load(plan, server.target(), during=sample)
            during = result.get("during") or {}
            held = result["clients_connected_at_start"]
            result["rss_base_kb"] = base
            result["rss_per_connection_kb"] = (
                round((during.get("rss_kb", base) - base) / held, 1) if held else None
            )
            result["cpu_percent"] = during.get("cpu_percent")
            result["load_average"] = load_average()
        runs[name] = result
    p = runs.get("parley", {})
    b1 = runs.get("b1", {})
    per_conn = p.get("rss_per_connection_kb")
    b1_conn = b1.get("rss_per_connection_kb")
    rows = [
        row(
            f"connections held by one process (of {connections} opened)",
            runs,
            lambda r: r.get("clients_connected_at_start"),
            goal="≥ 5,000",
            verdict=_at_least(p.get("clients_connected_at_start"), 5000)
            if not options.quick
            else f"quick run opens {connections}",
        ),
        row(
            "RSS per connection (KiB)",
            runs,
            lambda r: r.get("rss_per_connection_kb"),
            ratio=True,
            goal="≤ 3× B1",
            verdict=_at_most(per_conn, 3 * b1_conn) if b1_conn else None,
        ),
        row("RSS of the process, idle, before → held (MiB)", runs, _rss_text),
        row(
            f"CPU while idle, ping every {ping:g} s (% of one core)",
            runs,
            lambda r: r.get("cpu_percent"),
            goal="≤ 20%",
            verdict=_at_most(p.get("cpu_percent"), 20.0),
        ),
    ]
    return {
        "scenario": "idle",
        "plan": f"{connections} widgets (hello'd), held {hold:g} s, 1 server process",
        "rows": rows,
        "runs": _trim(runs),
    }


def _rss_text(result: Result) -> str:
    during = result.get("during") or {}
    if "rss_kb" not in during:
        return "–"
    return f"{result['rss_base_kb'] / 1024:.0f} → {during['rss_kb'] / 1024:.0f}"


def churn(options: Options) -> Result:
    connections, rounds = (500, 3) if options.quick else (5000, 10)
    plan = Plan(
        visitors=connections,
        processes=options.processes,
        churn_rounds=rounds,
        connect_concurrency=50,
        connect_timeout=300.0,
    )
    runs: dict[str, Result] = {}
    for name in [t for t in options.targets if t != "b2"]:
        server = make_server(name, options, inboxes=1, agents=0, workers=1)
        with running(server):
            pid = server.worker_pids()[0]
            base = rss_kb(pid)

            def after_round(index: int, pid: int = pid) -> int:
                time.sleep(1.0)  # the closes are processed
                return rss_kb(pid)

            result = run_load(plan, server.target(), after_round=after_round)
            samples = result.get("rounds") or []
            result["rss_base_kb"] = base
            result["rss_after_rounds_kb"] = samples
            first, last = (samples[0], samples[-1]) if samples else (0, 0)
            result["growth_percent"] = round(100 * (last - first) / first, 1) if first else None
            result["load_average"] = load_average()
        runs[name] = result
    p = runs.get("parley", {})
    rows = [
        row("clients welcomed per round", runs, lambda r: r.get("welcomed_per_round")),
        row(
            "RSS after each round (MiB)",
            runs,
            lambda r: [round(x / 1024) for x in r.get("rss_after_rounds_kb", [])],
        ),
        row(
            "RSS growth, round 1 → last",
            runs,
            lambda r: r.get("growth_percent"),
            goal="≤ 10%",
            verdict=_at_most(p.get("growth_percent"), 10.0),
        ),
    ]
    return {
        "scenario": "churn",
        "plan": f"{connections} widgets connect, hello and close, {rounds} times; 1 process",
        "rows": rows,
        "runs": _trim(runs),
    }


# --- reconnect storm (Parley only: the relays keep nothing to resume) --------------------------
def storm(options: Options) -> Result:
    visitors, seconds = (200, 20.0) if options.quick else (2000, 40.0)
    plan = Plan(
        visitors=visitors,
        agents=4,
        processes=options.processes,
        warmup_rate=min(100.0, visitors / 5),
        steps=(Step(rate=visitors / 10, seconds=seconds),),
        drain_seconds=15.0,
        connect_timeout=300.0,
    )
    kill_after = plan.warmup_seconds + 5.0
    runs: dict[str, Result] = {}
    for name in [t for t in options.targets if t in {"parley", "before", *VARIANTS}]:
        server = make_server(name, options, inboxes=2, agents=4, workers=options.workers)
        assert isinstance(server, Parley)
        runs[name] = storm_run(server, plan, kill_after)
    result = runs.get("parley", {})
    lost = result.get("lost_deliveries", 0) + result.get("unacked", 0) if result else None
    rows = [
        row("sockets dropped by the kill", runs, lambda r: r["dropped_clients"]),
        row("sockets resumed (welcome again)", runs, lambda r: r["resumed_clients"]),
        row(
            "time until all resumed (s)",
            runs,
            lambda r: r["all_resumed_s"],
            goal="≤ 30 s",
            verdict=_at_most(result.get("all_resumed_s"), 30.0),
        ),
        row(
            "messages sent / acked / stored",
            runs,
            lambda r: f"{r['sent']} / {r['acked']} / {r['stored']}",
        ),
        row(
            "lost (unacked + undelivered)",
            runs,
            lambda r: r["lost_deliveries"] + r["unacked"],
            goal="0",
            verdict=_zero(lost),
        ),
        row(
            "duplicates",
            runs,
            lambda r: r["duplicates"],
            goal="0",
            verdict=_zero(result.get("duplicates")),
        ),
        row("delivery p99 over the run (ms)", runs, lambda r: _get(r, "delivery_ms", "p99")),
    ]
    return {
        "scenario": "storm",
        "plan": f"{visitors} widgets + 4 agents on {options.workers} workers; SIGKILL of one "
        f"worker {kill_after:g} s in (uvicorn starts a new one); {visitors / 10:g} msg/s",
        "rows": rows,
        "runs": _trim(runs),
    }


# --- table helpers ------------------------------------------------------------------------------
def storm_run(server: Parley, plan: Plan, kill_after: float) -> Result:
    with running(server):
        before = server.stored_messages()

        def kill(start: float) -> dict[str, Any]:
            time.sleep(max(0.0, start + kill_after - time.time()))
            pid = server.worker_pids()[0]
            killed_ns = time.time_ns()
            os.kill(pid, signal.SIGKILL)
            return {"pid": pid, "killed_ns": killed_ns}

        result = run_load(plan, server.target(), during=kill)
        result["stored"] = server.stored_messages() - before
        result["load_average"] = load_average()
    killed = (result.get("during") or {}).get("killed_ns", 0)
    drops = [t for t in result["drops"] if t >= killed]
    resumes = sorted(t for t in result["resumes"] if t >= killed)
    result["dropped_clients"] = len(drops)
    result["resumed_clients"] = len(resumes)
    result["all_resumed_s"] = (
        round((resumes[-1] - killed) / 1e9, 2) if resumes and len(resumes) >= len(drops) else None
    )
    return result


def _get(result: Result, *keys: str) -> Any:
    value: Any = result
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def row(
    measure: str,
    runs: dict[str, Result],
    pick: Callable[[Result], Any],
    *,
    ratio: bool = False,
    goal: str = "",
    verdict: str | None = None,
) -> dict[str, Any]:
    values = {n: pick(r) for n, r in runs.items()}
    out: dict[str, Any] = {
        "measure": measure,
        **{n: values.get(n, "n/a") for n in ("parley", "b1", "b2")},
        **{n: values[n] for n in ("before", *VARIANTS) if n in values},
    }
    if ratio:
        for base in ("b1", "b2"):
            p, b = values.get("parley"), values.get(base)
            if isinstance(p, int | float) and isinstance(b, int | float) and b:
                out[f"parley/{base}"] = f"{p / b:.1f}×"
    out["goal"] = goal
    out["verdict"] = verdict or ("" if not goal else "n/a")
    return out


def _at_most(value: Any, limit: Any) -> str:
    if value is None or limit is None:
        return "not measured"
    if value <= limit:
        return "met"
    return f"MISSED by {value - limit:.1f} ({value / limit:.1f}× the goal)" if limit else "MISSED"


def _at_least(value: Any, floor: Any) -> str:
    if value is None or floor is None:
        return "not measured"
    if value >= floor:
        return "met"
    return f"MISSED: {value:g} < {floor:g}"


def _zero(*values: Any) -> str:
    if any(v is None for v in values):
        return "not measured"
    total = sum(values)
    return "met" if total == 0 else f"MISSED: {total}"


def _both(*verdicts: str | None) -> str:
    missed = [v for v in verdicts if v and v != "met"]
    return "; ".join(missed) if missed else "met"


def _plan_text(plan: Plan, inboxes: int) -> str:
    steps = ", ".join(f"{s.rate:g} msg/s × {s.seconds:g} s" for s in plan.steps)
    return (
        f"{plan.visitors} widgets, {plan.agents} agents in {inboxes} inboxes "
        f"({plan.agents // inboxes} agents see each message); each conversation opened first at "
        f"{plan.warmup_rate:g}/s; then {steps}; {plan.processes} client processes"
    )


def _trim(runs: dict[str, Result]) -> dict[str, Result]:
    """The JSON keeps counts and summaries, not every timestamp."""
    return {
        name: {k: v for k, v in result.items() if k not in {"drops", "resumes"}}
        for name, result in runs.items()
    }


SCENARIOS: dict[str, Callable[[Options], Result]] = {
    "steady": steady,
    "ceiling": ceiling,
    "idle": idle,
    "churn": churn,
    "storm": storm,
}
