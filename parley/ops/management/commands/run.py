from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from parley.ops.demo import demo_seed
from parley.ops.scheduler import start_embedded_scheduler


class Command(BaseCommand):
    help = "Migrate, seed the demo in the embedded mode, and serve Parley (HTTP + WebSockets)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(
        self, *args: Any, host: str, port: int, workers: int, no_migrate: bool, **options: Any
    ) -> None:
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        mode = "production" if settings.PRODUCTION else "embedded"
        self.stdout.write(f"Parley ({mode} mode) on http://{host}:{port}/")
        if settings.PARLEY_DEMO:
            seed = demo_seed(port=port)
            self.stdout.write(
                f"  demo site:   http://{host}:{port}/demo/  (widget inbox "
                f"'{seed.inbox.public_key}')"
            )
            self.stdout.write(f"  console:     http://{host}:{port}/app/")
            self.stdout.write(f"  API docs:    http://{host}:{port}/api/docs/")
            self.stdout.write("  demo logins (password parley-demo):")
            for email, _ in seed.logins:
                self.stdout.write(f"    {email}")
        self.stdout.flush()
        if settings.PRODUCTION:
            # WhiteNoise reads the static files when the process starts: collect them first.
            call_command("collectstatic", interactive=False, verbosity=0)
        if not settings.PRODUCTION:
            # Production runs periodic jobs with Celery beat; here one thread does.
            start_embedded_scheduler()
        if workers > 1 and not settings.RUN.redis_url:
            # The in-memory channel layer cannot span processes; that is what Redis is for.
            self.stderr.write("Several workers need REDIS_URL; starting one.")
            workers = 1
        uvicorn.run(
            "parley.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level=os.environ.get("UVICORN_LOG_LEVEL", "warning"),
            proxy_headers=settings.PRODUCTION,
            lifespan="off",
        )
