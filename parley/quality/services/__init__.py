"""Every write of quality review (one function per use case)."""

from parley.quality.services.reviews import (
    ScoreInput,
    queue_item_skip,
    review_create,
    review_update,
)
from parley.quality.services.sampling import review_sample_all, review_sample_week
from parley.quality.services.scorecards import CriterionInput, scorecard_create, scorecard_update
from parley.quality.services.settings import quality_settings_update

__all__ = [
    "CriterionInput",
    "ScoreInput",
    "quality_settings_update",
    "queue_item_skip",
    "review_create",
    "review_sample_all",
    "review_sample_week",
    "review_update",
    "scorecard_create",
    "scorecard_update",
]
