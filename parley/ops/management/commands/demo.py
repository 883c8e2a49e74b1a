from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from parley.ops.demo import demo_seed


class Command(BaseCommand):
    help = "Seed the demo workspace (embedded mode only); safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        seed = demo_seed(port=port)
        self.stdout.write(
            f"Demo workspace '{seed.workspace.slug}', widget inbox key '{seed.inbox.public_key}'."
        )
        for email, password in seed.logins:
            self.stdout.write(f"  {email} / {password}")
