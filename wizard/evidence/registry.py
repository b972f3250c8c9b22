"""Provides the analyzer registry: plugins found through the entry-point group of analyzers.

Every analyzer, the bundled ones included, is an entry point of that group in
some installed distribution's metadata (``pyproject.toml``)::

    [project.entry-points."kbwizard.analyzers"]
    netware-login-script = "wizard.analyzers.netware.plugins:LOGIN_SCRIPT"

The name is what a pack's ``evidence.<kind>.analyzer`` says; the object is an
``Analyzer`` (see ``wizard.evidence.protocol``), or a class whose instances are.
Nothing in the engine names an analyzer: it asks ``get(name)``.

Test hook: ``added_entry_points(...)`` puts extra ``EntryPoint`` objects in front
of the installed ones for the duration of a ``with`` block; they are loaded by
the same code as installed ones (``EntryPoint.load``, then the same checks).
A test can also install a distribution for real: a ``*.dist-info`` folder with
an ``entry_points.txt`` on ``sys.path``, then ``reload()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points

from wizard.evidence.protocol import Analyzer
from wizard.kb.model import AnalyzerSpec

GROUP = "kbwizard.analyzers"
"""The entry-point group analyzers register in."""

_extra: list[EntryPoint] = []
_loaded: dict[str, Analyzer] | None = None
_broken: dict[str, str] = {}


def reload() -> None:
    """Forget what was loaded: the next lookup reads the installed entry points again."""
    global _loaded
    _loaded = None
    _broken.clear()


@contextmanager
def added_entry_points(*points: EntryPoint) -> Iterator[None]:
    """Test hook: ``points`` are found first (same loading and checks) inside the block."""
    _extra[:0] = points
    reload()
    try:
        yield
    finally:
        del _extra[: len(points)]
        reload()


def _points() -> list[EntryPoint]:
    return [*_extra, *entry_points(group=GROUP)]


def analyzers() -> Mapping[str, Analyzer]:
    """Every analyzer that loads and fits the protocol, by name (the first of a name wins)."""
    global _loaded
    if _loaded is None:
        found: dict[str, Analyzer] = {}
        for point in _points():
            if point.name in found or point.name in _broken:
                continue
            try:
                obj = point.load()
                if isinstance(obj, type):
                    obj = obj()
            except Exception as exc:  # a broken plugin is reported, never fatal
                _broken[point.name] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            problem = _misfit(point.name, obj)
            if problem:
                _broken[point.name] = problem
                continue
            found[point.name] = obj
        _loaded = found
    return _loaded


def _misfit(name: str, obj: object) -> str:
    """Why ``obj`` is not a usable analyzer named ``name`` ('' when it is)."""
    if not isinstance(obj, Analyzer):
        return "does not provide the analyzer protocol (name, reads, supplies, analyze ...)"
    if obj.name != name:
        return f"registered as '{name}' but calls itself '{obj.name}'"
    for attribute in ("reads", "supplies", "produces", "corrections"):
        value = getattr(obj, attribute)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            return f"'{attribute}' is not a tuple of names"
    return ""


def get(name: str) -> Analyzer | None:
    """The analyzer called ``name``, or None."""
    return analyzers().get(name)


def broken() -> Mapping[str, str]:
    """Entry points that failed to load, with why (for messages about unknown analyzers)."""
    analyzers()
    return dict(_broken)


def specs() -> dict[str, AnalyzerSpec]:
    """What a pack may rely on from each analyzer (for ``validate``), without running any."""
    return {
        name: AnalyzerSpec(
            name, tuple(a.reads), frozenset(a.supplies), frozenset(a.produces), a.title
        )
        for name, a in analyzers().items()
    }
