"""Text fact limits (chars, max_length), see_also links, and the checks across packs.

Each rule is shown on the real packs or on the minimal example pack with one change,
through the loader, ``validate_pack`` and ``kbwizard validate`` (in-process).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wizard.cli import main
from wizard.kb.crosscheck import check_links, check_shared_facts
from wizard.kb.loader import load_pack, parse_pack
from wizard.kb.model import Fact, Outcome
from wizard.kb.problems import Problem
from wizard.kb.registry import ANALYZERS
from wizard.kb.validate import validate_pack
from wizard.kb.values import char_ranges, parse_value

BASE = (ROOT / "docs" / "examples" / "mini-vip.yaml").read_text(encoding="utf-8")
KNOWLEDGE = ROOT / "knowledge"
PACK_IDS = ("tid-3438100", "tid-7014886", "ncs-volume-id", "tid-10019026")


def problems_of(text: str, name: str = "pack.yaml") -> list[Problem]:
    pack, problems = parse_pack(text.encode(), name)
    if pack is not None:
        problems = problems + validate_pack(pack, ANALYZERS)
    return problems


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def with_text_fact(spec: str) -> str:
    """The example pack with one more fact (``spec``: its indented keys)."""
    anchor = "facts:\n"
    assert anchor in BASE
    return BASE.replace(anchor, anchor + "  site_name:\n" + spec, 1)


def fact(**limits: object) -> Fact:
    spec = str(limits.pop("chars", ""))
    return Fact(
        "cluster_name",
        "text",
        "The cluster's name.",
        chars=spec,
        char_ranges=char_ranges(spec) if spec else (),
        max_length=int(str(limits.pop("max_length", 0))),
    )


# --- chars and max_length: the value check ---------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("my cluster", "has a space (character 3)"),
        ("my-cluster;del", "has ';' (character 11)"),
        ("my\ncluster", "has '\\n' (character 3)"),
        ("my\x1b[31mcluster", "has '\\x1b' (character 3)"),
        ("clüster", "has '\\xfc' (character 3)"),
        ("c" * 65, "is longer than 64 characters"),
    ],
)
def test_a_text_value_outside_its_chars_is_refused_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match="cluster_name") as caught:
        parse_value(fact(chars="A-Za-z0-9_-", max_length=64), value)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


def test_a_text_value_inside_its_chars_is_kept_as_typed() -> None:
    limited = fact(chars="A-Za-z0-9_-", max_length=64)
    assert parse_value(limited, "  my-cluster_2  ") == "my-cluster_2"
    assert parse_value(limited, "c" * 64) == "c" * 64


def test_list_items_of_text_are_checked_one_by_one() -> None:
    items = Fact("volumes", "list", "Volumes.", chars="A-Z0-9", char_ranges=char_ranges("A-Z0-9"))
    assert parse_value(items, "VOL1, VOL2") == ("VOL1", "VOL2")
    with pytest.raises(ValueError, match="'vol2' has 'v'"):
        parse_value(items, "VOL1,vol2")


def test_a_fact_without_limits_takes_any_text() -> None:
    assert parse_value(Fact("note", "text", "A note."), "a b; c") == "a b; c"


@pytest.mark.parametrize(
    ("spec", "ranges"),
    [
        ("a-c", ((97, 99),)),
        ("-a", ((45, 45), (97, 97))),
        ("a-", ((45, 45), (97, 97))),
        ("A-Za-z", ((65, 90), (97, 122))),
        ("a-cb-d", ((97, 100),)),
        ("0-9.", ((46, 46), (48, 57))),
    ],
)
def test_chars_ranges_are_read_and_merged(spec: str, ranges: tuple[tuple[int, int], ...]) -> None:
    assert char_ranges(spec) == ranges


def test_a_backwards_range_is_refused() -> None:
    with pytest.raises(ValueError, match="backwards"):
        char_ranges("z-a")


def test_the_packs_refuse_what_cannot_go_into_their_commands() -> None:
    """The article packs' command facts refuse what could not be a name, context or drive."""
    packs = {pid: load_pack(KNOWLEDGE / f"{pid}.yaml", ANALYZERS) for pid in PACK_IDS}
    facts = packs["tid-7014886"].facts
    for name, bad in (
        ("cluster_name", "my cluster"),
        ("cluster_context", "Corp.EMA;map"),
        ("cluster_volume", "VOL2:"),
        ("drive", "O:"),
        ("drive", "OOOO"),
    ):
        with pytest.raises(ValueError, match=name):
            parse_value(facts[name], bad)
    assert parse_value(facts["cluster_context"], "OU=Corp.O=EMA") == "OU=Corp.O=EMA"
    fixed = packs["tid-10019026"].facts["dirmap_map_fixed"]
    assert (
        parse_value(fixed, r"MAP ROOT S16:=.MYMAP.MYORG\APPS") == r"MAP ROOT S16:=.MYMAP.MYORG\APPS"
    )
    for bad in ("MAP F:=SYS:;MAP G:=VOL1:", "MAP F:=SYS:\nEXIT"):
        with pytest.raises(ValueError, match="dirmap_map_fixed"):
            parse_value(fixed, bad)


# --- chars and max_length: validate ------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "needle", "message"),
    [
        ("    type: choice\n    values: [a, b]\n    chars: ab\n", "chars: ab", "only text facts"),
        ("    type: ipv4\n    max_length: 3\n", "max_length: 3", "only text facts"),
        ("    type: list\n    item: ipv4\n    chars: '0-9.'\n", "chars: '0-9.'", "only text facts"),
        ("    type: text\n    chars: z-a\n", "chars: z-a", "backwards"),
        ("    type: text\n    chars: ''\n", "chars: ''", "chars is empty"),
        ("    type: text\n    max_length: 0\n", "max_length: 0", "max_length must be"),
        ("    type: text\n    max_length: yes\n", "max_length: yes", "max_length must be"),
        ("    type: text\n    max_length: '5'\n", "max_length: '5'", "max_length must be"),
    ],
)
def test_validate_reports_bad_limits_at_their_line(spec: str, needle: str, message: str) -> None:
    text = with_text_fact(spec + "    description: A name.\n")
    found = [p for p in problems_of(text) if message in p.message]
    assert found, problems_of(text)
    assert found[0].line == line_of(text, needle)


def test_a_sound_text_fact_loads_with_its_ranges() -> None:
    text = with_text_fact("    type: text\n    chars: a-z\n    description: A name.\n")
    pack, problems = parse_pack(text.encode(), "pack.yaml")
    assert pack is not None and problems == []
    assert pack.facts["site_name"].char_ranges == ((97, 122),)


# --- see_also ----------------------------------------------------------------------


def test_see_also_is_loaded_with_its_lines() -> None:
    path = KNOWLEDGE / "tid-3438100.yaml"
    text = path.read_text(encoding="utf-8")
    pack = load_pack(path, ANALYZERS)
    outcome = pack.nodes["o_not_secondary"]
    assert isinstance(outcome, Outcome)
    packs = [link.pack for link in outcome.see_also]
    assert packs == ["tid-7014886", "ncs-volume-id"]
    assert outcome.see_also[0].when is None
    assert outcome.see_also[1].when is not None
    start = text.index("  o_not_secondary:")
    first = text.index("- pack: tid-7014886", start)
    assert outcome.see_also[0].line == text[:first].count("\n") + 1


def _with_link(link: str) -> str:
    anchor = "    status: ruled-out\n"
    assert anchor in BASE
    return BASE.replace(anchor, anchor + "    see_also:\n" + link, 1)


@pytest.mark.parametrize(
    ("link", "needle", "message"),
    [
        (
            "      - {pack: other-pack, when: {fact: no_such_fact, equals: x}, text: Why.}\n",
            "no_such_fact",
            "tests undeclared fact 'no_such_fact'",
        ),
        (
            "      - {pack: other-pack, when: {fact: vip_method, equals: purple}, text: Why.}\n",
            "purple",
            "not one of its values",
        ),
        ("      - {pack: 'a b', text: Why.}\n", "'a b'", "not a pack id"),
        ("      - {pack: other-pack, text: ' '}\n", "other-pack", "needs a text"),
        ("      - {pack: other-pack}\n", "other-pack", "missing required key 'text'"),
        ("      - {pack: other-pack, text: Why, colour: red}\n", "colour", "unknown key 'colour'"),
        (
            "      - {pack: other-pack, text: Why.}\n      - {pack: other-pack, text: Again.}\n",
            "Again",
            "listed twice",
        ),
    ],
)
def test_validate_reports_bad_links_at_their_line(link: str, needle: str, message: str) -> None:
    text = _with_link(link)
    found = [p for p in problems_of(text) if message in p.message]
    assert found, problems_of(text)
    assert found[0].line == line_of(text, needle)
    assert not found[0].warning


def test_a_link_to_the_pack_itself_is_refused() -> None:
    pack, _ = parse_pack(BASE.encode(), "pack.yaml")
    assert pack is not None
    text = _with_link(f"      - {{pack: {pack.id}, text: Why.}}\n")
    assert any("links the pack to itself" in p.message for p in problems_of(text))


def test_a_link_to_a_pack_not_installed_is_a_warning_at_its_line() -> None:
    text = _with_link("      - {pack: not-installed, text: Why.}\n")
    pack, problems = parse_pack(text.encode(), "pack.yaml")
    assert pack is not None and problems == []
    found = check_links(pack, {"tid-3438100"})
    assert len(found) == 1 and found[0].warning
    assert found[0].line == line_of(text, "not-installed")
    assert str(found[0]).startswith(f"pack.yaml:{found[0].line}: warning: ")
    assert check_links(pack, {"not-installed"}) == []


# --- shared facts across packs -------------------------------------------------------


def _pack_dir(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(KNOWLEDGE / f"{name}.yaml", folder / f"{name}.yaml")
    return folder


def test_the_installed_packs_agree_on_every_shared_fact(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0
    err = capsys.readouterr().err
    for pack_id in PACK_IDS:
        assert f"({pack_id} " in err
    packs = [parse_pack((KNOWLEDGE / f"{p}.yaml").read_bytes(), p)[0] for p in PACK_IDS]
    assert check_shared_facts([p for p in packs if p is not None]) == []


def test_a_shared_fact_of_another_type_is_reported_with_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (KNOWLEDGE / "tid-7014886.yaml").read_text(encoding="utf-8")
    changed = source.replace(
        '  reconnect_fails:\n    type: choice\n    values: ["yes", "no"]\n',
        '  reconnect_fails:\n    type: choice\n    values: ["yes", "no", "sometimes"]\n',
        1,
    ).replace(
        "  virtual_ips:\n    type: list\n    item: ipv4\n", "  virtual_ips:\n    type: list\n", 1
    )
    assert changed != source
    path = tmp_path / "tid-7014886.yaml"
    path.write_text(changed, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    reference = KNOWLEDGE / "tid-3438100.yaml"
    ref_text = reference.read_text(encoding="utf-8")
    expected = [
        (
            f"{path}:{line_of(changed, '  reconnect_fails:')}: shared fact 'reconnect_fails'",
            f"{reference}:{line_of(ref_text, '  reconnect_fails:')}",
        ),
        (
            f"{path}:{line_of(changed, '  virtual_ips:')}: shared fact 'virtual_ips' is a list "
            "of text here, but a list of ipv4",
            f"{reference}:{line_of(ref_text, '  virtual_ips:')}",
        ),
    ]
    for here, there in expected:
        rows = [r for r in out.splitlines() if r.startswith(here)]
        assert rows, out
        # One row per installed pack that declares it otherwise, each naming that one's line.
        assert any(there in row for row in rows), rows


def test_validating_one_installed_pack_checks_it_against_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _pack_dir(tmp_path, "ncs-volume-id")
    path = folder / "ncs-volume-id.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '  uses_bcc:\n    type: choice\n    values: ["yes", "no"]\n',
        '  uses_bcc:\n    type: choice\n    values: ["yes", "no", "planned"]\n',
        1,
    )
    path.write_text(text, encoding="utf-8")
    # The --pack-dir copy overrides the bundled pack of its id; the reference pack disagrees.
    here = f"{path}:{line_of(text, '  uses_bcc:')}"
    reference = KNOWLEDGE / "tid-3438100.yaml"
    there = f"{reference}:{line_of(reference.read_text(encoding='utf-8'), '  uses_bcc:')}"
    # All installed packs: the disagreement is one row at the later pack, naming both lines.
    assert main(["validate", "--pack-dir", str(folder)]) == 1
    rows = [r for r in capsys.readouterr().out.splitlines() if "shared fact 'uses_bcc'" in r]
    assert len(rows) == 1 and here in rows[0] and there in rows[0], rows
    # One path: reported at that file, naming the installed pack's line.
    assert main(["validate", str(path)]) == 1
    rows = [r for r in capsys.readouterr().out.splitlines() if "shared fact 'uses_bcc'" in r]
    assert len(rows) == 1 and rows[0].startswith(here + ": ") and there in rows[0], rows


def test_a_link_to_a_missing_pack_warns_but_validate_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _with_link("      - {pack: not-installed, text: Why.}\n")
    path = tmp_path / "mini-vip.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}:{line_of(text, 'not-installed')}: warning: " in captured.out
    assert "ok: " in captured.err


def test_shared_fact_check_is_linear_in_the_packs() -> None:
    """200 packs declaring the same fact: each is compared with the first, once."""
    pack, _ = parse_pack((KNOWLEDGE / "tid-7014886.yaml").read_bytes(), "a.yaml")
    assert pack is not None
    from dataclasses import replace

    many = [replace(pack, path=f"p{i}.yaml") for i in range(200)]
    assert check_shared_facts(many) == []
    bad = replace(
        many[-1],
        facts={**pack.facts, "drive": replace(pack.facts["drive"], type="ipv4")},
    )
    found = check_shared_facts([*many[:-1], bad])
    assert [p.file for p in found] == ["p199.yaml"]
    assert "p0.yaml" in found[0].message


def test_a_symptom_value_a_limited_text_fact_cannot_hold_is_refused() -> None:
    text = with_text_fact("    type: text\n    chars: a-z\n    description: A name.\n")
    text += (
        "symptoms:\n  - {id: spaced, text: A name with a space., fact: site_name, value: 'a b'}\n"
    )
    found = [p for p in problems_of(text) if "symptom 'spaced'" in p.message]
    assert found and found[0].line == line_of(text, "id: spaced")


def test_the_article_packs_pass_their_cases_at_full_coverage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kbwizard test` on the three article packs: every case passes, every outcome is
    reached and every edge (each don't-know route included) is taken."""
    assert main(["test", "tid-7014886", "ncs-volume-id", "tid-10019026"]) == 0
    out = capsys.readouterr().out
    assert "ok tid-7014886: outcomes 6/6, edges 19/19" in out
    assert "ok ncs-volume-id: outcomes 6/6, edges 22/22" in out
    assert "ok tid-10019026: outcomes 7/7, edges 17/17" in out


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_pack_matches_the_published_json_schema(pack_id: str) -> None:
    import jsonschema
    import yaml

    schema = json.loads((KNOWLEDGE / "pack.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((KNOWLEDGE / f"{pack_id}.yaml").read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_the_schema_refuses_a_see_also_without_text_and_a_bad_max_length() -> None:
    import jsonschema
    import yaml

    schema = json.loads((KNOWLEDGE / "pack.schema.json").read_text(encoding="utf-8"))
    for text in (
        _with_link("      - {pack: other-pack}\n"),
        with_text_fact("    type: text\n    max_length: 0\n    description: A name.\n"),
    ):
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(text)))


@pytest.mark.adversarial
def test_hostile_sizes_are_checked_in_one_pass() -> None:
    """A chars set of 300k single characters and a 2 MB value: read once, checked once
    per character (a binary search each), with the first bad character named."""
    spec = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 300_000, 1) if c < 0xD800)
    ranges = char_ranges(spec)
    assert len(ranges) == 1  # consecutive characters merge into one range
    hostile = "".join(chr(0x4E00 + 2 * i) + "a" for i in range(1000))
    many = char_ranges(hostile)
    assert len(many) == 1001
    limited = Fact("name", "text", "A name.", chars=hostile, char_ranges=many)
    value = "a" * 2_000_000
    assert parse_value(limited, value) == value
    with pytest.raises(ValueError, match="character 2000001"):
        parse_value(limited, value + "b")
