"""The audit log as admins use it: checking the chain, searching and exporting entries."""
