"""Lets `python -m wizard` work like the `kbwizard` command."""

from wizard.cli import run

run()
