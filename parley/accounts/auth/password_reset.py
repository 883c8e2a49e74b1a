"""Password reset by e-mail.

`password_reset_request` answers the same whatever the address: for an address with an active
account it queues one e-mail (at most PARLEY_PASSWORD_RESET_PER_HOUR an hour per address), and
for any other it does nothing. The link carries the user id and a token made by Django's
PasswordResetTokenGenerator: an HMAC (keyed by SECRET_KEY) of the user's id, password hash,
last login, e-mail and the time it was made. So it expires after PASSWORD_RESET_TIMEOUT
seconds, and stops working once used (the password hash changes) or once the user logs in
(last login changes). The token sits in the link's #fragment, which browsers never send to a
server: it does not reach access logs or Referer headers."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.html import escape, linebreaks
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from parley.accounts.auth import audit, lockout, passwords
from parley.accounts.models import User
from parley.errors import ApplicationError, ErrorCode

logger = logging.getLogger("parley.auth")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Reset your Parley password",
        "hello": "Hello {name},",
        "asked": "Someone (we hope you) asked to reset the password of your Parley account.",
        "open": "Open this link to choose a new password (it works once, for {minutes} minutes):",
        "ignore": "If you did not ask for this, ignore this e-mail: your password stays as it is.",
    },
    "zh-CN": {
        "subject": "重置您的 Parley 密码",
        "hello": "{name}，您好：",
        "asked": "有人（希望是您本人）请求重置您的 Parley 账户密码。",
        "open": "请打开以下链接设置新密码（仅可使用一次，{minutes} 分钟内有效）：",
        "ignore": "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。",
    },
}


def email_enabled() -> bool:
    return bool(settings.PARLEY_AUTH_EMAILS)


def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    base = settings.PARLEY_PUBLIC_URL.rstrip("/")
    return f"{base}/app/reset-password#uid={uid}&token={token}"


def _per_address_allowed(email: str) -> bool:
    key = "auth:reset:" + hashlib.sha256(email.encode()).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent <= settings.PARLEY_PASSWORD_RESET_PER_HOUR


def password_reset_request(*, email: str, locale: str | None = None) -> None:
    """Queue a reset e-mail if the address has an account; silently nothing otherwise."""
    email = email.strip().lower()
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        audit.log_unknown_account(email=email, action="auth.password_reset_requested", request=None)
        return
    if not _per_address_allowed(email):
        logger.info("auth.password_reset_throttled user=%s", user.pk)
        return
    audit.audit_user(user=user, action="auth.password_reset_requested")
    if not email_enabled():
        logger.warning("auth.password_reset_not_sent user=%s (no SMTP server configured)", user.pk)
        return
    from parley.accounts.tasks import send_password_reset

    user_id = user.pk
    fallback = locale or ""
    transaction.on_commit(lambda: send_password_reset.apply_async((user_id, fallback)), robust=True)


@dataclass(frozen=True)
class ResetEmail:
    subject: str
    text: str
    html: str


def reset_email(*, user: User, link: str, locale: str) -> ResetEmail:
    words = TEXT.get(user.locale or locale, TEXT["en"])
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    lines = [
        words["hello"].format(name=user.name),
        words["asked"],
        words["open"].format(minutes=minutes),
        link,
        words["ignore"],
    ]
    html = (
        "<html><body>"
        + "".join(
            f'<p><a href="{escape(link)}">{escape(link)}</a></p>'
            if line == link
            else linebreaks(escape(line))
            for line in lines
        )
        + "</body></html>"
    )
    return ResetEmail(subject=words["subject"], text="\n\n".join(lines), html=html)


def password_reset_send(*, user_id: int, locale: str) -> None:
    """Make the link and send the e-mail (a job: the token is never stored or logged)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    content = reset_email(user=user, link=reset_link(user), locale=locale)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(content.html, "text/html")
    message.send()


def _user_for(uid: str, token: str) -> User:
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        user_id = None
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(
            ErrorCode.RESET_LINK_INVALID,
            "This reset link has expired or has already been used. Ask for a new one.",
        )
    return user


def password_reset_check(*, uid: str, token: str) -> User:
    return _user_for(uid, token)


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set the new password; the link then stops working and every session of the user ends.
    The user is not logged in here: they log in with the new password (and their second
    factor, if on)."""
    user = _user_for(uid, token)
    ended = passwords.password_set_after_reset(user=user, new_password=new_password)
    lockout.account_unlock(email=user.email)
    audit.audit_user(user=user, action="auth.password_reset", data={"sessions_ended": ended})
    return user
