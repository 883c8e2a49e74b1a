"""The parent of the client processes: starts them, releases them together on one schedule,
and merges their reports into counts (sent, acked, delivered, lost, duplicated) and latencies.

    result = run_load(plan, target)            # chat, warmup and steps
    result = run_load(plan, target, during=f)  # f(start) runs meanwhile (a kill, RSS samples)
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.load.plan import Plan, Target
from bench.load.stats import summary
from bench.load.worker import Slice, process_main, slices

# Upper bound on a client process's report after the schedule ends.
REPORT_GRACE = 120.0


def _entry(
    plan: Plan,
    target: Target,
    part: Slice,
    ready: Any,
    go: Any,
    start_at: Any,
    rounds: Any,
    out: Any,
) -> None:
    try:
        out.put(process_main(plan, target, part, ready, go, start_at, rounds))
    except BaseException:
        out.put({"process": part.index, "crashed": traceback.format_exc()})
        ready.abort()
        rounds.abort()


def run_load(
    plan: Plan,
    target: Target,
    *,
    during: Callable[[float], Any] | None = None,
    after_round: Callable[[int], Any] | None = None,
) -> dict[str, Any]:
    """Runs ``plan`` against ``target``. ``during(start)`` is called in a thread once every
    client is connected (its return value is kept as ``during``); ``after_round(i)`` after each
    churn round, while no client is connected."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(plan.processes + 1)
    rounds = context.Barrier(plan.processes + 1)
    go = context.Event()
    start_at = context.Value("d", 0.0)
    out = context.Queue()
    processes = [
        context.Process(
            target=_entry,
            args=(plan, target, part, ready, go, start_at, rounds, out),
            daemon=True,
        )
        for part in slices(plan)
    ]
    began = time.time()
    for process in processes:
        process.start()
    extra: dict[str, Any] = {}
    side: threading.Thread | None = None
    try:
        if plan.churn_rounds:
            samples = []
            for index in range(plan.churn_rounds):
                rounds.wait(timeout=plan.connect_timeout * 2)
                samples.append(after_round(index) if after_round else None)
            extra["rounds"] = samples
        else:
            ready.wait(timeout=plan.connect_timeout * 2)
            start = time.time() + 1.0
            start_at.value = start
            extra["connected_seconds"] = round(start - began, 1)
            go.set()
            if during is not None:

                def side_job() -> None:
                    extra["during"] = during(start)

                side = threading.Thread(target=side_job, daemon=True)
                side.start()
    except threading.BrokenBarrierError:
        extra["broken"] = "a client process failed or timed out before the start"
    reports = []
    wait = plan.connect_timeout * 2 + plan.load_seconds + plan.drain_seconds + REPORT_GRACE
    for _ in processes:
        try:
            reports.append(out.get(timeout=wait))
        except queue_module.Empty:
            reports.append({"crashed": "no report in time"})
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    if side is not None:
        side.join(timeout=REPORT_GRACE)
    result = merge(plan, target, reports)
    result.update(extra)
    return result


def merge(plan: Plan, target: Target, reports: list[dict[str, Any]]) -> dict[str, Any]:
    crashed = [r["crashed"] for r in reports if "crashed" in r]
    visitors = [v for r in reports for v in r.get("visitors", [])]
    agents = [a for r in reports for a in r.get("agents", [])]
    agents_by_inbox: dict[int, list[dict[str, Any]]] = {}
    for agent in agents:
        if agent["welcomed"]:
            agents_by_inbox.setdefault(agent["inbox"], []).append(agent)

    phase_of: dict[str, str] = {}
    inbox_of: dict[str, int] = {}
    sent_ns: dict[str, int] = {}
    acked: dict[str, int] = {}
    for visitor in visitors:
        for client_id, (ns, phase) in visitor["sent"].items():
            phase_of[client_id] = phase
            inbox_of[client_id] = visitor["inbox"]
            sent_ns[client_id] = ns
        acked.update(visitor["acked"])

    deliveries_expected = 0
    deliveries = 0
    duplicates = 0
    lost_deliveries = 0
    delivered_everywhere: set[str] = set()
    undelivered: set[str] = set()
    latencies: dict[str, list[float]] = {}
    for client_id in acked:
        for agent in agents_by_inbox.get(inbox_of[client_id], []):
            deliveries_expected += 1
            if client_id not in agent["received"]:
                lost_deliveries += 1
                undelivered.add(client_id)
    for agent in agents:
        for client_id, count in agent["received"].items():
            if client_id not in phase_of:
                continue  # not this run's message
            deliveries += 1
            duplicates += count - 1
            latencies.setdefault(phase_of[client_id], []).append(
                (agent["arrived"][client_id] - sent_ns[client_id]) / 1e6
            )
    delivered_everywhere = {c for c in acked if c not in undelivered}

    ack_latency: dict[str, list[float]] = {}
    for client_id, ns in acked.items():
        ack_latency.setdefault(phase_of[client_id], []).append(ns / 1e6)

    steps = []
    for index, step in enumerate(plan.steps):
        phase = str(index)
        in_phase = [c for c, p in phase_of.items() if p == phase]
        complete = [c for c in in_phase if c in delivered_everywhere]
        steps.append(
            {
                "rate": step.rate,
                "seconds": step.seconds,
                "sent": len(in_phase),
                "acked": sum(c in acked for c in in_phase),
                "delivered_to_all": len(complete),
                "delivered_msg_per_s": round(len(complete) / step.seconds, 1),
                "delivery_ms": summary(latencies.get(phase, [])),
                "ack_ms": summary(ack_latency.get(phase, [])),
            }
        )
    all_step_latency = [x for i in range(len(plan.steps)) for x in latencies.get(str(i), [])]
    all_step_acks = [x for i in range(len(plan.steps)) for x in ack_latency.get(str(i), [])]
    rest: dict[str, list[float]] = {}
    for report in reports:
        for kind, samples in report.get("rest", {}).items():
            rest.setdefault(kind, []).extend(samples)

    def timeline(kind: str) -> list[int]:
        return [t for c in [*visitors, *agents] for t in c[kind]]

    return {
        "target": target.name,
        "processes": plan.processes,
        "visitors": plan.visitors,
        "agents": plan.agents,
        "agents_welcomed": sum(a["welcomed"] for a in agents),
        "clients_connected_at_start": sum(r.get("connected_at_start", 0) for r in reports),
        "provisioning_failures": sum(r.get("provisioning_failures", 0) for r in reports),
        "provisioning_errors": [e for r in reports for e in r.get("provisioning_errors", [])][:5],
        "sent": len(phase_of),
        "acked": len(acked),
        "unacked": len(phase_of) - len(acked),
        "deliveries_expected": deliveries_expected,
        "deliveries": deliveries,
        "lost_deliveries": lost_deliveries,
        "duplicates": duplicates,
        "delivery_ms": summary(all_step_latency),
        "ack_ms": summary(all_step_acks),
        "warmup_delivery_ms": summary(latencies.get("warmup", [])),
        "steps": steps,
        "rest_ms": {kind: summary(samples) for kind, samples in rest.items()},
        "schedule_lag_ms": max((r.get("schedule_lag_ms", 0.0) for r in reports), default=0.0),
        "drops": timeline("drops"),
        "resumes": timeline("resumes"),
        "client_errors": sorted({e for c in [*visitors, *agents] for e in c["errors"]})[:10],
        "welcomed_per_round": [
            sum(r["welcomed_per_round"][i] for r in reports if "welcomed_per_round" in r)
            for i in range(plan.churn_rounds)
        ],
        "crashed": crashed,
    }
