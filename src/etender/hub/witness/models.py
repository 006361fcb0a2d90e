"""witness models."""
