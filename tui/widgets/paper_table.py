"""The library's table: a DataTable whose Home/End go to the first/last row."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class PaperTable(DataTable[object]):
    """Rows are papers; there are few columns, so Home and End move between rows (the
    DataTable default moves between columns), which also pulls in the next page."""

    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]
