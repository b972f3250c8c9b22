"""Frees widgets that Textual's watcher lists would otherwise keep alive after they close."""

from __future__ import annotations


def forget_closed_watchers(observed: object) -> None:
    """Drop the watcher entries of closed widgets from what they observed.

    ``watch(other, ...)`` and ``data_bind`` store ``(widget, callback)`` on the *observed*
    object, and Textual prunes closed widgets only when that value next changes
    (Textualize/textual#6666). The app's theme never changes in a shift, so every closed
    TextArea and footer key (and Textual's Header, before the wizard had its own title bar)
    would stay in memory: about 1.25 MB per call.
    This is the same pruning Textual does on a change, done when we know screens closed.
    """
    watchers: dict[str, list[tuple[object, object]]] = getattr(observed, "__watchers", {})
    for entries in watchers.values():
        entries[:] = [
            (node, callback)
            for node, callback in entries
            if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
        ]
