"""The public help center at /help/<workspace>/: server-rendered, indexable, no script."""
