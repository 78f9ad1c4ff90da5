"""Scoped modules live below this package."""
