"""Provides the key footer every screen shows: Textual's Footer without its watcher leak."""

from __future__ import annotations

from textual.widgets import Footer

from wizard.tui.watchers import forget_closed_watchers


class KeyFooter(Footer):
    """Textual's Footer, but the keys it throws away on each recompose are really freed.

    Each ``FooterKey`` binds itself to ``Footer.compact``; the footer recomposes on every
    binding change, so without this about 50 dead keys a case stayed alive.
    """

    def __init__(self, *, mounted_late: bool = False) -> None:
        super().__init__()
        if mounted_late:
            # Footer shows no keys until its screen next reports a change of bindings (the
            # focus settling at start); on a screen already shown, show them at once.
            self.set_reactive(Footer._bindings_ready, True)

    async def recompose(self) -> None:
        await super().recompose()
        forget_closed_watchers(self)
