"""The command palette (Ctrl+P): every action of the app and of the current screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], Any]]


class ReaderCommands(Provider):
    """Asks the app for its commands, which include the screen's own
    (``palette_commands()`` on each screen); Textual's system provider adds themes."""

    def _commands(self) -> list[Command]:
        commands = getattr(self.app, "palette_commands", None)
        return list(commands(self.screen)) if commands is not None else []

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(run), help=help_text)
