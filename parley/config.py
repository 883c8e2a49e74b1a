"""Reads Parley's configuration from the environment (12-factor) and decides the run mode.

Two modes exist (DESIGN.md): the *embedded* default (SQLite, in-memory channel layer, jobs run
in-process, demo seed allowed) and *production* (PostgreSQL via ``DATABASE_URL``, Redis via
``REDIS_URL``). Production refuses insecure settings at start instead of running with them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The key embedded mode falls back to if it cannot write its own; production refuses it.
DEFAULT_SECRET_KEY = "parley-insecure-embedded-default-key"

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class RunConfig:
    production: bool
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database_url: str | None
    redis_url: str | None
    demo: bool
    data_dir: Path


def embedded_secret_key(data_dir: Path) -> str:
    """A random key kept in the data directory, so sessions survive a restart of `make run`."""
    key_file = data_dir / "secret_key"
    try:
        if key_file.exists():
            return key_file.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    except OSError:
        return DEFAULT_SECRET_KEY


def load_run_config(environ: dict[str, str] | None = None) -> RunConfig:
    env = os.environ if environ is None else environ
    database_url = env.get("DATABASE_URL") or None
    redis_url = env.get("REDIS_URL") or None
    production = bool(database_url or redis_url) or env.get("PARLEY_MODE") == "production"
    data_dir = Path(env.get("PARLEY_DATA_DIR") or BASE_DIR / "var")

    def flag(name: str, default: bool) -> bool:
        raw = env.get(name)
        return default if not raw else raw.strip().lower() in TRUE_WORDS

    secret_key = env.get("DJANGO_SECRET_KEY") or ""
    if not secret_key:
        secret_key = DEFAULT_SECRET_KEY if production else embedded_secret_key(data_dir)
    hosts_raw = env.get("ALLOWED_HOSTS")
    if hosts_raw is None:
        allowed_hosts = [] if production else ["127.0.0.1", "localhost", "[::1]", "testserver"]
    else:
        allowed_hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    return RunConfig(
        production=production,
        debug=flag("DJANGO_DEBUG", False),
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        database_url=database_url,
        redis_url=redis_url,
        demo=flag("PARLEY_DEMO", not production),
        data_dir=data_dir,
    )


def check_production_safety(config: RunConfig) -> None:
    """Refuse to start production with a setting that would be unsafe on the internet."""
    if not config.production:
        return
    problems = []
    if config.debug:
        problems.append("DJANGO_DEBUG is on")
    if config.secret_key == DEFAULT_SECRET_KEY or len(config.secret_key) < 32:
        problems.append("DJANGO_SECRET_KEY is unset, the default, or shorter than 32 characters")
    if not config.allowed_hosts or "*" in config.allowed_hosts:
        problems.append("ALLOWED_HOSTS is empty or '*'")
    if config.demo:
        problems.append("PARLEY_DEMO is on (the demo seed is for the embedded mode only)")
    if problems:
        raise ImproperlyConfigured(
            "Parley refuses to start in production mode: " + "; ".join(problems) + "."
        )


def database_settings(url: str, *, pool_size: int, prepare: bool = False) -> dict[str, Any]:
    """Django's database entry for ``DATABASE_URL``.

    With ``pool_size`` above 0 (``PARLEY_DB_POOL_SIZE``), each process keeps up to that many
    PostgreSQL connections open in a pool. Without it Django opens a connection per call under
    ASGI, which starts a new server process with cold caches each time; under load that cost
    more than the queries themselves (docs/benchmarks.md). The pool is off by default for now:
    the production-mode test pass runs out of pooled connections (PoolTimeout), which is not
    understood yet (docs/operations.md, "Sizing and tuning").
    """
    import dj_database_url

    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    )
    if pool_size > 0 and config["ENGINE"] == "django.db.backends.postgresql":
        # A caller waits at most `timeout` seconds for a free connection, then fails loudly.
        pool = {"min_size": 1, "max_size": pool_size, "timeout": 10}
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": pool}
    if prepare and config["ENGINE"] == "django.db.backends.postgresql":
        # PARLEY_DB_PREPARE: parameters sent apart from the SQL, and a query run 5 times on a
        # connection prepared there, so PostgreSQL plans it once per connection, not at every
        # run (planning the conversation list took longer than running it). Off by default:
        # it does not suit a pooler in transaction mode (PgBouncer), and raw SQL whose
        # parameters PostgreSQL cannot type fails with it (docs/operations.md).
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    return config


CHANNEL_LAYER_KINDS = ("pubsub", "core")


def channel_layer_settings(redis_url: str, *, prefix: str, kind: str) -> dict[str, Any]:
    """Django Channels' layer on Redis (``PARLEY_CHANNEL_LAYER``; docs/operations.md, "Sizing
    and tuning").

    ``pubsub`` (the default) PUBLISHes a group send once to the processes that SUBSCRIBEd to
    the group and keeps nothing in Redis: about a quarter less CPU per message in the web
    processes than ``core`` in the benchmarks, and it never drops a delivery to a live socket.
    Its sends leave a process in batches (parley/ops/channel_layer.py).
    ``core`` keeps a list per process in Redis (capacity 1,000, expiry) and pays four round
    trips per group send and four per message received; a process that falls behind by more
    than the capacity silently loses deliveries (docs/benchmarks.md).
    """
    if kind not in CHANNEL_LAYER_KINDS:
        raise ImproperlyConfigured(
            f"PARLEY_CHANNEL_LAYER must be one of {', '.join(CHANNEL_LAYER_KINDS)}, not {kind!r}."
        )
    # No socket timeout: the layer's receive blocks on Redis by design, and redis-py's default
    # 5 s timeout would close every idle socket (channels_redis#422).
    hosts = [{"address": redis_url, "socket_timeout": None}]
    if kind == "pubsub":
        backend = "parley.ops.channel_layer.BatchedPubSubChannelLayer"
        config: dict[str, Any] = {"hosts": hosts, "prefix": prefix}
    else:
        backend = "channels_redis.core.RedisChannelLayer"
        config = {"hosts": hosts, "prefix": prefix, "capacity": 1000}
    return {"default": {"BACKEND": backend, "CONFIG": config}}
