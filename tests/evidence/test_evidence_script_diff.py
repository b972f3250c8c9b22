"""``unified_diff`` of the login-script fixes: built from the changes alone, it must be
the diff a line-by-line walk gives (the reference below, the code it replaced) and must
turn the old script into the new one when applied."""

from __future__ import annotations

import random

import pytest

from wizard.analyzers.netware.script_diff import Unit, _range, unified_diff


def _walked(lines: list[str], units: list[Unit], moved: set[tuple[int, int]], name: str) -> str:
    """The reference: every line visited, difflib's grouping into hunks (context 3)."""
    gone = {number for number, _ in moved}
    codes: list[tuple[str, int, int, int, int]] = []
    old = new = 0
    while old < len(lines) or new < len(units):
        start_old, start_new = old, new
        if old < len(lines) and old + 1 in gone:
            while old < len(lines) and old + 1 in gone:
                old += 1
            codes.append(("delete", start_old, old, new, new))
        elif new < len(units) and (units[new].number, units[new].piece) in moved:
            while new < len(units) and (units[new].number, units[new].piece) in moved:
                new += 1
            codes.append(("insert", old, old, start_new, new))
        elif old < len(lines) and new < len(units):
            while (
                old < len(lines) and new < len(units) and old + 1 not in gone
                and (units[new].number, units[new].piece) not in moved
            ):  # fmt: skip
                old += 1
                new += 1
            codes.append(("equal", start_old, old, start_new, new))
        else:
            break
    if codes and codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - 3), i2, max(j1, j2 - 3), j2
    if codes and codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + 3), j1, min(j2, j1 + 3)
    groups: list[list[tuple[str, int, int, int, int]]] = []
    group: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 6:
            group.append((tag, i1, i1 + 3, j1, j1 + 3))
            groups.append(group)
            group = []
            i1, j1 = i2 - 3, j2 - 3
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    out = ["--- login-script (original)\n", f"+++ login-script ({name})\n"]
    for group in groups:
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + text + "\n" for text in lines[i1:i2])
            elif tag == "delete":
                out.extend("-" + text + "\n" for text in lines[i1:i2])
            else:
                out.extend("+" + unit.text + "\n" for unit in units[j1:j2])
    return "".join(out) if len(out) > 2 else ""


Case = tuple[list[str], list[Unit], set[tuple[int, int]], bool]


def _case(rng: random.Random, size: int) -> Case:
    """A script, some of its lines moved or rewritten (a line may become two pieces), and
    now and then a change set that does not fit the units (the walk's ``break``): the
    flag says whether it fits."""
    lines = [
        rng.choice(["MAP F:=SYS:", "", "END", "+x", "-y", "@@ z"]) + str(i) for i in range(size)
    ]
    order = list(range(1, size + 1))
    moved: set[tuple[int, int]] = set()
    for number in rng.sample(order, rng.randint(0, min(size, 10))):
        if rng.random() < 0.7:
            order.remove(number)
            order.insert(rng.randint(0, len(order)), number)
        moved.add((number, -1))
    units = [
        Unit(n, "new" if (n, -1) in moved and rng.random() < 0.3 else lines[n - 1], "\n", [])
        for n in order
    ]
    fits = True
    if units and rng.random() < 0.2:
        at = rng.randrange(len(units))
        whole = units[at]
        units[at : at + 1] = [Unit(whole.number, f"p{k}", "\n", [], k) for k in (0, 1)]
        moved |= {(whole.number, 0), (whole.number, 1)}
    if rng.random() < 0.1:
        moved.add((rng.randint(-2, size + 3), rng.choice([-1, 0, 2])))
        fits = False
    if units and rng.random() < 0.05:
        units.pop(rng.randrange(len(units)))
        fits = False
    if units and rng.random() < 0.05:
        units[rng.randrange(len(units))].text = "changed, not in the change set"
        fits = False
    return lines, units, moved, fits


def _applied(lines: list[str], diff: str) -> list[str]:
    """``lines`` with ``diff`` applied (hunk by hunk, checking every context line)."""
    out: list[str] = []
    at = 0
    for hunk in diff.split("\n@@ ")[1:]:
        head, _, body = hunk.partition("\n")
        start = int(head.split()[0][1:].split(",")[0])
        old_len = int(head.split()[0].split(",")[1]) if "," in head.split()[0] else 1
        start = start if old_len else start + 1
        out.extend(lines[at : start - 1])
        at = start - 1
        for line in body.split("\n"):
            if line.startswith(" "):
                assert lines[at] == line[1:]
                out.append(line[1:])
                at += 1
            elif line.startswith("-"):
                assert lines[at] == line[1:]
                at += 1
            elif line.startswith("+"):
                out.append(line[1:])
    return out + lines[at:]


@pytest.mark.parametrize("seed", range(4))
def test_same_diff_as_walking_every_line(seed: int) -> None:
    rng = random.Random(seed)
    made = 0
    for _ in range(2000):
        lines, units, moved, _ = _case(rng, rng.randint(0, 40))
        diff = unified_diff(lines, units, moved, "corrected")
        assert diff == _walked(lines, units, moved, "corrected")
        made += bool(diff)
    assert made > 1000  # most cases change something


def test_the_diff_turns_the_old_script_into_the_new() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(500):
        lines, units, moved, fits = _case(rng, rng.randint(1, 60))
        if not fits:
            continue  # only a change set that fits its units describes the new script
        diff = unified_diff(lines, units, moved, "corrected")
        if diff:
            assert _applied(lines, diff) == [unit.text for unit in units]
            checked += 1
    assert checked > 100
