"""Provides the Problem record every pack error is reported as (FILE:LINE: message)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a pack, located so an author can jump straight to it."""

    file: str
    line: int
    message: str
    warning: bool = False
    """A warning is reported like a problem but does not make a pack unusable (or
    ``kbwizard validate`` fail): e.g. a ``see_also`` link to a pack not installed here."""

    def __str__(self) -> str:
        """``FILE:LINE: message``; a problem with no file (a pack looked up by id) is the
        message alone, never an id dressed up as a file name."""
        message = f"warning: {self.message}" if self.warning else self.message
        if not self.file:
            return message
        return f"{self.file}:{self.line}: {message}" if self.line else f"{self.file}: {message}"


class PackError(Exception):
    """Raised when a pack cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else "invalid pack"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))
