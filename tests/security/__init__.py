"""Attacks replayed against a real hub process (issue 10)."""
