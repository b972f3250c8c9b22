"""Provides the wizard's run in a real terminal: every catchable signal saves, then restores.

SIGTERM, SIGHUP (a closed terminal), SIGQUIT and SIGINT used to kill the wizard with the
terminal raw, on the alternate screen, with mouse tracking on, and the note being typed
lost. Here each of them first saves the case with its drafts, then leaves through the
app's own exit, so Textual's driver restores the terminal (``stop_application_mode``).
Should the app not be running yet (or its exit hang, the terminal being gone), a
fallback writes the reset sequences itself and restores the saved terminal modes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.tui.app import KBWizardApp

CAUGHT: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGINT")
    if hasattr(signal, name)
)
"""The signals that can be caught and that end the wizard."""

RESET = (
    "\x1b[<u"  # Kitty keyboard protocol off
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse tracking off
    "\x1b[?2004l"  # bracketed paste off
    "\x1b[?1004l"  # focus events off
    "\x1b[?7h"  # line wrap back on
    "\x1b[?1049l"  # leave the alternate screen
    "\x1b[?25h"  # show the cursor
)
"""What the terminal is told when the app could not leave by its own exit."""

EXIT_GRACE = 3.0
"""Seconds the app's own exit may take after a signal before the fallback ends the process."""


def exit_code(signum: int) -> int:
    """The shell's convention for a process ended by ``signum``."""
    return 128 + signum


class Terminal:
    """The controlling terminal's modes as they were before the wizard started."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.modes: list[Any] | None = None
        with contextlib.suppress(Exception):
            import termios

            fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else 0
            self.modes = termios.tcgetattr(fd)
            self.fd = fd

    def reset(self) -> None:
        """Best effort: reset sequences out, modes back; the terminal may be gone."""
        with contextlib.suppress(Exception):
            out = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
            os.write(out, RESET.encode("ascii"))
        if self.fd is not None and self.modes is not None:
            with contextlib.suppress(Exception):
                import termios

                termios.tcsetattr(self.fd, termios.TCSANOW, self.modes)


@contextlib.contextmanager
def fallback_handlers(app: KBWizardApp, terminal: Terminal) -> Iterator[None]:
    """Until the app's loop takes the signals over (and after it gives them back): save,
    reset the terminal and leave at once."""

    def handler(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(Exception):
            app.save()
        terminal.reset()
        os._exit(exit_code(signum))

    before: dict[signal.Signals, Callable[[int, FrameType | None], Any] | int | None] = {}
    for signum in CAUGHT:
        with contextlib.suppress(ValueError, OSError):  # not the main thread: leave them
            before[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in before.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, old)


def take_signals(app: KBWizardApp, terminal: Terminal) -> None:
    """From inside the app's loop: each signal saves, then exits through the app."""
    loop = asyncio.get_running_loop()

    def stop(signum: signal.Signals) -> None:
        app.save()  # the case and its drafts first: the terminal may already be gone
        if app.signalled is None:
            app.signalled = signum

            def hard_exit() -> None:  # the app's exit hung (a dead terminal): leave anyway
                terminal.reset()
                os._exit(exit_code(signum))

            watchdog = threading.Timer(EXIT_GRACE, hard_exit)
            watchdog.daemon = True
            watchdog.start()
        app.exit(return_code=exit_code(signum))

    for signum in CAUGHT:
        with contextlib.suppress(ValueError, OSError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(signum, stop, signum)


def run(app: KBWizardApp) -> int:
    """Run the wizard in this terminal; the exit code (128 + N after signal N)."""
    terminal = Terminal()
    app.terminal = terminal
    with fallback_handlers(app, terminal):
        app.run()
    return app.return_code or 0
