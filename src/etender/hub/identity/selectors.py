"""identity selectors."""
