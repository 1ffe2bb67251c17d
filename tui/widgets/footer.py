"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer removes and mounts all of its keys again each time a screen's
    bindings are refreshed, even when the same keys come out: five times on Today's
    start-up, two of them before the first paint, and again on every cursor move (the
    paper actions depend on the highlighted row). Each rebuild styles every key
    afresh; this one is skipped when nothing the footer shows has changed."""

    _shown: object = None
    """What the keys were last composed from (see ``_showing``)."""

    def _showing(self) -> object:
        """Everything ``Footer.compose`` reads, as one comparable value."""
        if not getattr(self, "_bindings_ready", True):
            return None  # Footer composes nothing yet
        keys: list[Any] = [
            (b.key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
            for (_node, b, enabled, tooltip) in self.screen.active_bindings.values()
            if b.show or b.key == self.app.COMMAND_PALETTE_BINDING
        ]
        return (self.compact, self.show_command_palette, tuple(keys))

    async def recompose(self) -> None:
        showing = self._showing()
        if showing is not None and showing == self._shown:
            return
        self._shown = showing
        await super().recompose()
