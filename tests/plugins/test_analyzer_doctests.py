"""Every analyzer's docstring (sample input, facts yielded) is run as a doctest."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import wizard.analyzers


def analyzer_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(wizard.analyzers.__path__, "wizard.analyzers.")
        if not info.ispkg
    ]


@pytest.mark.parametrize("name", analyzer_modules())
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_each_bundled_analyzer_documents_a_sample_and_its_facts() -> None:
    from wizard.evidence.registry import analyzers

    tested = 0
    for analyzer in analyzers().values():
        if not type(analyzer).__module__.startswith("wizard.analyzers."):
            continue
        doc = type(analyzer).__doc__ or ""
        assert "Sample input" in doc and ">>>" in doc, analyzer.name
        tested += 1
    assert tested >= 3
