"""Provides the pack skeleton ``kbwizard new`` writes: a pack file and its case files.

The skeleton is valid as written and its cases reach every outcome and take every
edge, so an author starts from a pack that passes ``validate`` and ``test`` and
changes it one step at a time. Every name in it is a placeholder (``example_…``).
"""

from __future__ import annotations

import re

MAX_ID_LENGTH = 64
"""A pack id is also a file name and a folder name."""

_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def check_pack_id(pack_id: str) -> str | None:
    """Why ``pack_id`` cannot be a pack id (one line), or None when it can."""
    from wizard.kb.values import shown

    if not pack_id:
        return "a pack id must not be empty"
    if len(pack_id) > MAX_ID_LENGTH:
        return f"a pack id has at most {MAX_ID_LENGTH} characters"
    if not _ID.fullmatch(pack_id):
        return (
            f"bad pack id '{shown(pack_id)}': use only lowercase letters, digits and '-' "
            "(not first or last), e.g. tid-1234567"
        )
    return None


_PACK = """\
# yaml-language-server: $schema={schema}
#
# A new pack. Replace every "example" with what the article says: the facts a
# case collects, the questions that ask for them, the outcomes and the fixes.
# Check it with `kbwizard validate {pack_id}.yaml`, prove it with
# `kbwizard test {pack_id}.yaml` (the case files are in {pack_id}.cases/).
id: {pack_id}
version: "0.1.0"
title: "Example: the problem the article describes"
summary: >-
  One or two sentences: what goes wrong, and what the wizard checks to decide
  whether this article applies.
source:
  document: "{pack_id}"
  title: The article's title
  published: "2000-01-01"
  updated: "2000-01-01"
  products: [The product the article names]

facts:
  example_symptom:
    type: choice
    values: ["yes", "no"]
    description: The article's symptom is present.
    label: the article's symptom
  example_target:
    type: text
    description: The name the fix's command needs (a server, a volume).
    label: the name the fix needs

start: q_example_symptom

nodes:
  q_example_symptom:
    kind: question
    tid: Symptoms
    fact: example_symptom
    text: Does the caller see the symptom the article describes?
    why: The article applies only when its symptom is present.
    how_to_check: Say how to check it, in the article's words.
    choices:
      - {{value: "yes", label: "Yes, the symptom is present", next: o_example_confirmed}}
      - {{value: "no", label: "No", next: o_example_ruled_out}}
    unknown: o_example_undecided

  o_example_confirmed:
    kind: outcome
    tid: Cause and Resolution
    diagnosis: {pack_id}-confirmed
    status: confirmed
    title: "Confirmed: the article's problem"
    summary: The symptom is present; the article's fix applies.
    fixes: [example-fix]

  o_example_ruled_out:
    kind: outcome
    tid: Symptoms
    diagnosis: {pack_id}-ruled-out
    status: ruled-out
    title: "Not this issue: the symptom is absent"
    summary: Without the symptom the article does not apply.
    collect:
      - What does fail, and when.

  o_example_undecided:
    kind: outcome
    tid: Symptoms
    diagnosis: {pack_id}-undecided
    status: undecided
    title: Not enough information to decide
    summary: Check the facts listed below, then run the wizard again.

fixes:
  example-fix:
    title: The article's fix
    tid: Resolution
    commands:
      - "example-command {{example_target}}"
    steps:
      - "Run the command above (it names {{example_target}})."
    explanation: Why the fix works, in the article's words.
    verify:
      - How to see that the fix worked.

explanation:
  title: Why it happens
  steps:
    - The mechanism, step by step, in the article's words.
"""

_CASES = {
    "confirmed.yaml": """\
description: The symptom is present; the fix is rendered with the site's name
facts:
  example_symptom: "yes"
  example_target: SERVER1
expect:
  status: confirmed
  diagnosis: {pack_id}-confirmed
  outcome: o_example_confirmed
  fixes: [example-fix]
  commands:
    example-fix: ["example-command SERVER1"]
  missing: []
""",
    "ruled-out.yaml": """\
description: The symptom is absent
facts:
  example_symptom: "no"
expect:
  status: ruled-out
  diagnosis: {pack_id}-ruled-out
  outcome: o_example_ruled_out
  fixes: []
""",
    "dont-know.yaml": """\
description: The caller does not know whether the symptom is present ("?" is "don't know")
facts:
  example_symptom: "?"
expect:
  status: undecided
  diagnosis: {pack_id}-undecided
  outcome: o_example_undecided
  missing: [example_symptom]
""",
}


def skeleton_files(pack_id: str, schema: str) -> dict[str, str]:
    """Relative path -> text: ``<id>.yaml`` first, then its case files in ``<id>.cases/``.

    ``pack_id`` must pass ``check_pack_id``; ``schema`` is where the editor finds the
    pack JSON Schema (for the first line).
    """
    if not schema.isprintable():  # a folder name with a newline would end the comment line
        schema = "pack.schema.json"
    files = {f"{pack_id}.yaml": _PACK.format(pack_id=pack_id, schema=schema)}
    for name, text in _CASES.items():
        files[f"{pack_id}.cases/{name}"] = text.format(pack_id=pack_id)
    return files
