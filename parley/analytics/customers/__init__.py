"""Customer profiles and churn early warning (docs/churn.md)."""
