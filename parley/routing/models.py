"""Routing's own state: agents' availability, capacity and skills; where round robin stands."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Workspace
from parley.inboxes.models import Inbox


class Availability(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    OFFLINE = "offline", "Offline"


class AgentState(models.Model):
    """What an agent says about themselves (online / away / offline) and how much they take.

    Routing only gives work to an agent who is `online` here *and* has a console connected
    (presence.py): one who closes the last tab drops out after the presence grace period."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="agent_state")
    availability = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.ONLINE
    )
    # None: the workspace's default.
    max_concurrent = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member} {self.availability}"


class AgentSkill(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="skills")
    skill = models.SlugField(max_length=40, allow_unicode=True)
    level = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "skill"], name="agent_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill}:{self.level}"


class WorkspaceRouting(models.Model):
    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="routing")
    default_max_concurrent = models.PositiveSmallIntegerField(default=5)

    def __str__(self) -> str:
        return f"routing of {self.workspace}"


class RoundRobinCursor(models.Model):
    """The agent an inbox gave work to last; the next one in line comes after them."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="+")
    last_member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"round robin of {self.inbox_id} after {self.last_member_id}"
