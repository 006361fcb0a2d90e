"""witness selectors."""
