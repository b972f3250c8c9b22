"""Provides what the wizard remembers about the triage on screen (not part of the case).

Which earlier triage question is reopened (Back, or a step of the path chosen), and the
questions already asked (to reopen them as they were asked). Everything typed is in the
Triage itself (and saved with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.kb.model import FactValue, Question

if TYPE_CHECKING:
    from wizard.engine.triage import Triage, TriageQuestion


@dataclass
class TriageView:
    """The triage's questions as the agent moves through them."""

    revisit: str | None = None
    """The fact whose question is reopened (None: the triage's next question)."""
    asked: dict[str, TriageQuestion] = field(default_factory=dict)
    """Each fact's question as it was asked (by the article that asked it)."""

    def remember(self, question: TriageQuestion) -> None:
        self.asked[question.question.fact] = question

    def answered(self, triage: Triage) -> list[str]:
        """The facts answered in the triage and the articles (not by the report), in order."""
        from wizard.engine.triage import SYMPTOM_SOURCE

        return [a.fact for a in triage.answers if a.source != SYMPTOM_SOURCE]

    def recorded(self, triage: Triage, fact: str) -> tuple[FactValue, str | None] | None:
        for answer in triage.answers:
            if answer.fact == fact:
                return answer.value, answer.note
        for item in triage.given:
            if item.fact == fact and item.explicit:
                return item.value, item.note
        return None

    def question_for(self, triage: Triage, fact: str) -> TriageQuestion | None:
        """The question that asks ``fact``: as it was asked, else the first article's."""
        asked = self.asked.get(fact)
        if asked is not None:
            return asked
        from wizard.engine.triage import TriageQuestion

        for entry in triage.index.entries:
            if fact not in entry.facts:
                continue
            question: Question | None = triage.index.pack(entry.id).question_for(fact)
            if question is not None:
                return TriageQuestion(entry.id, question, (entry.id,))
        return None
