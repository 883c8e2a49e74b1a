"""What a load run does (the plan) and what it runs against (the target). Both are plain frozen
dataclasses, so they cross into the client processes unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """Messages per second from all visitors together, held for ``seconds``."""

    rate: float
    seconds: float


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    inbox: int  # index into Target.inboxes


@dataclass(frozen=True)
class Target:
    """A server speaking wire contract v1: Parley itself (``kind="parley"``: widget sessions and
    agent logins over HTTP) or a baseline relay (``kind="relay"``: the same socket frames, with
    tokens and cookies the relay reads without a database)."""

    name: str
    kind: str
    http: str
    inboxes: tuple[str, ...]  # widget public keys
    agents: tuple[Account, ...]
    origin: str = "http://bench.parley.test"
    workspace: str = ""  # the workspace slug, for REST calls
    api_token: str = ""  # an admin's API token, for REST calls

    @property
    def ws(self) -> str:
        return "ws" + self.http.removeprefix("http")


@dataclass(frozen=True)
class Plan:
    visitors: int
    agents: int = 0
    processes: int = 2
    # Each visitor opens its conversation with one message at this rate before the steps.
    warmup_rate: float = 0.0
    steps: tuple[Step, ...] = ()
    ping_seconds: float = 25.0
    drain_seconds: float = 5.0
    connect_concurrency: int = 40
    # REST requests per second (alternating list / send), Parley only; 0 for none.
    rest_rate: float = 0.0
    # Reconnect after a dropped socket, resuming and resending what was not acked.
    reconnect: bool = True
    # Churn: connect and close every visitor this many times instead of chatting.
    churn_rounds: int = 0
    # The hard upper bound on connecting (per process), never an expectation of speed.
    connect_timeout: float = 120.0
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def warmup_seconds(self) -> float:
        if self.warmup_rate <= 0 or self.visitors == 0:
            return 0.0
        return self.visitors / self.warmup_rate + 2.0

    @property
    def load_seconds(self) -> float:
        return self.warmup_seconds + sum(step.seconds for step in self.steps)
