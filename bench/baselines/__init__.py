"""The physical baselines Parley is measured against: B1, a raw `websockets` relay with no
storage, and B2, the same relay that INSERTs into PostgreSQL and fans out through Redis."""
