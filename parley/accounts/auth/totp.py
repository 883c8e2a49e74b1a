"""TOTP two-factor authentication (RFC 6238, 30-second steps, 6 digits) and recovery codes.

Enrolment: `two_factor_setup` makes a new secret and answers it once (as text, an otpauth URI
and a QR code drawn here as SVG, so no third party ever sees the secret); `two_factor_confirm`
takes the first code from the app, switches two-factor on and answers ten recovery codes once.
A code is accepted for the step before, the current and the next one (clock drift), and never
twice: the last accepted step is stored and only a later one passes, with a conditional update
so two requests racing with the same code cannot both win."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from parley.accounts.auth import audit
from parley.accounts.models import RecoveryCode, TwoFactorDevice, User
from parley.errors import ApplicationError, ErrorCode

ISSUER = "Parley"
STEP = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def clock() -> float:
    """The time codes are checked against (a function, so tests can move it)."""
    return time.time()


def two_factor_enabled(user: User) -> bool:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#111827"))


@transaction.atomic
def two_factor_setup(*, user: User) -> Enrolment:
    """A fresh secret for a user without two-factor; any unconfirmed one is replaced."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        raise ApplicationError(ErrorCode.TWO_FACTOR_STATE, "Two-factor is already on.")
    secret = pyotp.random_base32()
    TwoFactorDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": None, "last_used_step": 0}
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=_qr_svg(uri))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def totp_verify(*, device: TwoFactorDevice, code: str, now: float | None = None) -> bool:
    """True once per valid code: the step is claimed so the same code fails the next time."""
    step = _matching_step(device.secret, code, clock() if now is None else now)
    if step is None:
        return False
    claimed = TwoFactorDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return claimed == 1


def _hash_recovery(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new codes in place of any earlier ones; the plain codes exist only in the answer."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash_recovery(code)) for code in codes]
    )
    return codes


def recovery_code_use(*, user: User, code: str) -> bool:
    """Spend one recovery code; a used or unknown one is refused."""
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


def second_factor_check(*, user: User, code: str) -> str | None:
    """Check a code from the app, or failing that a recovery code. Returns which one passed."""
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None or not code.strip():
        return None
    if totp_verify(device=device, code=code):
        return "totp"
    if len("".join(ch for ch in code if ch.isalnum())) == 12 and recovery_code_use(
        user=user, code=code
    ):
        return "recovery_code"
    return None


@transaction.atomic
def two_factor_confirm(*, user: User, code: str) -> list[str]:
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.is_confirmed:
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_STATE, "Start the set-up first: there is nothing to confirm."
        )
    if not totp_verify(device=device, code=code):
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_INVALID_CODE,
            "That code is not right. Check the time on your phone and enter the current code.",
            fields={"code": ["Wrong code."]},
        )
    TwoFactorDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    codes = recovery_codes_issue(user=user)
    audit.audit_user(user=user, action="auth.two_factor_enabled")
    return codes


def _require_password_and_code(*, user: User, password: str, code: str) -> None:
    if not user.check_password(password):
        raise ApplicationError(
            ErrorCode.INVALID_CREDENTIALS,
            "The password is wrong.",
            fields={"password": ["The password is wrong."]},
        )
    if second_factor_check(user=user, code=code) is None:
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_INVALID_CODE,
            "That code is not right.",
            fields={"code": ["Wrong code."]},
        )


@transaction.atomic
def two_factor_disable(*, user: User, password: str, code: str) -> None:
    if not two_factor_enabled(user):
        raise ApplicationError(ErrorCode.TWO_FACTOR_STATE, "Two-factor is not on.")
    _require_password_and_code(user=user, password=password, code=code)
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.audit_user(user=user, action="auth.two_factor_disabled")


@transaction.atomic
def recovery_codes_regenerate(*, user: User, password: str, code: str) -> list[str]:
    if not two_factor_enabled(user):
        raise ApplicationError(ErrorCode.TWO_FACTOR_STATE, "Two-factor is not on.")
    _require_password_and_code(user=user, password=password, code=code)
    codes = recovery_codes_issue(user=user)
    audit.audit_user(user=user, action="auth.recovery_codes_regenerated")
    return codes


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
