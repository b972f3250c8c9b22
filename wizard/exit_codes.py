"""Provides the process exit codes: stable, documented in the README and --help."""

OK = 0
"""A diagnosis was reached (or the command did what was asked)."""
INTERNAL_ERROR = 1
"""An unexpected internal error; also `validate` finding problems in a pack."""
PROBLEMS_FOUND = 1
BAD_INPUT = 2
"""Bad usage or bad input: a clear one-line message, no traceback."""
NEEDS_MORE_INFORMATION = 3
"""`diagnose` could not settle the case; the full result is still printed."""
