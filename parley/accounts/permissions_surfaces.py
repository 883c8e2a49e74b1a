"""The permission matrix beyond REST: agent socket frames and console pages, by role.

The REST matrix (``permissions_matrix.MATRIX``) is the source of truth for data; the rows here
say which roles may send each frame on ``/ws/agent/`` and which may open each console page,
and name the REST rule whose data the page or frame uses, so the two cannot drift apart:

- a frame goes through the same service as the REST call it ``mirrors`` and is allowed to the
  same roles (its scope too: an agent's frames reach only conversations the agent sees, else
  ``not_found``);
- a console page refused to a role is hidden from that role's navigation AND refused by the
  router's guard when opened directly (``meta.admin`` or ``meta.supervising`` in
  ``frontend/console/src/router.ts``), and the REST endpoint it ``loads`` refuses that role
  anyway (403).

``tests/security/test_permission_surfaces.py`` checks every frame × role over a real socket,
every page × role against the router's guards and the navigation, and (tests/e2e) in the
browser. Run ``python -m parley.accounts.permissions_surfaces`` for docs/permissions.md's tables.
"""

# ruff: noqa: E501  (a table reads best one row per line)
from __future__ import annotations

from dataclasses import dataclass

from parley.accounts.permissions_matrix import EVERYONE, MANAGERS, ROLES, SUPERVISING


@dataclass(frozen=True)
class FrameRule:
    frame: str  # the frame's "type", with a variant after a space ("message.create private")
    roles: frozenset[str]
    action: str
    mirrors: tuple[str, str] | None = None  # (method, route) of the REST rule it mirrors


@dataclass(frozen=True)
class PageRule:
    name: str  # the route's name in router.ts
    path: str  # under /app/<slug>/
    roles: frozenset[str]
    action: str
    # (method, route) of the REST rule behind the page's data or main action: it refuses the
    # roles the page refuses.
    loads: tuple[str, str] | None = None


MESSAGES = ("POST", "conversations/<int:conversation_id>/messages/")

FRAMES: tuple[FrameRule, ...] = (
    FrameRule("hello", EVERYONE, "join; receive and replay the conversations one may see"),
    FrameRule("ping", EVERYONE, "keep-alive"),
    FrameRule("message.create", EVERYONE, "send a message (agents: conversations they see)", MESSAGES),
    FrameRule("message.create private", EVERYONE, "write a private note", MESSAGES),
    FrameRule("typing", EVERYONE, "typing indicator (conversations one sees)", MESSAGES),
    FrameRule("read", EVERYONE, "mark read", ("POST", "conversations/<int:conversation_id>/read/")),
)  # fmt: skip

PAGES: tuple[PageRule, ...] = (
    PageRule("conversations", "conversations", EVERYONE, "inbox and conversation", ("GET", "conversations/")),
    PageRule("tickets", "tickets", EVERYONE, "tickets", ("GET", "tickets/")),
    PageRule("search", "search", EVERYONE, "search history", ("GET", "search/")),
    PageRule("canned", "canned-responses", EVERYONE, "quick replies", ("GET", "canned-responses/")),
    PageRule("knowledge-base", "knowledge-base", EVERYONE, "knowledge base", ("GET", "kb/articles/")),
    PageRule("my-reviews", "my-reviews", EVERYONE, "my QA reviews", ("GET", "quality/reviews/")),
    PageRule("performance", "performance", EVERYONE, "my KPIs", ("GET", "analytics/kpis/")),
    PageRule("macros", "macros", EVERYONE, "macros", ("GET", "automation/macros/")),
    PageRule("supervisor", "supervisor", SUPERVISING, "supervisor's live view", ("GET", "routing/agents/")),
    PageRule("bot", "bot", SUPERVISING, "bot settings and evaluation", ("GET", "bot/inboxes/")),
    PageRule("quality", "quality", SUPERVISING, "QA reviews and scorecards", ("POST", "quality/scorecards/")),
    PageRule("quality-review", "quality/review/<id>", SUPERVISING, "review one conversation", ("POST", "quality/scorecards/")),
    PageRule("dashboards", "dashboards", SUPERVISING, "dashboards", ("GET", "analytics/dashboard/")),
    PageRule("sentiment", "sentiment", SUPERVISING, "sentiment", ("GET", "analytics/sentiment/")),
    PageRule("alerts", "alerts", SUPERVISING, "alert rules and history", ("GET", "analytics/alerts/")),
    PageRule("mining-topics", "mining/topics", SUPERVISING, "keywords and topics", ("GET", "analytics/mining/topics/")),
    PageRule("mining-rules", "mining/rules", SUPERVISING, "association rules", ("GET", "analytics/mining/rules/")),
    PageRule("mining-forecast", "mining/forecast", SUPERVISING, "forecast", ("GET", "analytics/mining/forecast/")),
    PageRule("mining-day-shapes", "mining/day-shapes", SUPERVISING, "day shapes", ("GET", "analytics/mining/day-shapes/")),
    PageRule("customers", "customers", SUPERVISING, "at-risk customers", ("GET", "analytics/customers/")),
    PageRule("automation", "automation", MANAGERS, "automation rules", ("GET", "automation/rules/")),
    PageRule("sla-policies", "sla-policies", MANAGERS, "SLA policies", ("POST", "sla-policies/")),
    PageRule("ticket-fields", "ticket-fields", MANAGERS, "ticket fields", ("POST", "ticket-fields/")),
    PageRule("compliance", "privacy", MANAGERS, "privacy and compliance"),
    PageRule("audit-log", "audit-log", MANAGERS, "audit log", ("GET", "audit/")),
    PageRule("inboxes", "inboxes", MANAGERS, "inboxes", ("PATCH", "inboxes/<int:inbox_id>/")),
    PageRule("inbox-settings", "inboxes/<id>", MANAGERS, "an inbox's settings", ("PATCH", "inboxes/<int:inbox_id>/")),
)  # fmt: skip


def _cell(rule_roles: frozenset[str], role: str, refused: str) -> str:
    return "yes" if role in rule_roles else refused


def frames_table() -> str:
    lines = [
        "| frame on `/ws/agent/` | action | mirrors | owner | admin | supervisor | agent |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in FRAMES:
        mirrors = f"{rule.mirrors[0]} `{rule.mirrors[1]}`" if rule.mirrors else "-"
        cells = " | ".join(_cell(rule.roles, role, "refused") for role in ROLES)
        lines.append(f"| `{rule.frame}` | {rule.action} | {mirrors} | {cells} |")
    return "\n".join(lines)


def pages_table() -> str:
    lines = [
        "| console page (`/app/<slug>/…`) | what | loads | owner | admin | supervisor | agent |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in PAGES:
        loads = f"{rule.loads[0]} `{rule.loads[1]}`" if rule.loads else "-"
        cells = " | ".join(_cell(rule.roles, role, "hidden, refused") for role in ROLES)
        lines.append(f"| `{rule.path}` | {rule.action} | {loads} | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(frames_table())
    print()
    print(pages_table())
