"""Session and CSRF cookies and HSTS as each run mode sets them, read from the settings of a
fresh process (the settings module decides them once, at start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k, None) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
    "'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', "
    "'SECURE_PROXY_SSL_HEADER', 'PASSWORD_HASHERS', 'CACHES')}))"
)


def settings_in(tmp_path: Path, **env: str) -> dict:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "parley.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_lax_with_hsts(tmp_path):
    shown = settings_in(
        tmp_path,
        DATABASE_URL="postgres://parley@127.0.0.1:1/parley",
        REDIS_URL="redis://127.0.0.1:1/0",
        DJANGO_SECRET_KEY="k" * 40 + "-a-long-random-production-key",
        ALLOWED_HOSTS="support.example.com",
    )

    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SESSION_COOKIE_HTTPONLY"] is True
    assert shown["SESSION_COOKIE_SAMESITE"] == shown["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert shown["SECURE_HSTS_SECONDS"] == 31536000
    assert shown["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    # Lockout counters live in the cache: Redis, shared by every web process.
    assert shown["CACHES"]["default"]["BACKEND"].endswith("RedisCache")


def test_the_embedded_mode_on_plain_http_keeps_cookies_usable(tmp_path):
    shown = settings_in(tmp_path)

    assert shown["SESSION_COOKIE_SECURE"] is False  # http://127.0.0.1 has no TLS
    assert shown["SESSION_COOKIE_HTTPONLY"] is True
    assert shown["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not shown["SECURE_HSTS_SECONDS"]
    assert shown["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
