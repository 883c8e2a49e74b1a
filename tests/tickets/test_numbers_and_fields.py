"""Ticket numbers and custom field validation."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from parley.conversations.models import Message, MessageKind, SenderType
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.fields import custom_fields_clean
from parley.tickets.models import CustomFieldDefinition, CustomFieldKind, Ticket, TicketCounter
from parley.tickets.services import ticket_number_next
from tests.conftest import World
from tests.factories import WorkspaceFactory


def test_numbers_are_sequential_per_workspace(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    first, second = make_ticket(), make_ticket()
    elsewhere = make_ticket(other_world)

    assert (first.number, second.number) == (10001, 10002)
    assert elsewhere.number == 10001


def test_a_created_ticket_has_the_requesters_first_message(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()

    messages = list(Message.objects.filter(conversation_id=ticket.pk).order_by("seq"))
    assert [m.kind for m in messages] == [MessageKind.EVENT, MessageKind.TEXT]
    assert messages[0].data["event"] == "ticket_created"
    assert messages[0].data["ticket"] == ticket.number
    assert messages[1].sender_type == SenderType.CONTACT
    assert messages[1].body == "The parcel arrived broken."
    assert ticket.requester == world.contact
    assert ticket.conversation.topic == "Refund for order 1234"


def test_a_failed_create_gives_its_number_back(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    with pytest.raises(ApplicationError):
        make_ticket(description="   ")

    assert make_ticket().number == 10001
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_stays_unique() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; row locks are a PostgreSQL matter")
    workspace = WorkspaceFactory()
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def allocate() -> None:
        try:
            from django.db import transaction

            for _ in range(5):
                with transaction.atomic():
                    number = ticket_number_next(workspace_id=workspace.pk)
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == list(range(10001, 10041))
    assert TicketCounter.objects.get(pk=workspace.pk).last_number == 10040


@pytest.fixture
def definitions(world: World) -> None:
    for key, kind, required, choices in [
        ("order_id", CustomFieldKind.TEXT, True, []),
        ("amount", CustomFieldKind.NUMBER, False, []),
        ("channel", CustomFieldKind.CHOICE, False, ["app", "web"]),
        ("bought_on", CustomFieldKind.DATE, False, []),
    ]:
        CustomFieldDefinition.objects.create(
            workspace=world.workspace,
            key=key,
            label=key,
            kind=kind,
            required=required,
            choices=choices,
        )


def clean(world: World, values: dict[str, object], **kwargs: object) -> dict[str, object]:
    return custom_fields_clean(workspace_id=world.workspace.pk, values=values, **kwargs)  # type: ignore[arg-type]


def problems(world: World, values: dict[str, object], **kwargs: object) -> dict[str, str]:
    with pytest.raises(ApplicationError) as caught:
        clean(world, values, **kwargs)
    assert caught.value.code == ErrorCode.INVALID
    return caught.value.fields["custom_fields"]


def test_valid_values_of_each_kind_are_cleaned(world: World, definitions: None) -> None:
    cleaned = clean(
        world,
        {"order_id": " A-1 ", "amount": "12.50", "channel": "app", "bought_on": "2026-11-01"},
    )

    assert cleaned == {
        "order_id": "A-1",
        "amount": 12.5,
        "channel": "app",
        "bought_on": "2026-11-01",
    }


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("order_id", 12, "must be text"),
        ("amount", "twelve", "must be a number"),
        ("amount", True, "must be a number"),
        ("channel", "fax", "must be one of: app, web"),
        ("bought_on", "2026-13-45", "must be a date (YYYY-MM-DD)"),
        ("colour", "red", "is not a custom field of this workspace"),
    ],
)
def test_a_bad_value_is_named_by_its_key(
    world: World, definitions: None, key: str, value: object, problem: str
) -> None:
    assert problems(world, {"order_id": "A-1", key: value}) == {key: problem}


def test_every_problem_is_reported_at_once_with_required_ones(
    world: World, definitions: None
) -> None:
    found = problems(world, {"amount": "x", "channel": "fax"})

    assert found == {
        "order_id": "is required",
        "amount": "must be a number",
        "channel": "must be one of: app, web",
    }


def test_customers_are_not_asked_for_required_fields(world: World, definitions: None) -> None:
    assert clean(world, {"amount": 3}, enforce_required=False) == {"amount": 3}


def test_a_partial_change_merges_and_none_removes(world: World, definitions: None) -> None:
    current = {"order_id": "A-1", "amount": 3}

    assert clean(world, {"amount": None, "channel": "web"}, partial_of=current) == {
        "order_id": "A-1",
        "channel": "web",
    }
    assert problems(world, {"order_id": None}, partial_of=current) == {"order_id": "is required"}


def test_fields_of_another_workspace_do_not_apply(
    world: World, other_world: World, definitions: None
) -> None:
    assert clean(other_world, {}) == {}
    assert problems(other_world, {"order_id": "A-1"}) == {
        "order_id": "is not a custom field of this workspace"
    }
