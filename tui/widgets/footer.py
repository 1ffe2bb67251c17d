"""Textual's Footer, rebuilt only when the keys it shows change, and drawn after the
first frame."""

from __future__ import annotations

from typing import Any

from textual._context import active_message_pump
from textual.app import ComposeResult
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer removes and mounts all of its keys again each time a screen's
    bindings are refreshed, even when the same keys come out: five times on Today's
    start-up, two of them before the first paint, and again on every cursor move (the
    paper actions depend on the highlighted row). Each rebuild styles every key
    afresh; this one is skipped when nothing the footer shows has changed.

    Its keys also wait for the app's first frame (``painted``), as a bare Textual app's
    footer does: building and styling them was about 6% of the launch; the app shows
    them right after (``ReaderApp.on_ready``)."""

    _shown: object = None
    """What the keys were last composed from (see ``_showing``)."""

    def _showing(self) -> object:
        """Everything ``Footer.compose`` reads, as one comparable value; None while it
        composes nothing."""
        if not getattr(self.app, "painted", True) or not getattr(self, "_bindings_ready", True):
            return None
        keys: list[Any] = [
            (b.key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
            for (_node, b, enabled, tooltip) in self.screen.active_bindings.values()
            if b.show or b.key == self.app.COMMAND_PALETTE_BINDING
        ]
        return (self.compact, self.show_command_palette, tuple(keys))

    def compose(self) -> ComposeResult:
        if getattr(self.app, "painted", True):
            yield from super().compose()

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # as Textual's: a screen being removed has no bindings to ask about
        showing = self._showing()
        if showing is not None and showing == self._shown:
            return
        self._shown = showing
        await super().recompose()

    async def show_keys(self) -> None:
        """Compose the keys now (the app calls this once its first frame is written).
        Each key binds to the footer's ``compact`` through the active message pump,
        which must then be this footer, as when Textual itself recomposes it."""
        token = active_message_pump.set(self)
        try:
            await self.recompose()
        finally:
            active_message_pump.reset(token)
