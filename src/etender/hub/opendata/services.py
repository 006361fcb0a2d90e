"""opendata services."""
