"""Seeds a benchmark workspace through Parley's own services, and prints what the load generator
needs as JSON: inbox keys, agent accounts (each an agent of one inbox) and an admin API token.

    DATABASE_URL=… python -m bench.seed --inboxes 10 --agents 50 --origin http://bench.parley.test

Run with the same environment as the server under test.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets


def seed(*, inboxes: int, agents: int, origin: str) -> dict[str, object]:
    from django.db import transaction

    from parley.accounts.models import Role, User
    from parley.accounts.services import api_token_issue, member_add, user_ensure, workspace_create
    from parley.inboxes.models import Inbox, InboxKind

    password = secrets.token_urlsafe(12)
    slug = f"bench-{secrets.token_hex(3)}"
    with transaction.atomic():
        workspace = workspace_create(name="Benchmark", slug=slug)
        admin = member_add(
            workspace=workspace,
            user=user_ensure(email=f"admin@{slug}.test", password=password, display_name="Admin"),
            role=Role.ADMIN,
        )
        token = api_token_issue(member=admin, name="benchmark")
        boxes = [
            Inbox.objects.create(
                workspace=workspace,
                name=f"Website {i}",
                kind=InboxKind.WIDGET,
                allowed_origins=[origin],
            )
            for i in range(inboxes)
        ]
        accounts = []
        for i in range(agents):
            email = f"agent{i}@{slug}.test"
            user = user_ensure(email=email, password="-", display_name=f"Agent {i}")
            # One password hash for all: hashing 50 times at full cost only slows the setup.
            user.password = admin.user.password
            user.save(update_fields=["password"])
            member = member_add(workspace=workspace, user=user, role=Role.AGENT)
            boxes[i % inboxes].agents.add(member)
            accounts.append({"email": email, "password": password, "inbox": i % inboxes})
        assert User.objects.filter(email__endswith=f"@{slug}.test").count() == agents + 1
    return {
        "workspace": slug,
        "inboxes": [box.public_key for box in boxes],
        "agents": accounts,
        "api_token": token.key,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inboxes", type=int, default=1)
    parser.add_argument("--agents", type=int, default=1)
    parser.add_argument("--origin", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    import django

    django.setup()
    print(json.dumps(seed(inboxes=args.inboxes, agents=args.agents, origin=args.origin)))


if __name__ == "__main__":
    main()
