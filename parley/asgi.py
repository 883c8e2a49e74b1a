"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os
from typing import Any, cast

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from parley.conversations.consumers import AgentConsumer, WidgetConsumer  # noqa: E402
from parley.conversations.consumers.warmup import warm_up  # noqa: E402

# What the first message would load (late imports, jieba's dictionary): loaded now, once per
# process, rather than while a visitor waits (production; PARLEY_WARM_UP).
if settings.PARLEY_WARM_UP:
    warm_up()

# Channels routes ASGI apps with Django's `path`, whose stubs only know views: hence the Any.
agent_app: Any = AllowedHostsOriginValidator(AuthMiddlewareStack(AgentConsumer.as_asgi()))
widget_app: Any = WidgetConsumer.as_asgi()
websocket_routes = URLRouter(
    [
        # Widget sockets come from customers' sites; the Origin is checked per inbox at hello.
        cast(Any, path("ws/widget/", widget_app)),
        # Console sockets ride on the session cookie, so only our own origin may open one.
        cast(Any, path("ws/agent/", agent_app)),
    ]
)

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_routes})
