"""The churn model on generated history with a planted signal: customers leave after visits
that breached the SLA, and nothing else tells leavers apart."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest

from parley.analytics.customers.churn import NotEnoughHistory, labelled_cutoffs
from parley.analytics.customers.demo import churn_history_generate
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.analytics.customers.profiles import churn_model_train, profiles_refresh
from tests.conftest import World

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def planted(world: World) -> World:
    churn_history_generate(
        workspace=world.workspace,
        inboxes=[world.inbox],
        agents=[world.agent],
        now=NOW,
        contacts=260,
        days=300,
        effects=frozenset({"sla"}),
        seed=3,
    )
    return world


def test_the_model_learns_the_planted_signal_on_a_later_cut_off(planted: World) -> None:
    model = churn_model_train(workspace=planted.workspace, now=NOW)
    assert model.version == 1 and model.active
    validation = model.validation
    # Validated on the newest labelled cut-off by a model that never saw a label after it.
    assert validation["cutoff"] == "2026-09-21"
    assert validation["train_cutoffs"] >= 3
    assert validation["rows"] > 50 and 0 < validation["positives"] < validation["rows"]
    assert validation["auc"] > 0.7
    coef = dict(zip(model.params["features"], model.params["coef"], strict=True))
    assert coef["sla_breaches_90d"] > 0.3


def test_the_reasons_of_the_riskiest_contacts_name_the_planted_feature(planted: World) -> None:
    churn_model_train(workspace=planted.workspace, now=NOW)
    refreshed = profiles_refresh(workspace=planted.workspace, now=NOW)
    assert refreshed.model_version == 1 and refreshed.scored > 20
    riskiest = list(
        ContactProfile.objects.filter(workspace=planted.workspace, risk__isnull=False)
        .exclude(features__sla_breaches_90d=0)
        .order_by("-risk")[:10]
    )
    assert riskiest
    for profile in riskiest:
        named = [r["feature"] for r in profile.reasons]
        assert "sla_breaches_90d" in named, profile.reasons
        reason = next(r for r in profile.reasons if r["feature"] == "sla_breaches_90d")
        assert reason["en"].startswith("SLA breaches (90 days): ")
        assert reason["zh"].startswith("近 90 天 SLA 违约次数：")
        assert reason["weight"] > 0


def test_retraining_makes_a_new_active_version(planted: World) -> None:
    first = churn_model_train(workspace=planted.workspace, now=NOW)
    second = churn_model_train(workspace=planted.workspace, now=NOW)
    first.refresh_from_db()
    assert (first.version, first.active, second.version, second.active) == (1, False, 2, True)


def test_too_little_history_trains_nothing(world: World) -> None:
    churn_history_generate(
        workspace=world.workspace,
        inboxes=[world.inbox],
        agents=[world.agent],
        now=NOW,
        contacts=5,
        days=40,
        seed=1,
    )
    with pytest.raises(NotEnoughHistory):
        churn_model_train(workspace=world.workspace, now=NOW)
    assert not ChurnModel.objects.filter(workspace=world.workspace).exists()


def test_labelled_cut_offs_end_one_horizon_before_now() -> None:
    cutoffs = labelled_cutoffs(
        first=datetime(2026, 1, 1, tzinfo=UTC), now=NOW, horizon_days=60, step_days=14
    )
    assert cutoffs[0] == datetime(2026, 9, 21, tzinfo=UTC)
    assert all(a > b for a, b in pairwise(cutoffs))
    assert cutoffs[-1] >= datetime(2026, 2, 15, tzinfo=UTC)
