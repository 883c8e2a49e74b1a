"""The demo workspace's scorecard."""

from __future__ import annotations

from parley.quality.demo import DEMO_CRITERIA, demo_scorecard
from parley.quality.models import Criterion, Scorecard
from tests.factories import WorkspaceFactory


def test_the_demo_scorecard_is_seeded_once(db: None) -> None:
    workspace = WorkspaceFactory()
    first = demo_scorecard(workspace=workspace)
    again = demo_scorecard(workspace=workspace)
    assert first.pk == again.pk and Scorecard.objects.count() == 1
    assert Criterion.objects.filter(scorecard=first).count() == len(DEMO_CRITERIA)
    assert Criterion.objects.filter(scorecard=first, critical=True).count() == 1
