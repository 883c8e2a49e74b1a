"""The two WebSocket endpoints of wire contract v1: `/ws/widget/` and `/ws/agent/`."""

from parley.conversations.consumers.agent import AgentConsumer
from parley.conversations.consumers.widget import WidgetConsumer

__all__ = ["AgentConsumer", "WidgetConsumer"]
