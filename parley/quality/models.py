"""Quality review: scorecards supervisors define, reviews scored against them, and the weekly
sample of each agent's resolved conversations waiting to be reviewed (docs/quality.md)."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Workspace
from parley.conversations.models import Conversation

DEFAULT_SAMPLE_SIZE = 3


class Scorecard(models.Model):
    """What a review checks. Editing the criteria bumps ``version``; reviews keep a copy of the
    criteria they were scored against, so an edit never changes a past review."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="scorecard_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Criterion(models.Model):
    """One line of a scorecard, scored from 0 to ``max_score`` (1 means pass/fail). A critical
    criterion scored 0 makes the whole review 0."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True, default="")
    weight = models.PositiveSmallIntegerField(default=1)
    max_score = models.PositiveSmallIntegerField(default=1)
    critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["scorecard", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class Review(models.Model):
    """A supervisor's scoring of one resolved conversation. ``criteria`` is the scorecard's
    criteria as they were (label, description, weight, max_score, critical) with the score and
    comment given to each; ``score`` is the weighted total from 0 to 100."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scorecard_name = models.CharField(max_length=120)
    scorecard_version = models.PositiveIntegerField()
    # The conversation's assignee when it was reviewed: whose work this is.
    agent = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    criteria = models.JSONField(default=list)
    score = models.FloatField()
    critical_failed = models.BooleanField(default=False)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "agent", "-created_at"]),
            models.Index(fields=["workspace", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "scorecard"], name="review_once_per_scorecard"
            )
        ]

    def __str__(self) -> str:
        return f"Review of #{self.conversation_id}: {self.score}"


class QualitySettings(models.Model):
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Conversations per agent and week the sampling job queues for review (0 turns it off).
    sample_size = models.PositiveSmallIntegerField(default=DEFAULT_SAMPLE_SIZE)

    def __str__(self) -> str:
        return f"quality settings of workspace {self.workspace_id}"


class SampleRun(models.Model):
    """The sample of one ISO week was drawn: the job never draws that week again."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()  # the Monday, in the workspace's time zone
    picked = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "week_start"], name="sample_run_unique")
        ]

    def __str__(self) -> str:
        return f"sample of week {self.week_start} ({self.picked})"


class QueueStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class QueueItem(models.Model):
    """A conversation waiting in the review queue; a conversation is queued at most once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    week_start = models.DateField()
    status = models.CharField(
        max_length=8, choices=QueueStatus.choices, default=QueueStatus.PENDING
    )
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status", "week_start"])]

    def __str__(self) -> str:
        return f"#{self.conversation_id} for review ({self.status})"
