"""The bot's side of a conversation: greet, answer from the knowledge base, offer "did you
mean" choices, say it does not know, and hand over to a person (see docs/bot.md)."""
