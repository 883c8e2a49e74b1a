"""Training by the weekly job and by `parley analytics train-churn`; the profile job."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parley.analytics.customers.demo import churn_history_generate
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.analytics.customers.tasks import refresh_contact_profiles, train_churn_models
from tests.conftest import World


def planted(world: World, now: datetime) -> None:
    churn_history_generate(
        workspace=world.workspace,
        inboxes=[world.inbox],
        agents=[world.agent],
        now=now,
        contacts=200,
        days=300,
        effects=frozenset({"abandoned"}),
        seed=5,
    )


def test_the_weekly_job_trains_workspaces_with_history_and_skips_the_others(
    world: World, other_world: World
) -> None:
    planted(world, timezone.now())
    assert train_churn_models() == 1
    model = ChurnModel.objects.get(workspace=world.workspace)
    assert model.active and model.validation["auc"] > 0.6
    assert not ChurnModel.objects.filter(workspace=other_world.workspace).exists()
    scored = ContactProfile.objects.filter(workspace=world.workspace, model_version=1)
    assert scored.exclude(risk=None).count() > 20
    # The 6-hourly job recomputes every profile (and keeps the scores).
    assert refresh_contact_profiles() == ContactProfile.objects.count()
    assert scored.exclude(risk=None).count() > 20


def test_the_command_prints_the_validation_figures(world: World) -> None:
    planted(world, timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("analytics", "train-churn", "--workspace", world.workspace.slug, stdout=out)
    figures = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    assert figures["version"] == "1"
    assert float(figures["auc"]) > 0.6 and int(figures["validation rows"]) > 30
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", figures["validation cutoff"])
    assert int(figures["scored"]) > 20


@pytest.mark.parametrize(
    "args",
    [
        ["train-churn", "--workspace", "nowhere"],
        ["refresh-profiles", "--workspace", "nowhere"],
    ],
)
def test_the_commands_refuse_an_unknown_workspace(world: World, args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("analytics", *args)


def test_too_little_history_is_a_command_error(world: World) -> None:
    with pytest.raises(CommandError, match="No conversations"):
        call_command("analytics", "train-churn", "--workspace", world.workspace.slug)
    assert not ChurnModel.objects.exists()


def test_a_profile_refresh_without_a_model_scores_nobody(world: World) -> None:
    planted(world, datetime(2026, 11, 20, tzinfo=UTC))
    out = StringIO()
    call_command("analytics", "refresh-profiles", "--workspace", world.workspace.slug, stdout=out)
    assert "model version: none" in out.getvalue()
    assert ContactProfile.objects.exclude(risk=None).count() == 0
