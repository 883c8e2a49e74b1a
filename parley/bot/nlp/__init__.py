"""Text processing for the bot: tokenisation (Chinese and English) and BM25 retrieval."""
