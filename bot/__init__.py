"""Composition root: configuration, command line, channels."""
