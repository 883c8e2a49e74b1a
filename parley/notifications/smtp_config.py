"""E-mail settings from the environment: ``EMAIL_URL`` or the separate ``EMAIL_*`` variables.

Read by parley/settings.py before Django is set up, so nothing here imports Django models.

``EMAIL_URL`` forms: ``smtp://user:password@host:25`` (plain, or ``?tls=1`` for STARTTLS),
``smtp+tls://…`` (STARTTLS, port 587 by default) and ``smtps://…`` (TLS from the start, port 465).
User and password are percent-decoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "submission": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE_WORDS


def parse_email_url(url: str) -> SmtpConfig:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:port (or smtp+tls://, smtps://)."
        )
    query = {key.lower(): values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme == "smtps" or _flag(query.get("ssl"))
    use_tls = not use_ssl and (
        scheme in {"smtp+tls", "submission"} or _flag(query.get("tls") or query.get("starttls"))
    )
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[scheme],
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def smtp_config(env: Mapping[str, str]) -> SmtpConfig:
    """``EMAIL_URL`` wins; otherwise ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER`` (or
    ``EMAIL_USER``), ``EMAIL_HOST_PASSWORD`` (or ``EMAIL_PASSWORD``), ``EMAIL_USE_TLS``,
    ``EMAIL_USE_SSL``. No host means no e-mail server is configured."""
    url = (env.get("EMAIL_URL") or "").strip()
    if url:
        return parse_email_url(url)
    use_ssl = _flag(env.get("EMAIL_USE_SSL"))
    use_tls = _flag(env.get("EMAIL_USE_TLS"))
    if use_ssl and use_tls:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    port = (env.get("EMAIL_PORT") or "").strip()
    try:
        port_number = int(port) if port else (465 if use_ssl else 25)
    except ValueError as exc:
        raise ImproperlyConfigured("EMAIL_PORT must be a number.") from exc
    return SmtpConfig(
        host=(env.get("EMAIL_HOST") or "").strip(),
        port=port_number,
        user=env.get("EMAIL_HOST_USER") or env.get("EMAIL_USER") or "",
        password=env.get("EMAIL_HOST_PASSWORD") or env.get("EMAIL_PASSWORD") or "",
        use_tls=use_tls,
        use_ssl=use_ssl,
    )
