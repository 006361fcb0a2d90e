"""identity models."""
