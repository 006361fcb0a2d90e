"""opendata selectors."""
