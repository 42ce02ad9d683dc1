"""The command line: a thin shell over the library (each command parses, calls, reports)."""

from wirewatch.cli.app import cli, main

__all__ = ["cli", "main"]
