from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from parley.notifications.smtp_config import SmtpConfig, smtp_config


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, SmtpConfig("", 25, "", "", use_tls=False, use_ssl=False)),
        (
            {"EMAIL_URL": "smtp+tls://bot%40corp.cn:p%40ss@mail.corp.cn"},
            SmtpConfig("mail.corp.cn", 587, "bot@corp.cn", "p@ss", use_tls=True, use_ssl=False),
        ),
        (
            {"EMAIL_URL": "smtps://u:p@smtp.exmail.qq.com"},
            SmtpConfig("smtp.exmail.qq.com", 465, "u", "p", use_tls=False, use_ssl=True),
        ),
        (
            {"EMAIL_URL": "smtp://relay:2525?tls=1", "EMAIL_HOST": "ignored"},
            SmtpConfig("relay", 2525, "", "", use_tls=True, use_ssl=False),
        ),
        (
            {
                "EMAIL_HOST": "mail.example.com",
                "EMAIL_PORT": "587",
                "EMAIL_HOST_USER": "u",
                "EMAIL_HOST_PASSWORD": "p",
                "EMAIL_USE_TLS": "true",
            },
            SmtpConfig("mail.example.com", 587, "u", "p", use_tls=True, use_ssl=False),
        ),
        (
            {"EMAIL_HOST": "mail.example.com", "EMAIL_USE_SSL": "1"},
            SmtpConfig("mail.example.com", 465, "", "", use_tls=False, use_ssl=True),
        ),
    ],
)
def test_email_settings_from_the_environment(env: dict[str, str], expected: SmtpConfig) -> None:
    assert smtp_config(env) == expected


@pytest.mark.parametrize(
    "env",
    [
        {"EMAIL_URL": "http://mail.example.com"},
        {"EMAIL_URL": "smtp://"},
        {"EMAIL_HOST": "h", "EMAIL_PORT": "twenty-five"},
        {"EMAIL_HOST": "h", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
    ],
)
def test_bad_email_settings_stop_the_start(env: dict[str, str]) -> None:
    with pytest.raises(ImproperlyConfigured):
        smtp_config(env)
