"""Adapters between database rows and the pure planning algorithms."""
