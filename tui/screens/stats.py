"""Stats: papers read per week, the ratings, the re-read forecast, and how well the
recommender finds the papers the user liked (``reader eval``), drawn as charts.

Reading stats and the forecast are quick queries on the UI thread. The evaluation ranks
the catalog once per liked paper (a second or more, minutes if the recommender's features
must be built first), so it runs in a thread worker on the suggestions connection.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import Header, Static

from reader.service import ReadingStats, ServiceError, StoreError

from ..widgets.charts import BarChart, ColumnChart
from ..widgets.footer import KeysFooter
from .base import ReaderScreen

WEEKS = 12
FORECAST_DAYS = 30
NARROW = 110
"""Below this width the panels stack in one column."""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def totals_text(stats: ReadingStats) -> Text:
    """ "52 papers · 3 read · 2 rated · 1 note"."""
    text = Text()
    for n, word in (
        (stats.total, "paper" if stats.total == 1 else "papers"),
        (stats.read, "read"),
        (stats.rated, "rated"),
        (stats.notes, "note" if stats.notes == 1 else "notes"),
    ):
        if text:
            text.append("  ·  ", style="dim")
        text.append(f"{n:,}", style="bold")
        text.append(f" {word}")
    return text


class StatsScreen(ReaderScreen):
    HELP_TITLE = "Stats"
    BINDINGS = [
        Binding(
            "e",
            "evaluate",
            "Evaluate",
            tooltip="Measure the recommender again on your liked papers",
            id="stats-eval",
        ),
        Binding(
            "p",
            "profile",
            "Profile",
            tooltip="What suggestions learn from: terms, interests, steering, ratings (to edit)",
            id="stats-profile",
        ),
        Binding(
            "ctrl+r", "refresh", "Reload", show=False, tooltip="Reload the stats", id="stats-reload"
        ),
    ]

    def action_profile(self) -> None:
        from .profile import ProfileScreen

        self.app.push_screen(ProfileScreen())

    def __init__(self) -> None:
        super().__init__()
        self.stats: ReadingStats | None = None
        self.evaluating = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(id="stats-totals", markup=False)
            with Horizontal(classes="stats-row"):
                with Vertical(classes="panel", id="weekly-panel"):
                    yield ColumnChart(id="weekly", style="green")
                with Vertical(classes="panel", id="ratings-panel"):
                    yield BarChart(id="ratings", style="yellow")
            with Horizontal(classes="stats-row"):
                with Vertical(classes="panel", id="forecast-panel"):
                    yield ColumnChart(id="forecast", style="cyan")
                with Vertical(classes="panel", id="eval-panel"):
                    yield BarChart(id="eval", style="magenta")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.query_one("#weekly-panel").border_title = f"Papers read per week (last {WEEKS})"
        self.query_one("#ratings-panel").border_title = "Ratings"
        self.query_one("#forecast-panel").border_title = f"Re-reads due, next {FORECAST_DAYS} days"
        self.query_one("#eval-panel").border_title = "Recommender quality"
        self._narrow(self.app.size.width)
        self.action_refresh()
        self.action_evaluate()

    def on_screen_resume(self) -> None:
        if self.stats is not None:
            rated = self.stats.ratings
            self.action_refresh()
            if self.stats.ratings != rated:
                # Measured on the ratings as they were: a rating given since left the panel
                # showing the old numbers (0.38 in the app, 0.81 from `reader eval`).
                self.action_evaluate()

    def on_resize(self, event: Resize) -> None:
        self._narrow(event.size.width)

    def _narrow(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")

    # Reading and re-reads -------------------------------------------------------------

    def action_refresh(self) -> None:
        stats = self.reader.attempt("load the stats", self.service.reading_stats, weeks=WEEKS)
        if stats is not None:
            self.stats = stats
            self.query_one("#stats-totals", Static).update(totals_text(stats))
            weekly = self.query_one("#weekly", ColumnChart)
            weekly.show([n for _, n in stats.weeks], [f"{d:%d %b}" for d, _ in stats.weeks])
            self.query_one(
                "#weekly-panel"
            ).border_subtitle = f"{sum(n for _, n in stats.weeks)} in {WEEKS} weeks"
            self._show_ratings(stats)
        forecast = self.reader.attempt("load the forecast", self.service.forecast, FORECAST_DAYS)
        if forecast is not None:
            labels = [f"{d:%d %b}" if i % 7 == 0 else "" for i, (d, _) in enumerate(forecast)]
            self.query_one("#forecast", ColumnChart).show([n for _, n in forecast], labels)
            self.query_one(
                "#forecast-panel"
            ).border_subtitle = f"{sum(n for _, n in forecast)} in all"

    def _show_ratings(self, stats: ReadingStats) -> None:
        chart = self.query_one("#ratings", BarChart)
        if not stats.rated:
            chart.show([], after=Text("No ratings yet: rate papers 1-5 on a paper's page.", "dim"))
            return
        counts = [stats.ratings.get(stars, 0) for stars in range(5, 0, -1)]
        chart.show(
            [("★" * (5 - k), float(n), f"{n:,}") for k, n in enumerate(counts)],
        )

    # Recommender quality --------------------------------------------------------------

    def action_evaluate(self) -> None:
        if self.evaluating:
            return
        self.evaluating = True
        self.query_one("#eval", BarChart).show(
            [], after=Text("Evaluating the recommender on your liked papers…", style="dim italic")
        )
        self._evaluate()

    @work(thread=True, exclusive=True, group="stats-eval", exit_on_error=False)
    def _evaluate(self) -> None:
        reader = self.reader
        try:
            with reader.suggester() as service:
                report = service.evaluate()
        except ServiceError as error:  # too few liked papers: say what to do
            reader.call_from_thread(self._eval_message, str(error), False)
            return
        except (StoreError, ValueError) as error:
            reader.call_from_thread(self._eval_message, str(error), True)
            return
        reader.call_from_thread(self._eval_done, report)

    def _eval_message(self, message: str, failed: bool) -> None:
        self.evaluating = False
        if failed:
            self.notify(message, title="Could not evaluate", severity="error", markup=False)
        text = Text(message[:1].upper() + message[1:], style="italic")
        text.append("\n\nPress e to try again.", style="dim")
        self.query_one("#eval", BarChart).show([], after=text)

    def _eval_done(self, report) -> None:  # type: ignore[no-untyped-def]
        self.evaluating = False
        rows = [
            ("hit rate @10", report.hit_rate_10, f"{report.hit_rate_10:.0%}"),
            ("hit rate @50", report.hit_rate_50, f"{report.hit_rate_50:.0%}"),
            ("MRR", report.mrr, f"{report.mrr:.2f}"),
        ]
        median = "–" if math.isnan(report.median_rank) else f"{report.median_rank:g}"
        text = Text(f"median rank {median}", style="bold")
        text.append(f" · {_plural(report.n, 'liked paper')} hidden one at a time\n")
        text.append(
            "How often a paper you rated 4-5★, hidden from the recommender, comes back "
            "in its top 10 / top 50 of the papers you have not rated.",
            style="dim",
        )
        self.query_one("#eval", BarChart).show(rows, top=1.0, after=text)
