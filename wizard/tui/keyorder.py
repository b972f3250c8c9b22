"""Provides KeyOrder: each key is handled completely before the next one is routed.

Textual routes a key by posting it to the focused widget's queue; a binding that moves
the focus (Tab, ``n`` for the note, a digit that starts a typed value) runs only once the
key has bubbled back up to the app. Keys typed quickly after it (a paste, a fast typist,
a terminal delivering several keys in one read) were meanwhile routed to the widget that
*had* the focus: ``INC-6006`` Tab ``Dana`` became ``INC-6006Dana``.

KeyOrder holds each further key (and paste) until the key before it has travelled from
the focused widget up to the app, where its binding ran, and then posts the held ones
again in their order, so each goes to the widget that has the focus by then.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer

SETTLE_FRAMES = 5
"""Refreshes the held keys wait, at most, for a screen just opened to give a widget focus."""

LONGEST_HOLD = 2.0
"""Seconds a key waits at most for the one before it (whose widget might have closed)."""


class KeyOrder:
    """The keys of one app, handled strictly one after the other."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.in_flight: object | None = None
        """A token for the key being handled, or None when the next key may go at once."""
        self.at: MessagePump | None = None
        """Where the key being handled is now (its marker follows it up to the app)."""
        self.screen: object | None = None
        """The screen the key was routed on: when the key opens another, that one's focus
        (given as it mounts) decides where the held keys go."""
        self.held: list[events.Event] = []
        self.timer: Timer | None = None

    def hold(self, event: events.Event) -> bool:
        """Whether ``event`` (a key or paste from the terminal) must wait for the last key."""
        if self.in_flight is None:
            return False
        at = self.at
        if at is not None and (at._closing or at._closed):  # its widget closed: no marker
            self.release(self.in_flight)
            return False
        self.held.append(event)
        if self.timer is None:
            self.timer = self.app.set_timer(
                LONGEST_HOLD, lambda token=self.in_flight: self.release(token)
            )
        return True

    def routed(self) -> None:
        """The app has just routed a key: follow it until it has been handled."""
        token = self.in_flight = object()
        self.screen = self.app.screen
        target: MessagePump = self.app.focused or self.app.screen
        self.at = target
        if not target.call_later(self._follow, target, token):
            self.release(token)

    def _follow(self, node: MessagePump, token: object) -> None:
        """``node`` has handled the key (or passed it to its parent, ahead of this marker)."""
        if token is not self.in_flight:
            return
        parent = node._parent
        if node is self.app or parent is None:
            self.release(token)
            return
        self.at = parent
        if not parent.call_later(self._follow, parent, token):
            self.release(token)

    def release(self, token: object, waited: int = 0) -> None:
        if token is not self.in_flight:
            return
        opened = self.app.screen is not self.screen
        if (
            self.held
            and waited < SETTLE_FRAMES
            and ((opened and waited < 2) or self.app.focused is None)
        ):
            # A screen just opened (``e`` then a paste): its focus decides where they go.
            self.at = None
            self.app.call_after_refresh(self.release, token, waited + 1)
            return
        self.in_flight = self.at = None
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        held, self.held = self.held, []
        for event in held:
            # Behind anything the last key's binding queued (a focus move, a new screen).
            self.app.post_message(event)
