"""Operator Desk."""
