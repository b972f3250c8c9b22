"""Provides pausing the cyclic garbage collector around bulk work that builds no cycles.

Reading a large pack or login script creates hundreds of thousands of small
acyclic objects; the collector's full passes over the growing heap would cost
more than the work itself. The pause is process-wide, so it is counted under a
lock: overlapping pauses (the wizard analyses evidence in worker threads) end
with the collector back exactly as it was before the first one.
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType

_lock = threading.Lock()
_depth = 0
_was_enabled = False


class _Pause:
    """The pause as a context manager (a class: a generator-based one costs a generator
    and its wrapper per use, and an audit pauses twice per script)."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _depth, _was_enabled
        with _lock:
            if _depth == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _depth += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


_PAUSE = _Pause()


def paused_gc() -> _Pause:
    """``with paused_gc():`` the collector is off (the pauses are counted: see above)."""
    return _PAUSE
