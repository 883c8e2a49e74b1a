"""Helpers of the authentication tests: a browser-like client (cookies, CSRF enforced) that
logs in through the API exactly as the console does."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from django.test import Client

from tests.factories import PASSWORD


class Browser(Client):
    """A Django test client that enforces CSRF and sends the token the way the console does."""

    def __init__(self, user_agent: str = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140", **kw: Any):
        super().__init__(enforce_csrf_checks=True, HTTP_USER_AGENT=user_agent, **kw)

    def csrf(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/api/v1/auth/csrf")
        return str(self.cookies["csrftoken"].value)

    def send(self, path: str, data: dict[str, Any] | None = None, method: str = "post") -> Any:
        call = getattr(self, method)
        return call(
            path,
            data or {},
            content_type="application/json",
            headers={"X-CSRFToken": self.csrf()},
        )

    def login_password(self, email: str, password: str = PASSWORD, **extra: Any) -> Any:
        return self.send("/api/v1/auth/login", {"email": email, "password": password, **extra})

    def login_code(self, code: str) -> Any:
        return self.send("/api/v1/auth/login/code", {"code": code})


@pytest.fixture
def web() -> Browser:
    return Browser()


@pytest.fixture
def make_browser():
    return Browser


def enrol(browser: Browser, at: float | None = None) -> tuple[pyotp.TOTP, list[str]]:
    """Switch two-factor on for the browser's logged-in user; the app and recovery codes."""
    setup = browser.send("/api/v1/auth/two-factor/setup").json()
    app = pyotp.TOTP(setup["secret"])
    confirmed = browser.send("/api/v1/auth/two-factor/confirm", {"code": app.now()})
    assert confirmed.status_code == 200, confirmed.content
    return app, confirmed.json()["recovery_codes"]
