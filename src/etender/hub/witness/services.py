"""witness services."""
