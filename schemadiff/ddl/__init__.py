"""Dialect implementations: how directives become SQL on each backend."""
