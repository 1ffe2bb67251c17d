"""The user's settings: a fixed set of named, validated values kept in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reader.schedule import ReviewSettings
from reader.units import quoted, whole_number

from .context import Context, ServiceError


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    parse: Callable[[str], Any]


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return whole_number(text, low=low, high=high, what="the value")
        except ValueError as error:
            raise ServiceError(str(error)) from None

    return parse


def _float_in(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(str(text).strip())
        except ValueError:
            raise ServiceError(f"expected a number {low} to {high}, not {quoted(text)}") from None
        if not low <= value <= high:
            raise ServiceError(f"expected a number {low} to {high}, not {value}")
        return value

    return parse


THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
)  # fmt: skip
"""The app's themes (Textual's built-in ones), kept here because the core never imports
Textual; ``tests/test_tui_themes.py`` checks this list against the app's."""


def _theme(text: str) -> str:
    name = str(text).strip().lower()
    if name not in THEMES:
        raise ServiceError(
            f"unknown theme {quoted(str(text).strip())}; use one of: {', '.join(THEMES)}"
        )
    return name


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("suggest.per_day", 5, "papers suggested each day", _int_in(1, 50)),
        Setting(
            "review.daily_limit", 3, "re-reads per day; the rest roll forward", _int_in(1, 100)
        ),
        Setting(
            "review.desired_retention",
            0.85,
            "how likely you should still recall a paper when its re-read comes (0.70-0.97)",
            _float_in(0.70, 0.97),
        ),
        Setting(
            "review.skip_stars_at_most",
            2,
            "papers rated this many stars or fewer get no re-reads (0: all do)",
            _int_in(0, 5),
        ),
        Setting("ui.theme", "textual-dark", "the app's colour theme (Ctrl+P, Theme)", _theme),
    ]
}


class Preferences:
    """The user's settings, read with their defaults and checked when set."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def settings(self) -> dict[str, Any]:
        return {key: self.store.settings.get(key, s.default) for key, s in SETTINGS.items()}

    def set_setting(self, key: str, value: str | int | float) -> Any:
        setting = SETTINGS.get(key)
        if setting is None:
            raise ServiceError(f"unknown setting {key!r}; known: {', '.join(SETTINGS)}")
        parsed = setting.parse(str(value))
        self.store.settings.set(key, parsed)
        return parsed

    def review_settings(self) -> ReviewSettings:
        values = self.settings()
        return ReviewSettings(
            desired_retention=float(values["review.desired_retention"]),
            daily_limit=int(values["review.daily_limit"]),
            skip_stars_at_most=int(values["review.skip_stars_at_most"]),
        )
