"""One client process: its slice of visitors and agents, from provisioning to the report.

Every phase is bounded in time; the schedule (warmup, steps, drain) is the same wall-clock
schedule in every process, starting at the moment the parent gives after all are connected.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from bench.load.clients import Agent, Visitor, now_ns
from bench.load.plan import Plan, Target

HTTP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Slice:
    index: int
    visitors: range  # global visitor indexes
    agents: range  # global agent indexes


def slices(plan: Plan) -> list[Slice]:
    def part(total: int, i: int) -> range:
        n = plan.processes
        return range(total * i // n, total * (i + 1) // n)

    return [
        Slice(index=i, visitors=part(plan.visitors, i), agents=part(plan.agents, i))
        for i in range(plan.processes)
    ]


async def bounded(concurrency: int, jobs: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(j) for j in jobs), return_exceptions=True)


# --- credentials: over HTTP for Parley, made up for the relays --------------------------------
async def widget_token(http: httpx.AsyncClient, target: Target, visitor: int) -> str:
    inbox = target.inboxes[visitor % len(target.inboxes)]
    if target.kind != "parley":
        return f"{inbox}:{visitor}"
    response = await http.post(
        f"{target.http}/api/widget/v1/sessions",
        json={"inbox": inbox, "name": f"Visitor {visitor}"},
        headers={"Origin": target.origin},
    )
    response.raise_for_status()
    return str(response.json()["token"])


async def agent_cookie(http: httpx.AsyncClient, target: Target, agent: int) -> str:
    account = target.agents[agent % len(target.agents)]
    if target.kind != "parley":
        return f"sessionid=agent:{target.inboxes[account.inbox]}"
    # Cookies by hand: production marks them Secure, which a jar keeps off plain HTTP.
    csrf = await http.get(f"{target.http}/api/v1/auth/csrf")
    csrf.raise_for_status()
    token = csrf.cookies["csrftoken"]
    login = await http.post(
        f"{target.http}/api/v1/auth/login",
        content=json.dumps({"email": account.email, "password": account.password}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Cookie": f"csrftoken={token}",
        },
    )
    login.raise_for_status()
    return f"sessionid={login.cookies['sessionid']}"


# --- the REST probe (Parley only) --------------------------------------------------------------
async def rest_probe(
    http: httpx.AsyncClient,
    target: Target,
    plan: Plan,
    agents: list[Agent],
    until: float,
    samples: dict[str, list[float]],
) -> None:
    """Alternates the console's two busiest calls: list conversations, send a message."""
    base = f"{target.http}/api/v1/workspaces/{target.workspace}"
    headers = {"Authorization": f"Token {target.api_token}"}
    interval = 1.0 / plan.rest_rate
    turn = 0
    while time.time() < until:
        conversations = [c for a in agents for c in a.contiguous]
        kind = "list" if turn % 2 == 0 or not conversations else "send"
        started = time.perf_counter()
        try:
            if kind == "list":
                response = await http.get(f"{base}/conversations/", headers=headers)
            else:
                response = await http.post(
                    f"{base}/conversations/{random.choice(conversations)}/messages/",
                    json={"body": "REST reply", "client_id": str(uuid.uuid4())},
                    headers=headers,
                )
            ok = response.status_code < 400
        except httpx.HTTPError:
            ok = False
        elapsed_ms = (time.perf_counter() - started) * 1000
        samples.setdefault(kind if ok else f"{kind}_failed", []).append(elapsed_ms)
        turn += 1
        await asyncio.sleep(max(0.0, interval - elapsed_ms / 1000))


# --- the run -----------------------------------------------------------------------------------
async def sleep_until(wall: float) -> None:
    await asyncio.sleep(max(0.0, wall - time.time()))


async def send_schedule(plan: Plan, share: float, visitors: list[Visitor], start: float) -> float:
    """Sends the steps' messages round-robin over this process's visitors; returns the worst
    lag behind schedule in ms (a client that cannot keep up would show here)."""
    worst_lag = 0.0
    at = start + plan.warmup_seconds
    turn = 0
    for index, step in enumerate(plan.steps):
        end = at + step.seconds
        rate = step.rate * share
        if rate > 0 and visitors:
            interval = 1.0 / rate
            due = at
            while due < end:
                lag = time.time() - due
                if lag < 0:
                    await asyncio.sleep(-lag)
                else:
                    worst_lag = max(worst_lag, lag * 1000)
                await visitors[turn % len(visitors)].send_message(str(index))
                turn += 1
                due += interval
        await sleep_until(end)
        at = end
    return worst_lag


async def warmup(plan: Plan, visitors: list[Visitor], start: float) -> None:
    """Each visitor opens its conversation with one message, spread evenly over the warmup."""
    if plan.warmup_seconds == 0:
        return
    spacing = 1.0 / plan.warmup_rate
    for visitor in visitors:
        await sleep_until(start + visitor.index * spacing)
        await visitor.send_message("warmup")


async def run_slice(
    plan: Plan, target: Target, part: Slice, ready: Any, go: Any, start_at: Any, rounds: Any
) -> dict[str, Any]:
    deadline = time.monotonic() + plan.connect_timeout
    provisioning_errors: list[str] = []
    limits = httpx.Limits(max_connections=plan.connect_concurrency)
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT, trust_env=False, limits=limits) as http:
        tokens = await bounded(
            plan.connect_concurrency, [widget_token(http, target, v) for v in part.visitors]
        )
        cookies = await bounded(4, [agent_cookie(http, target, a) for a in part.agents])
        provisioning_errors += [repr(t) for t in [*tokens, *cookies] if isinstance(t, Exception)]

        agents = [
            Agent(
                url=f"{target.ws}/ws/agent/",
                origin=target.http,
                headers={"Cookie": cookie},
                reconnect=plan.reconnect,
                ping_seconds=plan.ping_seconds,
                inbox=target.agents[a % len(target.agents)].inbox,
            )
            for a, cookie in zip(part.agents, cookies, strict=True)
            if isinstance(cookie, str)
        ]
        visitors: list[Visitor] = []
        for v, token in zip(part.visitors, tokens, strict=True):
            if isinstance(token, str):
                visitor = Visitor(
                    url=f"{target.ws}/ws/widget/",
                    origin=target.origin,
                    headers={},
                    reconnect=plan.reconnect,
                    ping_seconds=plan.ping_seconds,
                    token=token,
                    index=v,
                )
                visitors.append(visitor)

        if plan.churn_rounds:
            return await churn(plan, part, visitors, ready, rounds, deadline, provisioning_errors)

        run_deadline = deadline + plan.load_seconds + plan.drain_seconds + 600
        tasks = [asyncio.create_task(c.run(run_deadline)) for c in agents]
        await connected(agents, plan.connect_concurrency, deadline)
        tasks += await open_visitors(visitors, plan.connect_concurrency, run_deadline, deadline)
        connected_at_start = sum(c.welcomed.is_set() for c in [*agents, *visitors])

        await asyncio.to_thread(ready.wait, plan.connect_timeout)
        await asyncio.to_thread(go.wait, plan.connect_timeout)
        start = start_at.value
        await sleep_until(start)

        rest: dict[str, list[float]] = {}
        probe = None
        if plan.rest_rate > 0 and part.index == 0 and target.kind == "parley":
            until = start + plan.load_seconds
            probe = asyncio.create_task(
                rest_probe(http, target, plan, agents, until, rest) if agents else asyncio.sleep(0)
            )
        await warmup(plan, visitors, start)
        share = len(visitors) / plan.visitors if plan.visitors else 0.0
        lag = await send_schedule(plan, share, visitors, start)
        await sleep_until(start + plan.load_seconds + plan.drain_seconds)
        if probe is not None:
            await probe
        for client in [*visitors, *agents]:
            await client.close()
        await asyncio.wait(tasks, timeout=10)
        for task in tasks:
            task.cancel()

    return {
        "process": part.index,
        "provisioning_errors": provisioning_errors[:20],
        "provisioning_failures": len(provisioning_errors),
        "connected_at_start": connected_at_start,
        "clients": len(agents) + len(visitors),
        "schedule_lag_ms": round(lag, 1),
        "visitors": [
            {
                "sent": {c: [o.sent_ns, o.phase] for c, o in v.sent.items()},
                "acked": v.acked,
                "inbox": v.index % len(target.inboxes),
                "drops": v.drops,
                "resumes": v.resumes,
                "errors": v.errors[:5],
            }
            for v in visitors
        ],
        "agents": [
            {
                "inbox": a.inbox,
                "received": a.received,
                "arrived": a.arrived,
                "drops": a.drops,
                "resumes": a.resumes,
                "welcomed": a.connects > 0,
                "errors": a.errors[:5],
            }
            for a in agents
        ],
        "rest": rest,
    }


async def connected(clients: list[Any], concurrency: int, deadline: float) -> None:
    """Waits until every client is welcomed, or the deadline (a client may never be)."""
    remaining = max(0.0, deadline - time.monotonic())
    waits = [asyncio.create_task(c.welcomed.wait()) for c in clients]
    if waits:
        _, pending = await asyncio.wait(waits, timeout=remaining)
        for task in pending:
            task.cancel()


async def open_visitors(
    visitors: list[Visitor], concurrency: int, run_deadline: float, deadline: float
) -> list[asyncio.Task[None]]:
    """Starts the visitors' sockets ``concurrency`` at a time (a real crowd does not arrive in
    one instant) and waits until all are welcomed or the deadline passes."""
    tasks: list[asyncio.Task[None]] = []
    for begin in range(0, len(visitors), concurrency):
        batch = visitors[begin : begin + concurrency]
        tasks += [asyncio.create_task(v.run(run_deadline)) for v in batch]
        await connected(batch, concurrency, deadline)
    return tasks


async def churn(
    plan: Plan,
    part: Slice,
    visitors: list[Visitor],
    ready: Any,
    rounds: Any,
    deadline: float,
    provisioning_errors: list[str],
) -> dict[str, Any]:
    """Connect every visitor (hello, welcome), close them all, and again; between rounds the
    parent samples the server's memory (the ``rounds`` barrier)."""
    welcomed: list[int] = []
    for _ in range(plan.churn_rounds):
        for visitor in visitors:
            visitor.stopping = False
            visitor.welcomed.clear()
            visitor.reconnect = False
        round_deadline = time.monotonic() + plan.connect_timeout
        tasks = await open_visitors(
            visitors, plan.connect_concurrency, round_deadline, round_deadline
        )
        welcomed.append(sum(v.welcomed.is_set() for v in visitors))
        for visitor in visitors:
            await visitor.close()
        await asyncio.wait(tasks, timeout=30)
        await asyncio.to_thread(rounds.wait, plan.connect_timeout)
    del deadline, ready
    return {
        "process": part.index,
        "provisioning_failures": len(provisioning_errors),
        "provisioning_errors": provisioning_errors[:20],
        "welcomed_per_round": welcomed,
        "visitors": [],
        "agents": [],
        "rest": {},
        "clients": len(visitors),
        "connected_at_start": 0,
        "schedule_lag_ms": 0.0,
        "errors": sorted({e for v in visitors for e in v.errors})[:10],
    }


def process_main(
    plan: Plan, target: Target, part: Slice, ready: Any, go: Any, start_at: Any, rounds: Any
) -> dict[str, Any]:
    began = now_ns()
    slice_run = run_slice(plan, target, part, ready, go, start_at, rounds)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        result = asyncio.run(slice_run)
    else:
        result = uvloop.run(slice_run)
    result["wall_seconds"] = round((now_ns() - began) / 1e9, 1)
    return result
