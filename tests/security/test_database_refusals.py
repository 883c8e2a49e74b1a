"""Values the edge lets through but PostgreSQL refuses (a NUL character in text) answer 400
``invalid`` through the API's error handler (parley/api_errors.py), with nothing stored changed
and the connection still usable, instead of a 500. SQLite takes such values, so this runs
against PostgreSQL only (CI's production pass)."""

from __future__ import annotations

import pytest
from django.db import DataError, connection
from rest_framework.test import APIRequestFactory

from parley.api_errors import exception_handler
from parley.contacts.models import Contact
from tests.conftest import World, client_for
from tests.security.state import changed, stored_state

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def needs_postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's refusals are what is tested: needs a PostgreSQL DATABASE_URL")


def api(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def test_postgresql_refuses_a_nul_character_with_a_data_error(world: World) -> None:
    """The premise: this is the error the handler turns into a 400."""
    with pytest.raises(DataError):
        list(Contact.objects.filter(name="a\x00b"))


def test_the_handler_answers_a_data_error_with_400_invalid() -> None:
    request = APIRequestFactory().get("/api/v1/")
    response = exception_handler(DataError("NUL"), {"request": request, "view": None})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"code": "invalid", "detail": "A value is not valid here."}


def test_a_nul_in_a_search_is_400_invalid_and_the_next_request_works(world: World) -> None:
    before = stored_state()
    response = client_for(world.admin).get(api(world, "search/?q=a%00b"))
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "A value is not valid here."}
    assert changed(before, stored_state()) == []
    assert client_for(world.admin).get(api(world, "search/?q=ab")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "tickets/?q=a%00b",
        "kb/articles/?q=a%00b",
        "kb/search/?q=a%00b",
        "contacts/?phone=138%0012341234",
        "contacts/?id_number=a%00b",
        "audit/?q=a%00b",
        "conversations/?inbox=99999999999999999999",
        "conversations/?assignee=99999999999999999999",
        "conversations/?before=99999999999999999999",
    ],
)
def test_other_values_postgresql_would_refuse_never_give_a_500(world: World, path: str) -> None:
    before = stored_state()
    response = client_for(world.admin).get(api(world, path))
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["code"] == "invalid"
    assert changed(before, stored_state()) == []
