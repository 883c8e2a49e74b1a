"""parley/config.py: the two run modes, and production's refusal of insecure settings.

The unit tests hand `load_run_config` an explicit environment, so they do not depend on the one
this test run itself was started with (CI runs the suite in both modes).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from parley.config import (
    DEFAULT_SECRET_KEY,
    RunConfig,
    channel_layer_settings,
    check_production_safety,
    database_settings,
    load_run_config,
)

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = "k" * 24 + "-a-long-random-production-key-" + "z" * 24
REFUSAL = "Parley refuses to start in production mode"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """A production environment that is safe as it stands; each test spoils one thing."""
    env = {
        "DATABASE_URL": "postgres://parley@db.internal:5432/parley",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "support.example.com",
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
    }
    env.update(overrides)
    return env


def refusal(env: dict[str, str]) -> str:
    config = load_run_config(env)
    assert config.production
    with pytest.raises(ImproperlyConfigured) as raised:
        check_production_safety(config)
    message = str(raised.value)
    assert message.startswith(REFUSAL)
    return message


# --- production mode ---------------------------------------------------------------------------


def test_a_safe_production_environment_is_accepted(tmp_path: Path) -> None:
    config = load_run_config(production_env(tmp_path))

    check_production_safety(config)

    assert config.production
    assert config.debug is False
    assert config.demo is False
    assert config.secret_key == GOOD_KEY
    assert config.allowed_hosts == ["support.example.com"]
    assert config.database_url == "postgres://parley@db.internal:5432/parley"
    assert config.redis_url == "redis://cache.internal:6379/0"
    # Production never writes a key file of its own: its key comes from the environment.
    assert not (tmp_path / "data" / "secret_key").exists()


@pytest.mark.parametrize(
    "switch",
    [
        {"DATABASE_URL": "postgres://parley@db.internal/parley"},
        {"REDIS_URL": "redis://cache.internal:6379/0"},
        {"PARLEY_MODE": "production"},
    ],
    ids=["database-url", "redis-url", "parley-mode"],
)
def test_either_server_url_or_parley_mode_switches_to_production(
    tmp_path: Path, switch: dict[str, str]
) -> None:
    config = load_run_config({"PARLEY_DATA_DIR": str(tmp_path), **switch})

    assert config.production
    assert config.demo is False  # the demo seed is off unless asked for (and then refused)
    assert config.allowed_hosts == []


@pytest.mark.parametrize("value", ["1", "true", "on", "yes", "TRUE"])
def test_production_refuses_debug(tmp_path: Path, value: str) -> None:
    message = refusal(production_env(tmp_path, DJANGO_DEBUG=value))

    assert "DJANGO_DEBUG is on" in message
    assert "DJANGO_SECRET_KEY" not in message  # only what is wrong is named


def test_production_refuses_a_missing_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]

    config = load_run_config(env)

    assert config.secret_key == DEFAULT_SECRET_KEY
    assert "DJANGO_SECRET_KEY" in refusal(env)


@pytest.mark.parametrize(
    "key",
    [DEFAULT_SECRET_KEY, "", "x" * 31],
    ids=["the-embedded-default", "empty", "31-characters"],
)
def test_production_refuses_a_default_or_short_secret_key(tmp_path: Path, key: str) -> None:
    message = refusal(production_env(tmp_path, DJANGO_SECRET_KEY=key))

    assert "DJANGO_SECRET_KEY" in message


def test_a_secret_key_of_32_characters_is_long_enough(tmp_path: Path) -> None:
    check_production_safety(load_run_config(production_env(tmp_path, DJANGO_SECRET_KEY="y" * 32)))


@pytest.mark.parametrize(
    "hosts", ["", " , ", "*", "support.example.com,*"], ids=["empty", "blank", "star", "with-star"]
)
def test_production_refuses_empty_or_wildcard_allowed_hosts(tmp_path: Path, hosts: str) -> None:
    message = refusal(production_env(tmp_path, ALLOWED_HOSTS=hosts))

    assert "ALLOWED_HOSTS is empty or '*'" in message


def test_production_refuses_missing_allowed_hosts(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["ALLOWED_HOSTS"]

    assert "ALLOWED_HOSTS" in refusal(env)


def test_production_refuses_the_demo_seed(tmp_path: Path) -> None:
    message = refusal(production_env(tmp_path, PARLEY_DEMO="1"))

    assert "PARLEY_DEMO is on" in message


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    env = production_env(tmp_path, DJANGO_DEBUG="1", ALLOWED_HOSTS="*", PARLEY_DEMO="on")
    del env["DJANGO_SECRET_KEY"]

    message = refusal(env)

    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "PARLEY_DEMO"):
        assert name in message


# --- embedded mode -----------------------------------------------------------------------------


def test_embedded_mode_accepts_its_defaults(tmp_path: Path) -> None:
    config = load_run_config({"PARLEY_DATA_DIR": str(tmp_path)})

    check_production_safety(config)  # no refusal: nothing here is reachable from outside

    assert config == RunConfig(
        production=False,
        debug=False,
        secret_key=config.secret_key,
        allowed_hosts=["127.0.0.1", "localhost", "[::1]", "testserver"],
        database_url=None,
        redis_url=None,
        demo=True,
        data_dir=tmp_path,
    )


def test_embedded_mode_keeps_a_generated_secret_key_in_its_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"  # not there yet: created on first start

    first = load_run_config({"PARLEY_DATA_DIR": str(data_dir)})

    key_file = data_dir / "secret_key"
    assert key_file.read_text() == first.secret_key
    assert first.secret_key != DEFAULT_SECRET_KEY
    assert len(first.secret_key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by its owner only

    # A restart reads the same key back, so sessions and widget tokens survive it.
    assert load_run_config({"PARLEY_DATA_DIR": str(data_dir)}).secret_key == first.secret_key
    # Another installation gets its own.
    other = load_run_config({"PARLEY_DATA_DIR": str(tmp_path / "other")})
    assert other.secret_key != first.secret_key


def test_embedded_mode_uses_a_given_secret_key_and_writes_none(tmp_path: Path) -> None:
    config = load_run_config({"PARLEY_DATA_DIR": str(tmp_path), "DJANGO_SECRET_KEY": "given"})

    assert config.secret_key == "given"
    assert not (tmp_path / "secret_key").exists()


def test_embedded_mode_can_turn_the_demo_off(tmp_path: Path) -> None:
    assert load_run_config({"PARLEY_DATA_DIR": str(tmp_path), "PARLEY_DEMO": "0"}).demo is False


# --- the refusal happens when the process starts ---------------------------------------------


def start_check(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`parley check` in a fresh process with only the given settings (and what Python needs).

    Nothing in it has to reach a server: settings are refused, or accepted, before any
    connection is made (the URLs below point at a closed port)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": "postgres://parley@127.0.0.1:1/parley",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "support.example.com",
        "PARLEY_DEMO": "0",
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-m", "parley.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("insecure", "named"),
    [
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
    ],
    ids=["wildcard-hosts", "debug", "short-key"],
)
def test_production_process_refuses_to_start_with_an_insecure_setting(
    tmp_path: Path, insecure: dict[str, str], named: str
) -> None:
    result = start_check(tmp_path, **insecure)

    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert REFUSAL in result.stderr
    assert named in result.stderr.split(REFUSAL, 1)[1]


def test_production_process_starts_with_safe_settings(tmp_path: Path) -> None:
    """The control for the test above: the same start, made safe, passes Django's checks."""
    result = start_check(tmp_path)

    assert result.returncode == 0, result.stderr
    assert REFUSAL not in result.stderr
    assert "System check identified no issues" in result.stdout


# --- the database entry -----------------------------------------------------------------------
def test_postgresql_gets_a_connection_pool_of_the_size_asked() -> None:
    config = database_settings("postgres://parley:secret@db.internal:5432/parley", pool_size=7)

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 7, "timeout": 10}
    # Django refuses a pool beside persistent connections.
    assert config["CONN_MAX_AGE"] == 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_pool_size_zero_opens_a_connection_per_call() -> None:
    config = database_settings("postgres://parley@db.internal/parley", pool_size=0)

    assert "pool" not in config.get("OPTIONS", {})


def test_sqlite_urls_get_no_pool() -> None:
    config = database_settings("sqlite:///var/parley.sqlite3", pool_size=10)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in config.get("OPTIONS", {})


def test_prepared_statements_are_asked_for_on_postgresql_only() -> None:
    url = "postgres://parley@db.internal/parley"
    assert "server_side_binding" not in database_settings(url, pool_size=7).get("OPTIONS", {})

    options = database_settings(url, pool_size=7, prepare=True)["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    assert options["pool"]["max_size"] == 7
    sqlite = database_settings("sqlite:///var/parley.sqlite3", pool_size=0, prepare=True)
    assert "server_side_binding" not in sqlite.get("OPTIONS", {})


# --- the channel layer ------------------------------------------------------------------------
def test_the_pub_sub_layer_is_chosen_with_the_prefix_and_no_socket_timeout() -> None:
    layers = channel_layer_settings("redis://cache.internal:6379/2", prefix="acme", kind="pubsub")
    layer = layers["default"]
    assert layer["BACKEND"] == "parley.ops.channel_layer.BatchedPubSubChannelLayer"
    assert layer["CONFIG"]["prefix"] == "acme"
    (host,) = layer["CONFIG"]["hosts"]
    assert host == {"address": "redis://cache.internal:6379/2", "socket_timeout": None}


def test_the_core_layer_keeps_its_capacity() -> None:
    layer = channel_layer_settings("redis://r:6379/0", prefix="p", kind="core")["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["capacity"] == 1000


def test_an_unknown_channel_layer_is_refused_by_name() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"PARLEY_CHANNEL_LAYER.*'pubusb'"):
        channel_layer_settings("redis://r:6379/0", prefix="p", kind="pubusb")


def test_a_production_process_uses_the_pub_sub_layer_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parley.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "parley.example.com",
        "PARLEY_DEMO": "0",
        "PARLEY_DATA_DIR": str(tmp_path),
    }
    env.pop("PARLEY_CHANNEL_LAYER", None)

    def backend(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return result.stdout.strip() or result.stderr

    assert backend() == "parley.ops.channel_layer.BatchedPubSubChannelLayer"
    assert backend(PARLEY_CHANNEL_LAYER="core") == "channels_redis.core.RedisChannelLayer"
    assert "PARLEY_CHANNEL_LAYER" in backend(PARLEY_CHANNEL_LAYER="nope")
