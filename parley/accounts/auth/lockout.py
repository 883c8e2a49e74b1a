"""Login lockout: after too many failed attempts an account, or a client address, is locked for
a while. Failed passwords and failed two-factor codes both count.

State lives in Django's cache. In production that is Redis (settings.CACHES), shared by every
web process, so a lock set by one process holds in all of them and an attacker cannot spread
guesses over processes; it expires by itself (a key's TTL). In the embedded mode there is one
process and the per-process memory cache is enough. A database table would also be shared, but
would cost a write per failed attempt on the busiest table of an attack, and need a cleanup job.

Counting is a fixed window: the first failure starts a window of PARLEY_LOGIN_WINDOW seconds;
reaching PARLEY_LOGIN_MAX_FAILURES within it locks the account for PARLEY_LOGIN_LOCKOUT seconds.
Counters are kept for any address typed, whether an account exists or not, so the answers (and
the lock message) are the same for both: nobody learns which addresses have accounts.
A successful login clears the account's counter, not the address's: an attacker who owns one
account could otherwise clear their address's counter between guesses at others."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from parley.errors import ApplicationError, ErrorCode

PREFIX = "auth:lockout"


@dataclass(frozen=True)
class Limits:
    max_failures: int
    window: int
    lockout: int
    address_max_failures: int


def limits() -> Limits:
    return Limits(
        max_failures=settings.PARLEY_LOGIN_MAX_FAILURES,
        window=settings.PARLEY_LOGIN_WINDOW,
        lockout=settings.PARLEY_LOGIN_LOCKOUT,
        address_max_failures=settings.PARLEY_LOGIN_ADDRESS_MAX_FAILURES,
    )


def _account_key(email: str) -> str:
    # Hashed: cache keys show up in Redis' tooling, and an address is personal data.
    return "acct:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _address_key(address: str) -> str:
    return "ip:" + address


def _locked_until(subject: str) -> float | None:
    until = cache.get(f"{PREFIX}:lock:{subject}")
    if until is None or float(until) <= time.time():
        return None
    return float(until)


def _fail(subject: str, threshold: int, rules: Limits) -> float | None:
    """Count one failure; lock the subject when it reaches the threshold. Returns the lock."""
    counter = f"{PREFIX}:fail:{subject}"
    cache.add(counter, 0, timeout=rules.window)
    try:
        failures = cache.incr(counter)
    except ValueError:  # expired between add and incr: this failure starts a new window
        cache.set(counter, 1, timeout=rules.window)
        failures = 1
    if failures < threshold:
        return None
    until = time.time() + rules.lockout
    cache.set(f"{PREFIX}:lock:{subject}", until, timeout=rules.lockout)
    cache.delete(counter)
    return until


def locked_error(until: float) -> ApplicationError:
    """The one answer to a locked login, whether the account exists or not."""
    seconds = max(1, math.ceil(until - time.time()))
    at = datetime.fromtimestamp(until, tz=UTC)
    minutes = max(1, math.ceil(seconds / 60))
    return ApplicationError(
        ErrorCode.LOGIN_LOCKED,
        f"Too many failed sign-in attempts. Try again in {minutes} minute"
        f"{'s' if minutes != 1 else ''} (after {at:%H:%M} UTC).",
        extra={"retry_after": seconds, "locked_until": at.isoformat()},
        headers={"Retry-After": str(seconds)},
    )


def login_guard(*, email: str, address: str) -> None:
    """Refuse before the password is even checked when the account or the address is locked."""
    locks = [_locked_until(_account_key(email)), _locked_until(_address_key(address))]
    until = max((u for u in locks if u is not None), default=None)
    if until is not None:
        raise locked_error(until)


def login_failed(*, email: str, address: str) -> float | None:
    """Count a failed attempt against the account and the address; the lock it set, if any."""
    rules = limits()
    account_lock = _fail(_account_key(email), rules.max_failures, rules)
    address_lock = _fail(_address_key(address), rules.address_max_failures, rules)
    locks = [u for u in (account_lock, address_lock) if u is not None]
    return max(locks) if locks else None


def login_succeeded(*, email: str) -> None:
    cache.delete(f"{PREFIX}:fail:{_account_key(email)}")


def account_unlock(*, email: str) -> None:
    """Clear the account's lock and counter (after a password reset by its owner)."""
    key = _account_key(email)
    cache.delete_many([f"{PREFIX}:fail:{key}", f"{PREFIX}:lock:{key}"])
