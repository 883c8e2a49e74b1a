"""The servers a benchmark runs against, started and stopped here, bound to loopback only:
Parley in production mode (a throwaway PostgreSQL database, its own Redis prefix, K uvicorn
workers, a Celery worker), B1 and B2 (bench/baselines/relay.py); plus /proc readings of their
memory and CPU."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from bench.load.plan import Account, Target

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# A Redis database of its own: Celery's queue names are not prefixed, and other runs on this
# Redis (CI's production pass) use database 0.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
ORIGIN = "http://bench.parley.test"
# Upper bound on a server becoming ready, never an expectation of speed.
START_TIMEOUT = 120.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
PARLEY_RUN = [sys.executable, "-m", "parley.cli", "run", "--no-migrate", "--host", "127.0.0.1"]
CELERY = [sys.executable, "-m", "celery", "-A", "parley", "worker", "--pool", "solo"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


# --- /proc ---------------------------------------------------------------------------------------
def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def children(pid: int) -> list[int]:
    """Child processes, except multiprocessing's resource tracker (uvicorn's supervisor has one)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"resource_tracker" not in cmdline:
                found.append(int(child))
    return found


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def where_measured() -> str:
    """The line a one-process measurement ends with: which PostgreSQL, how busy the machine."""
    return f"postgres: {POSTGRES_URL.rsplit('@', 1)[-1]}; load average {load_average()}"


def in_process_env(database_url: str, redis_url: str, prefix: str, *, host: str) -> dict[str, str]:
    """Production settings for a measurement that runs Parley inside its own process (send
    path, REST path, socket churn): a throwaway database, its own Redis prefix, no demo, and a
    per-contact message limit no loop of its own reaches. ``host`` is the one allowed host."""
    return {
        "DJANGO_SETTINGS_MODULE": "parley.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PARLEY_CHANNEL_PREFIX": prefix,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": host,
        "PARLEY_DEMO": "0",
        "PARLEY_RATE_CONTACT_MESSAGES": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }


# --- the throwaway database --------------------------------------------------------------------
@dataclass
class Database:
    name: str = field(default_factory=lambda: f"parley_bench_{secrets.token_hex(4)}")

    @property
    def url(self) -> str:
        return with_database(POSTGRES_URL, self.name)

    def create(self, template: str | None = None) -> None:
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"{copy}')

    def drop(self) -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def scalar(self, sql: str) -> int:
        with psycopg.connect(self.url, autocommit=True) as connection:
            row = connection.execute(sql).fetchone()
        return int(row[0]) if row else 0


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready:\n{log.read_text(errors='replace')[-3000:]}")


def wait_for_file(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {path.name}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def settle(pids: list[int], *, busy: float = 0.1, window: float = 0.5) -> None:
    """Wait (bounded) until each process uses less than ``busy`` of a core over ``window``
    seconds: a web process answers /readyz before its siblings finish warming up."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        before = {pid: cpu_seconds(pid) for pid in pids}
        time.sleep(window)
        if all(cpu_seconds(pid) - used < busy * window for pid, used in before.items()):
            return


def terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Migrating takes most of a server's start; each run migrates one template database once and
# copies it for every server (CREATE DATABASE … TEMPLATE). The data directory is shared too, so
# collectstatic copies and compresses the front ends once.
_templates: dict[Path, Database] = {}  # per checkout: each has its own migrations
_shared_dir: Path | None = None


def shared_dir() -> Path:
    global _shared_dir
    if _shared_dir is None:
        _shared_dir = Path(tempfile.mkdtemp(prefix="parley-bench-data-"))
    return _shared_dir


def migrated_template(env: dict[str, str], root: Path) -> str:
    if root not in _templates:
        template = Database()
        template.create()
        _templates[root] = template
        subprocess.run(
            [sys.executable, "-m", "parley.cli", "migrate", "--no-input", "-v", "0"],
            cwd=root,
            env={**env, "DATABASE_URL": template.url},
            check=True,
            timeout=600,
        )
    return _templates[root].name


def drop_template() -> None:
    while _templates:
        _, template = _templates.popitem()
        template.drop()


# --- Parley ------------------------------------------------------------------------------------
@dataclass
class Parley:
    """Parley in production mode: ``workers`` uvicorn processes and a Celery worker."""

    workers: int
    inboxes: int
    agents: int
    name: str = "parley"
    # Another checkout of Parley (a `git worktree` at an older commit), to measure a change
    # before and after in the same run; the same virtualenv serves both.
    root: Path = ROOT
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    database: Database = field(default_factory=Database)
    prefix: str = field(default_factory=lambda: f"parley-bench-{secrets.token_hex(4)}")
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="parley-bench-")))
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    seeded: dict = field(default_factory=dict)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_DEBUG", "PARLEY_MODE", "SQLITE_PATH", "PARLEY_DEMO"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="parley.settings",
            DATABASE_URL=self.database.url,
            REDIS_URL=REDIS_URL,
            PARLEY_CHANNEL_PREFIX=self.prefix,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PARLEY_DEMO="0",
            PARLEY_DATA_DIR=str(shared_dir()),
            # Every simulated visitor comes from 127.0.0.1; real ones come from many addresses.
            PARLEY_RATE_WIDGET_SESSION="1000000/min",
            PARLEY_RATE_LOGIN="100000/min",
            PARLEY_RATE_CONTACT_MESSAGES="1000000/min",
            LOG_LEVEL="WARNING",
            PARLEY_WORKER_READY_FILE=str(self.workdir / "celery.ready"),
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=self.root,
            env=self._env,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout

    def start(self) -> None:
        self._env = self.env()
        self.database.create(template=migrated_template(self._env, self.root))
        self.seeded = json.loads(
            self.manage(
                "bench.seed",
                "--inboxes",
                str(self.inboxes),
                "--agents",
                str(self.agents),
                "--origin",
                ORIGIN,
            )
        )
        self.start_web()
        log = self.workdir / "celery.log"
        with log.open("ab") as out:
            self.processes.append(
                subprocess.Popen(
                    [*CELERY, "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip"],
                    cwd=self.root,
                    env=self._env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        # A scenario's load must not meet a worker that is still importing (seconds of CPU on
        # the same cores): wait for its ready file, then for every server process to go quiet.
        if self.root == ROOT:  # an older checkout (--before) may not write the file
            wait_for_file(self.workdir / "celery.ready", self.processes[-1], log)
        settle([*self.worker_pids(), self.processes[-1].pid])

    def start_web(self) -> None:
        log = self.workdir / "web.log"
        with log.open("ab") as out:
            self.web = subprocess.Popen(
                [*PARLEY_RUN, "--port", str(self.port), "--workers", str(self.workers)],
                cwd=self.root,
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_ready(f"{self.http}/readyz", self.web, log)
        deadline = time.monotonic() + START_TIMEOUT
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (one process itself when there is one worker)."""
        if self.workers == 1:
            return [self.web.pid]
        return children(self.web.pid)

    def target(self) -> Target:
        return Target(
            name=self.name,
            kind="parley",
            http=self.http,
            inboxes=tuple(self.seeded["inboxes"]),
            agents=tuple(Account(**a) for a in self.seeded["agents"]),
            origin=ORIGIN,
            workspace=self.seeded["workspace"],
            api_token=self.seeded["api_token"],
        )

    def stored_messages(self) -> int:
        return self.database.scalar(
            "SELECT count(*) FROM conversations_message WHERE sender_type = 'contact'"
        )

    def stop(self) -> None:
        web = getattr(self, "web", None)  # None when the start failed before serving
        if web is not None:
            terminate(web)
        for process in self.processes:
            terminate(process)
        self.database.drop()
        clear_redis_prefix(self.prefix)


def clear_redis_prefix(prefix: str, url: str = REDIS_URL, *, celery_queue: bool = False) -> None:
    """Delete a run's keys: the channel layer's and the cache's (``*<prefix>*``) and, with
    ``celery_queue``, the Celery queue and kombu's bindings of a Redis database of its own."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if celery_queue:
        keys += [b"celery", *client.scan_iter(match="_kombu*", count=1000)]
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


# --- the baselines -----------------------------------------------------------------------------
@dataclass
class RelayServer:
    """B1 (``durable=False``: one process, memory only) or B2 (K processes behind one port,
    PostgreSQL + Redis)."""

    name: str
    durable: bool
    inboxes: int
    agents: int
    workers: int = 1
    port: int = field(default_factory=free_port)
    database: Database = field(default_factory=Database)
    prefix: str = field(default_factory=lambda: f"parley-bench-relay-{secrets.token_hex(4)}")
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="parley-bench-")))
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "bench.baselines.relay", "--port", str(self.port)]
        if self.durable:
            from bench.baselines.relay import SCHEMA

            self.database.create()
            with psycopg.connect(self.database.url, autocommit=True) as connection:
                connection.execute(SCHEMA)
            command += ["--reuse-port", "--database-url", self.database.url]
            command += ["--redis-url", REDIS_URL, "--prefix", self.prefix]
        log = self.workdir / f"{self.name}.log"
        count = self.workers if self.durable else 1
        with log.open("ab") as out:
            for _ in range(count):
                self.processes.append(
                    subprocess.Popen(
                        command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ
                    )
                )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)  # the other processes of B2 bind the same port

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def target(self) -> Target:
        inboxes = tuple(f"b{i}" for i in range(self.inboxes))
        return Target(
            name=self.name,
            kind="relay",
            http=self.http,
            inboxes=inboxes,
            agents=tuple(Account("", "", i % self.inboxes) for i in range(self.agents)),
            origin=ORIGIN,
        )

    def stored_messages(self) -> int | None:
        if not self.durable:
            return None
        return self.database.scalar("SELECT count(*) FROM bench_relay_message")

    def stop(self) -> None:
        for process in self.processes:
            terminate(process)
        if self.durable:
            self.database.drop()
            clear_redis_prefix(self.prefix)
