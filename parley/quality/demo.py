"""The demo workspace's scorecard (seeded by `parley demo`; idempotent)."""

from __future__ import annotations

from parley.accounts.models import Workspace
from parley.quality.models import Criterion, Scorecard

DEMO_SCORECARD = "Chat quality 服务质量"
DEMO_CRITERIA = [
    # label, description, weight, max_score, critical
    ("Greeting 问候", "Greets the customer by name and introduces themself", 1, 1, False),
    ("Understanding 理解问题", "Asks the right questions; restates the problem", 2, 4, False),
    ("Accuracy 答案准确", "The answer is correct and complete", 3, 4, False),
    ("Tone 语气", "Polite, patient, no jargon", 2, 4, False),
    ("Privacy 隐私", "Verifies identity before sharing account data", 2, 1, True),
]


def demo_scorecard(*, workspace: Workspace) -> Scorecard:
    scorecard, created = Scorecard.objects.get_or_create(workspace=workspace, name=DEMO_SCORECARD)
    if created:
        Criterion.objects.bulk_create(
            [
                Criterion(
                    scorecard=scorecard,
                    position=position,
                    label=label,
                    description=description,
                    weight=weight,
                    max_score=max_score,
                    critical=critical,
                )
                for position, (label, description, weight, max_score, critical) in enumerate(
                    DEMO_CRITERIA
                )
            ]
        )
    return scorecard
