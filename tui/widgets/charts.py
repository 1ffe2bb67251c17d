"""Small charts drawn with block characters: columns over time, horizontal bars.

The drawing functions are pure (values in, :class:`rich.text.Text` out) and tested
directly; :class:`ColumnChart` is the widget that redraws one at its current size.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"
"""A cell filled 0/8 to 8/8 from the bottom."""
BAR = "█"
PARTIAL = " ▏▎▍▌▋▊▉"
"""A cell filled 0/8 to 7/8 from the left."""


def column_chart(
    values: Sequence[int],
    labels: Sequence[str],
    *,
    width: int,
    height: int,
    style: str = "",
    label_style: str = "dim",
) -> Text:
    """Vertical bars, one per value, ``height`` rows tall plus one row of labels.

    The left margin holds the scale (the largest value on the top row, 0 on the bottom).
    Each column gets the same width (1-4 cells, with a one-cell gap when there is room);
    a label is written under its column when it does not run into the previous label.
    """
    height = max(1, height)
    top = max(values, default=0)
    axis = len(str(top)) + 1
    n = max(1, len(values))
    step = max(1, min(5, (width - axis) // n))
    bar_width = step - 1 if step >= 2 else 1
    lines: list[Text] = []
    for row in range(height - 1, -1, -1):  # top row first
        line = Text()
        scale = str(top) if row == height - 1 else ("0" if row == 0 else "")
        line.append(scale.rjust(axis - 1) + " ", style=label_style)
        for value in values:
            eighths = round(value / top * height * 8) if top else 0
            if value and not eighths:
                eighths = 1  # a nonzero value always shows
            fill = min(8, max(0, eighths - row * 8))
            line.append(EIGHTHS[fill] * bar_width, style=style)
            line.append(" " * (step - bar_width))
        lines.append(line)
    label_line = [" "] * max(width, axis + n * step)
    end = 0
    for i, label in enumerate(labels[: len(values)]):
        start = axis + i * step
        if label and start >= end:
            for k, char in enumerate(label):
                if start + k < len(label_line):
                    label_line[start + k] = char
            end = start + len(label) + 1
    lines.append(Text("".join(label_line).rstrip()[:width], style=label_style))
    return Text("\n").join(lines)


def hbar(value: float, top: float, width: int) -> str:
    """A horizontal bar ``width`` cells long at ``top``, with eighth-cell precision."""
    if top <= 0 or width <= 0:
        return ""
    eighths = round(max(0.0, min(value, top)) / top * width * 8)
    full, rest = divmod(eighths, 8)
    return BAR * full + (PARTIAL[rest] if rest else "")


def bar_rows(
    rows: Sequence[tuple[str, float, str]],
    *,
    width: int,
    top: float | None = None,
    style: str = "",
) -> Text:
    """One horizontal bar per (label, value, shown value) row, labels aligned on the left
    and the shown value after the bar; ``top`` is the value of a full bar (default: the
    largest value)."""
    top = max((v for _, v, _ in rows), default=0.0) if top is None else top
    label_width = max((len(label) for label, _, _ in rows), default=0)
    shown_width = max((len(shown) for _, _, shown in rows), default=0)
    bar_width = max(1, width - label_width - shown_width - 3)
    out: list[Text] = []
    for label, value, shown in rows:
        line = Text(label.ljust(label_width) + " ")
        bar = hbar(value, top, bar_width)
        line.append(bar.ljust(bar_width), style=style)
        line.append(" " + shown.rjust(shown_width), style="bold")
        out.append(line)
    return Text("\n").join(out)


class ColumnChart(Widget):
    """A column chart that redraws at its own size (the last row holds the labels)."""

    DEFAULT_CSS = """
    ColumnChart {
        height: 7;
        width: 1fr;
    }
    """

    def __init__(self, *, style: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.values: list[int] = []
        self.labels: list[str] = []
        self.bar_style = style

    def show(self, values: Sequence[int], labels: Sequence[str]) -> None:
        self.values = list(values)
        self.labels = list(labels)
        self.refresh()

    def render(self) -> Text:
        if not self.values:
            return Text("")
        return column_chart(
            self.values,
            self.labels,
            width=self.size.width,
            height=max(1, self.size.height - 1),
            style=self.bar_style,
        )


class BarChart(Widget):
    """Horizontal bars (see :func:`bar_rows`) that redraw at the widget's own width, with
    optional text under them."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, style: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, float, str]] = []
        self.top: float | None = None
        self.bar_style = style
        self.after: Text | None = None

    def show(
        self,
        rows: Sequence[tuple[str, float, str]],
        *,
        top: float | None = None,
        after: Text | None = None,
    ) -> None:
        self.rows = list(rows)
        self.top = top
        self.after = after
        self.refresh(layout=True)

    def render(self) -> Text:
        text = (
            bar_rows(self.rows, width=self.size.width, top=self.top, style=self.bar_style)
            if self.rows
            else Text()
        )
        if self.after is not None:
            if self.rows:
                text.append("\n")
            text.append_text(self.after)
        return text
