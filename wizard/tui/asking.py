"""Provides what the question screen asks from: an open case, or the triage across articles.

The question screen shows one question, its answers, why we ask, how to check, a note and
the path so far. Where the question comes from and where the answer goes is an ``Asking``:
``CaseAsking`` walks one article's graph (its Case), ``TriageAsking`` asks the questions
that tell the candidate articles apart (the Triage). The keys and widgets are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from wizard.kb.model import FactValue, Question

if TYPE_CHECKING:
    from wizard.engine.case import Case
    from wizard.tui.app import KBWizardApp


@dataclass(frozen=True)
class PathStep:
    """One answered question as the path sidebar shows it."""

    fact: str
    words: str
    value: FactValue | None
    source: str
    note: str | None


@dataclass(frozen=True)
class KnownFrom:
    """A fact the question asks that is known already (evidence, a stated fact)."""

    source: str
    value: FactValue


class Asking(Protocol):
    """Where the question screen's question comes from and where its answers go."""

    @property
    def question(self) -> Question | None:
        """The question to ask now (None: nothing to ask here)."""

    def progress(self) -> str:
        """The progress line above the question."""

    def recorded(self, fact: str) -> tuple[FactValue, str | None] | None:
        """The value and note already recorded for ``fact``."""

    def answer(self, value: str, note: str) -> None:
        """Record the answer (``UNKNOWN`` for don't know); SessionError when refused."""

    def step_back(self) -> bool:
        """Reopen the question before this one; False at the first question."""

    def leave(self) -> None:
        """Back from the first question."""

    def revise(self, index: int) -> None:
        """Reopen the question of path step ``index``."""

    def path(self) -> list[PathStep]:
        """The questions answered so far, in order."""

    def words(self, fact: str | None) -> str:
        """What people read for ``fact`` (its label), never its internal name."""

    def scope_warnings(self) -> list[str]:
        """The article's scope checks that hold (why it may not apply)."""

    def known_from(self, question: Question) -> KnownFrom | None:
        """Shown when the question is being revised and the fact is known otherwise."""

    def note_draft(self, fact: str) -> str | None:
        """A note typed for ``fact`` and not submitted yet."""

    def set_note_draft(self, fact: str, text: str | None) -> None:
        """Keep (or, with None, drop) the note typed for ``fact``."""

    def key(self) -> str:
        """What identifies the shown question and progress: a change rebuilds the view."""


class CaseAsking:
    """The questions of one article's graph: the open Case."""

    def __init__(self, app: KBWizardApp, case: Case) -> None:
        self.app = app
        self.case = case

    @property
    def question(self) -> Question | None:
        node = self.case.session.current
        return node if isinstance(node, Question) else None

    def progress(self) -> str:
        return self.case.session.progress().describe()

    def key(self) -> str:
        question = self.question
        return f"{self.case.id}:{question.id if question else ''}:{self.progress()}"

    def recorded(self, fact: str) -> tuple[FactValue, str | None] | None:
        return self.case.session.recorded(fact)

    def answer(self, value: str, note: str) -> None:
        question = self.question
        self.case.session.answer(value, note=note)
        if question is not None:
            self.case.drafts.set_note(question.fact, None)  # the note is in the answer now
        self.app.changed()

    def step_back(self) -> bool:
        if self.case.session.step_back():
            self.app.changed()
            return True
        return False

    def leave(self) -> None:
        self.app.leave_case_screens()

    def revise(self, index: int) -> None:
        self.app.revise(index)

    def path(self) -> list[PathStep]:
        return [
            PathStep(step.fact or "", self.words(step.fact), step.value, step.source, step.note)
            for step in self.case.session.question_steps()
        ]

    def words(self, fact: str | None) -> str:
        known = self.case.pack.facts.get(fact or "")
        return known.words if known is not None else fact or ""

    def scope_warnings(self) -> list[str]:
        facts = self.case.session.known_facts()
        return [check.text for check in self.case.pack.scope if check.when.holds(facts)]

    def known_from(self, question: Question) -> KnownFrom | None:
        session = self.case.session
        known = {g.fact: g for g in session.given}
        item = known.get(question.fact)
        if session.revising == question.fact and item is not None:
            return KnownFrom(item.source, item.value)
        return None

    def note_draft(self, fact: str) -> str | None:
        return self.case.drafts.notes.get(fact)

    def set_note_draft(self, fact: str, text: str | None) -> None:
        self.case.drafts.set_note(fact, text)
