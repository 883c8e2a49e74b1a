"""A user's logged-in sessions: recorded at login, listed on the Account security page, ended
one by one or all but the current one.

Each row is keyed by the Django session key; the session's data stays in Django's session
store (settings.SESSION_ENGINE). Ending a session deletes it from the store, so the browser
holding its cookie is logged out at its next request, whatever process serves it. Sessions
that began before this table existed get their row the first time they are seen
(`SessionActivityMiddleware`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from parley.accounts.auth.client import client_address
from parley.accounts.models import User, UserSession
from parley.errors import ApplicationError, ErrorCode

# How often a session's "last active" is written: not on every request.
TOUCH_EVERY = timedelta(minutes=1)
SEEN_KEY = "_parley_seen"
DATABASE_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


def _store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def _address(request: HttpRequest) -> str | None:
    raw = client_address(request)
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def session_record(*, request: HttpRequest, user: User) -> UserSession | None:
    """Remember the session just logged in (call after django.contrib.auth.login)."""
    key = request.session.session_key
    if key is None:
        request.session.save()
        key = request.session.session_key
    if key is None:
        return None
    now = timezone.now()
    row, _ = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": _address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "last_active_at": now,
        },
    )
    request.session[SEEN_KEY] = now.timestamp()
    return row


def session_forget(*, session_key: str | None) -> None:
    """The row of a session that ended by logout."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _alive_keys(keys: list[str]) -> set[str]:
    if settings.SESSION_ENGINE in DATABASE_ENGINES:
        # One query for all of them, instead of one per session.
        from django.contrib.sessions.models import Session

        return set(
            Session.objects.filter(
                session_key__in=keys, expire_date__gt=timezone.now()
            ).values_list("session_key", flat=True)
        )
    return {key for key in keys if _store(key).exists(key)}


def session_list(*, user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first (ended or expired ones left out)."""
    rows = list(UserSession.objects.filter(user=user).order_by("-last_active_at", "-pk"))
    alive = _alive_keys([row.session_key for row in rows])
    gone = [row.pk for row in rows if row.session_key not in alive]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.session_key in alive]


def _end(rows: list[UserSession]) -> int:
    for row in rows:
        _store(row.session_key).delete(row.session_key)
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def session_revoke(*, user: User, session_id: int, current_key: str | None) -> bool:
    """End one of the user's sessions (never someone else's). False if there is no such one."""
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    if row.session_key == current_key:
        return False  # the current session ends by logging out, which also clears the cookie
    _end([row])
    return True


def session_revoke_others(*, user: User, request: HttpRequest, password_changed: bool) -> int:
    """End every session of the user but the current one. After a password change the current
    session gets a new key and auth hash (Django's update_session_auth_hash) so it stays in;
    the others would fail Django's auth-hash check anyway, and are deleted here at once."""
    current = request.session.session_key
    if password_changed:
        update_session_auth_hash(request, user)
        new_key = request.session.session_key
        if current and new_key and new_key != current:
            UserSession.objects.filter(session_key=current).update(session_key=new_key)
        current = new_key
    rows = list(UserSession.objects.filter(user=user).exclude(session_key=current or ""))
    return _end(rows)


def session_end(*, request: HttpRequest, user: User, session_id: int) -> None:
    """The user ends one of their other sessions from the sessions list (audited)."""
    from parley.accounts.auth import audit

    if not session_revoke(
        user=user, session_id=session_id, current_key=request.session.session_key
    ):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such session (to end this one, log out).")
    audit.audit_user(
        user=user, action="auth.session_ended", request=request, data={"session": session_id}
    )


def sessions_end_others(*, request: HttpRequest, user: User) -> int:
    """ "Log out everywhere else" (audited); returns how many sessions ended."""
    from parley.accounts.auth import audit

    ended = session_revoke_others(user=user, request=request, password_changed=False)
    audit.audit_user(
        user=user, action="auth.sessions_ended", request=request, data={"sessions_ended": ended}
    )
    return ended


def session_revoke_all(*, user: User) -> int:
    return _end(list(UserSession.objects.filter(user=user)))


class SessionActivityMiddleware:
    """Keeps each logged-in session's "last active" within a minute, and makes the row of a
    session that began before rows were kept. Sits after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if user is None or not user.is_authenticated or key is None:
            return response
        seen = request.session.get(SEEN_KEY)
        now = timezone.now()
        if seen is not None and now.timestamp() - float(seen) < TOUCH_EVERY.total_seconds():
            return response
        updated = UserSession.objects.filter(session_key=key, user=user).update(last_active_at=now)
        if not updated:
            session_record(request=request, user=user)
        # SessionMiddleware (outside this one) saves the session with the new timestamp.
        request.session[SEEN_KEY] = now.timestamp()
        return response
