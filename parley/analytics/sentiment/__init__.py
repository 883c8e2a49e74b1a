"""Sentiment in the product: model versions, scoring of customer messages, conversation flags,
the satisfaction join and the console page's reads (docs/analytics.md, "Sentiment")."""
