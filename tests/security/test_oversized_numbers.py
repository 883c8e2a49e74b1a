"""An integer beyond 64 bits is bad input on either database: the edge refuses it where it
knows the field (400 invalid with the field named), and a value that reaches SQLite's driver
anyway (an OverflowError) answers 400 invalid through the API's error handler, not a 500.
Found by the owner's schemathesis run (POST tickets/bulk/)."""

from __future__ import annotations

from rest_framework.test import APIRequestFactory

from parley.api_errors import exception_handler
from tests.conftest import World, client_for
from tests.security.state import changed, stored_state

HUGE = 2**70


def test_bulk_ids_beyond_64_bits_are_refused_and_nothing_changes(world: World) -> None:
    before = stored_state()
    response = client_for(world.owner).post(
        f"/api/v1/workspaces/{world.workspace.slug}/tickets/bulk/",
        {"ids": [HUGE], "action": "set_priority", "priority": "high"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "ids" in response.json()["fields"]
    assert changed(before, stored_state()) == []


def test_the_handler_answers_an_overflow_with_400_invalid() -> None:
    request = APIRequestFactory().post("/api/v1/")
    error = OverflowError("Python int too large to convert to SQLite INTEGER")
    response = exception_handler(error, {"request": request, "view": None})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"code": "invalid", "detail": "A value is not valid here."}


def test_huge_ids_in_filters_never_give_a_500(world: World) -> None:
    for path in ("conversations/?inbox=", "conversations/?assignee=", "tickets/?team="):
        response = client_for(world.owner).get(
            f"/api/v1/workspaces/{world.workspace.slug}/{path}{HUGE}"
        )
        assert response.status_code in (200, 400), (path, response.status_code)
