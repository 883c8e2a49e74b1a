"""The embedded demo workspace (DESIGN.md): seeded idempotently by `parley demo` / `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from parley.accounts.models import Role, Workspace
from parley.accounts.services import member_add, team_ensure, user_ensure
from parley.automation.demo import automation_demo_seed
from parley.bot.demo import kb_demo_seed
from parley.conversations.models import CannedResponse, CannedScope
from parley.inboxes.models import Inbox, InboxKind
from parley.quality.demo import demo_scorecard
from parley.tickets.sla.demo import sla_demo_seed

DEMO_PASSWORD = "parley-demo"
DEMO_INBOX_KEY = "demo"
DEMO_LOGINS = [
    ("admin@demo.parley.test", "Demo Admin", Role.ADMIN),
    ("agent1@demo.parley.test", "Agent One", Role.AGENT),
    ("agent2@demo.parley.test", "Agent Two", Role.AGENT),
]
DEMO_CANNED = [
    ("hello", "Greeting", "Hi {{contact.name}}, I'm {{agent.name}}. How can I help you today?"),
    ("refund", "退款流程", "您好 {{contact.name}}，退款会在审核通过后 3-5 个工作日内原路退回。"),
    ("thanks", "Thanks", "Thank you for contacting us! Is there anything else I can help with?"),
]
DEMO_TEAMS = [
    ("Consulting", "Questions before and after buying"),
    ("Technical support", "Problems with the product or the site"),
]


@dataclass(frozen=True)
class DemoSeed:
    workspace: Workspace
    inbox: Inbox
    logins: list[tuple[str, str]]


def own_origins(port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


@transaction.atomic
def demo_seed(*, port: int) -> DemoSeed:
    if not settings.PARLEY_DEMO:
        raise ImproperlyConfigured("The demo seed is for the embedded mode only.")
    workspace, _ = Workspace.objects.get_or_create(
        slug="demo", defaults={"name": "Demo Shop", "timezone": "Asia/Shanghai"}
    )
    members = []
    for email, name, role in DEMO_LOGINS:
        user = user_ensure(email=email, password=DEMO_PASSWORD, display_name=name)
        members.append(member_add(workspace=workspace, user=user, role=role))
    teams = [team_ensure(workspace=workspace, name=n, description=d) for n, d in DEMO_TEAMS]
    teams[0].members.add(members[1])
    teams[1].members.add(members[2])
    inbox, _ = Inbox.objects.get_or_create(
        public_key=DEMO_INBOX_KEY,
        defaults={
            "workspace": workspace,
            "name": "Website",
            "kind": InboxKind.WIDGET,
            "greeting": "Hi! How can we help? 您好，有什么可以帮您？",
        },
    )
    # The server's own origin, for whichever port this run uses; origins added before stay.
    origins = list(inbox.allowed_origins)
    origins += [o for o in own_origins(port) if o not in origins]
    if origins != inbox.allowed_origins:
        inbox.allowed_origins = origins
        inbox.save(update_fields=["allowed_origins"])
    inbox.agents.add(*members)
    for shortcut, title, body in DEMO_CANNED:
        CannedResponse.objects.get_or_create(
            workspace=workspace,
            shortcut=shortcut,
            scope=CannedScope.WORKSPACE,
            defaults={"title": title, "body": body},
        )
    inbox.teams.add(*teams)
    kb_demo_seed(workspace=workspace, author=members[0])
    automation_demo_seed(workspace=workspace)
    sla_demo_seed(workspace=workspace)
    demo_scorecard(workspace=workspace)
    return DemoSeed(
        workspace=workspace,
        inbox=inbox,
        logins=[(email, DEMO_PASSWORD) for email, _, _ in DEMO_LOGINS],
    )
