"""Provides what the question screen asks from: an open case, or the triage across articles.

The question screen shows one question, its answers, why we ask, how to check, a note and
the path so far. Where the question comes from and where the answer goes is an ``Asking``:
``CaseAsking`` walks one article's graph (its Case), ``TriageAsking`` asks the questions
that tell the candidate articles apart (the Triage). The keys and widgets are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from wizard.kb.model import UNKNOWN, FactValue, Question

if TYPE_CHECKING:
    from wizard.engine.case import Case
    from wizard.engine.triage import Triage, TriageQuestion
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


class TriageAsking:
    """The questions that tell the candidate articles apart: the open Triage.

    The next question is the triage's; going back reopens an earlier one (``revisit``),
    its answer highlighted and its note kept, until it is answered again.
    """

    def __init__(self, app: KBWizardApp, triage: Triage) -> None:
        self.app = app
        self.triage = triage
        self.view = app.triage_view

    @property
    def current(self) -> TriageQuestion | None:
        """The triage question on screen: the one being revisited, else the next one."""
        view = self.view
        if view.revisit is not None:
            asked = view.question_for(self.triage, view.revisit)
            if asked is not None:
                return asked
            view.revisit = None
        return self.triage.next_question()

    @property
    def question(self) -> Question | None:
        current = self.current
        return current.question if current is not None else None

    def progress(self) -> str:
        articles = self.triage.articles()
        in_play = sum(1 for a in articles if a.status != "ruled-out")
        answered = len(self.view.answered(self.triage))
        current = self.current
        asked_by = ""
        if current is not None and current.asked_by:
            names = self.app.article_names()
            asked_by = " · asked for " + ", ".join(names.get(p, p) for p in current.asked_by)
        in_play_words = f"{in_play} of {len(articles)} articles in play"
        return f"triage · question {answered + 1} · {in_play_words}{asked_by}"

    def key(self) -> str:
        current = self.current
        if current is None:
            return ""
        return f"triage:{current.pack}:{current.question.id}:{self.progress()}"

    def recorded(self, fact: str) -> tuple[FactValue, str | None] | None:
        return self.view.recorded(self.triage, fact)

    def answer(self, value: str, note: str) -> None:
        question = self.current
        if question is None:
            return
        fact = question.question.fact
        text = note.strip() or None
        if value == UNKNOWN:
            self.triage.dont_know(fact, note=text)
        else:
            self.triage.answer(fact, parse_answer(self.app, fact, value), note=text)
        self.view.remember(question)
        self.set_note_draft(fact, None)
        self.view.revisit = None
        self.app.triage_changed()

    def step_back(self) -> bool:
        answered = self.view.answered(self.triage)
        current = self.current
        if current is not None and current.question.fact in answered:
            answered = answered[: answered.index(current.question.fact)]
        if not answered:
            return False
        self.view.revisit = answered[-1]
        self.app.triage_changed()
        return True

    def leave(self) -> None:
        self.app.show_report()

    def revise(self, index: int) -> None:
        answered = self.view.answered(self.triage)
        if 0 <= index < len(answered):
            self.view.revisit = answered[index]
            self.app.triage_changed()

    def path(self) -> list[PathStep]:
        steps = []
        provenance = self.triage.provenance()
        for fact in self.view.answered(self.triage):
            recorded = self.recorded(fact)
            if recorded is None:
                continue
            value, note = recorded
            steps.append(
                PathStep(fact, self.words(fact), value, provenance.get(fact, "user"), note)
            )
        return steps

    def words(self, fact: str | None) -> str:
        return self.app.fact_words().get(fact or "", fact or "")

    def scope_warnings(self) -> list[str]:
        return []

    def known_from(self, question: Question) -> KnownFrom | None:
        return None

    def note_draft(self, fact: str) -> str | None:
        current = self.current
        return self.triage.drafts(current.pack).notes.get(fact) if current is not None else None

    def set_note_draft(self, fact: str, text: str | None) -> None:
        # Kept with the article that asks it: opening that article shows the note again.
        current = self.current
        if current is not None:
            self.triage.drafts(current.pack).set_note(fact, text)


def parse_answer(app: KBWizardApp, fact: str, value: str) -> FactValue:
    """A chosen or typed answer as the fact's value; SessionError (for the user) if invalid."""
    from wizard.engine.session import SessionError
    from wizard.kb.values import parse_value

    known = app.fact_definition(fact)
    if known is None:
        return value
    try:
        return parse_value(known, value)
    except ValueError as exc:
        raise SessionError(str(exc)) from None
