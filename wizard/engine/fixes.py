"""Provides rendering a pack's fixes for one case: templates filled from the case's facts.

A command whose template needs a fact nobody knows is left out and the fact
is reported in ``missing``: a placeholder is never shown as if it were the
command. Prose (steps, verification) names the missing fact in angle brackets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wizard.kb.model import FactValue, Fix, Outcome, Pack
from wizard.kb.templates import fill, template_fields


@dataclass(frozen=True)
class RenderedFix:
    """A fix as it applies to this site."""

    id: str
    title: str
    tid: str
    explanation: str
    commands: tuple[str, ...]
    steps: tuple[str, ...]
    verify: tuple[str, ...]
    warnings: tuple[str, ...]
    missing: tuple[str, ...]
    """Facts the fix needs that are not known; its commands are incomplete until given."""
    missing_words: tuple[str, ...] = ()
    """``missing`` as people read it (each fact's label), in the same order."""
    withheld: tuple[str, ...] = ()
    """Why a command was left out: it would be built from a value the evidence
    contradicts (a "primary IP" that is a virtual IP). Never a command from such a value."""


def _fill(
    template: str, facts: Mapping[str, FactValue], prose: bool, words: Mapping[str, str]
) -> tuple[list[str], set[str]]:
    """Render one template; a list fact repeats the line once per item.

    Only plain ``{fact}`` fields are filled (``validate`` refuses anything else);
    a template that is not one is never interpreted: a command is left out, prose
    is shown as written. A fact nobody gave is named in prose by ``words`` (its label).
    """
    try:
        names = template_fields(template)
    except ValueError:
        return ([template] if prose else []), set()
    missing = {n for n in names if n not in facts or facts[n] in ("", ())}
    if missing and not prose:
        return [], missing
    values: dict[str, str] = {}
    repeat: tuple[str, ...] = ()
    repeat_name = ""
    for name in names:
        if name in missing:
            values[name] = f"<{words.get(name, name)}>"
            continue
        value = facts[name]
        if isinstance(value, tuple):
            if prose:
                values[name] = ", ".join(value)
            else:
                repeat, repeat_name = value, name
        else:
            values[name] = value
    if repeat:
        return [fill(template, {**values, repeat_name: item}) for item in repeat], missing
    return [fill(template, values)], missing


def render_fix(
    fix: Fix,
    facts: Mapping[str, FactValue],
    words: Mapping[str, str] | None = None,
    contradicted: Mapping[str, str] | None = None,
) -> RenderedFix:
    """``fix`` for these facts; ``words`` (fact -> label) names what is missing for people.

    A fact in ``contradicted`` (fact -> why) is never filled in: a command that needs it
    is withheld, with the reason, and prose shows ``<fact>``.
    """
    missing: set[str] = set()
    words = words or {}
    doubted = dict(contradicted or {})
    trusted = {name: value for name, value in facts.items() if name not in doubted}
    withheld: list[str] = []

    def render(templates: tuple[str, ...], prose: bool) -> tuple[str, ...]:
        lines: list[str] = []
        for template in templates:
            if not prose and doubted:
                try:
                    names = template_fields(template)
                except ValueError:
                    names = []
                bad = [name for name in names if name in doubted]
                if bad:
                    withheld.extend(
                        f"{doubted[name]}; the command is withheld until "
                        f"{words.get(name, name)} is corrected"
                        for name in bad
                    )
                    continue
            rendered, lacking = _fill(template, trusted, prose, words)
            lines.extend(rendered)
            missing.update(n for n in lacking if n not in doubted)
        return tuple(lines)

    commands = render(fix.commands, prose=False)
    return RenderedFix(
        id=fix.id,
        title=fix.title,
        tid=fix.tid,
        explanation=fix.explanation,
        commands=commands,
        steps=render(fix.steps, prose=True),
        verify=render(fix.verify, prose=True),
        warnings=render(fix.warnings, prose=True),
        missing=tuple(sorted(missing)),
        missing_words=tuple(words.get(name, name) for name in sorted(missing)),
        withheld=tuple(dict.fromkeys(withheld)),
    )


def applicable_fixes(pack: Pack, outcome: Outcome, facts: Mapping[str, FactValue]) -> list[Fix]:
    """The outcome's fixes whose ``applies_when`` holds (in the order the pack lists them)."""
    fixes = [pack.fixes[f] for f in outcome.fixes]
    return [f for f in fixes if f.applies_when is None or f.applies_when.holds(facts)]


def render_fixes(
    pack: Pack,
    outcome: Outcome,
    facts: Mapping[str, FactValue],
    contradicted: Mapping[str, str] | None = None,
) -> list[RenderedFix]:
    words = {name: fact.words for name, fact in pack.facts.items()}
    return [
        render_fix(f, facts, words, contradicted) for f in applicable_fixes(pack, outcome, facts)
    ]
