"""Library: every paper in a table, sortable, filterable, searchable as you type.

The table holds only what has been scrolled to: pages of ``PAGE`` rows are fetched from the
service as the cursor nears the end, so 100,000 papers cost no more than 200 to open. A
search is the same one call (``service.papers(query=..., sort=...)`` and ``count``), so
search hits page, filter and sort in the store like the whole library does. Pages run in
a thread worker on the app's second connection; a newer query makes an older one's result
be dropped (the ``_generation`` counter).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import DataTable, Header, Input, Static

from reader.models import Paper, PaperQuery, Status
from reader.service import StoreError
from reader.units import plural

from ..modals.filter import Filters, FilterScreen
from ..text import short, short_stars
from ..widgets.footer import KeysFooter
from ..widgets.paper_detail import PaperDetail
from ..widgets.paper_table import PaperTable
from .base import ReaderScreen, list_bindings, rating_bindings, steer_bindings, undo_binding

PAGE = 200
"""Rows fetched at a time while scrolling."""
PREFETCH = 40
"""Fetch the next page when the cursor is this close to the last loaded row."""
NARROW = 140
"""Below this width the detail pane starts hidden (d shows it anyway)."""

# (column key, label, fixed width or None for "the rest", the service's sort key or None)
COLUMNS: list[tuple[str, str, int | None, str | None]] = [
    ("title", "Title", None, "title"),
    ("authors", "Authors", 16, None),
    ("year", "Year", 4, "year"),
    ("status", "Status", 7, "status"),
    ("stars", "Stars", 5, "stars"),
    ("tags", "Tags", 12, None),
]
SORTS: list[tuple[str, str]] = [
    ("id", "added"),
    ("title", "title"),
    ("year", "year"),
    ("status", "status"),
    ("stars", "stars"),
]
SORT_NAMES = dict(SORTS)


@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "id"
    descending: bool = False


def service_sort(query: Query) -> str:
    """The service's sort key: a search in the default order is ranked best match first."""
    return "relevance" if query.sort == "id" and query.text.strip() else query.sort


def row_cells(paper: Paper) -> list[Text]:
    """Table cells: outside text made safe and kept to one line."""

    def cell(value: str) -> Text:
        return Text(short(value, 300), no_wrap=True, overflow="ellipsis")

    return [
        cell(paper.title),
        cell(", ".join(paper.authors)),
        Text(str(paper.year or "")),
        Text(paper.status.value),
        Text(short_stars(paper.stars), style="yellow"),
        cell(" ".join(paper.tags)),
    ]


class LibraryScreen(ReaderScreen):
    CHANGES_DATA = frozenset({"rate", "undo", "steer"})
    HELP_TITLE = "Library"
    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search title, abstract, authors, notes",
            id="lib-search",
        ),
        Binding(
            "escape",
            "leave_field",
            "Leave search",
            tooltip="Clear the search and leave the box (Enter or Down: keep it, go to the list)",
            id="lib-leave",
        ),
        Binding("enter", "open", "Open", tooltip="Open the highlighted paper", id="lib-open"),
        Binding(
            "f", "filter", "Filter", tooltip="Filter by status, tag and stars", id="lib-filter"
        ),
        Binding("x", "clear", "Clear", tooltip="Clear the search and the filters", id="lib-clear"),
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column", id="lib-sort"),
        Binding(
            "S",
            "reverse_sort",
            "Reverse",
            show=False,
            tooltip="Reverse the sort order",
            id="lib-reverse",
        ),
        Binding(
            "d",
            "toggle_detail",
            "Details",
            show=False,
            tooltip="Show or hide the detail pane",
            id="lib-detail",
        ),
        *rating_bindings(
            "lib",
            rate_tip="Rate the highlighted paper 1-5 stars",
            clear_tip="Clear the highlighted paper's rating",
        ),
        *steer_bindings("lib"),
        undo_binding("lib"),
        *list_bindings("lib"),
        Binding(
            "ctrl+r",
            "refresh",
            "Reload",
            show=False,
            tooltip="Reload from the database",
            id="lib-refresh",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = Query()
        self._generation = 0
        self._loaded = 0
        self._total: int | None = None
        self._loading = False
        self._papers: dict[int, Paper] = {}
        self._order: list[int] = []
        self._opened: int | None = None
        self._detail_wanted: bool | None = None
        """The detail pane as the user set it with d; None: shown when wide enough."""
        self._papers_generation = 0
        self._read_version: int | None = None
        """The database's ``data_version`` when the list was read (see ``_check_current``)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library-bar"):
            yield Input(placeholder="Search papers and notes  ( / )", id="search")
            yield Static("", id="library-count", markup=False)
        with Horizontal(id="library"):
            yield PaperTable(id="papers", cursor_type="row", zebra_stripes=True)
            yield PaperDetail(id="detail")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if self.reader.closing:  # mounted ahead (ReaderApp.warm_up) as the app closes
            return
        self.sub_title = "Library"
        self._papers_generation = self.reader.papers_generation
        self.query_one("#search", Input).cursor_blink = self.reader.cursor_blink
        self._build_columns(self.app.size.width)
        self._reload()
        self.query_one("#papers", DataTable).focus()

    # Layout ---------------------------------------------------------------------------

    def _widths(self, width: int) -> dict[str, int]:
        """Fixed columns get their width (authors and tags shrink in a small terminal);
        the title takes the rest."""
        widths = {key: w for key, _, w, _ in COLUMNS if w}
        if width < 100:
            widths.update(authors=10, tags=8)
        for key, label, _, sort in COLUMNS:
            if sort is not None and key in widths:  # room for the sort arrow: "Year ▼"
                widths[key] = max(widths[key], len(label) + 2)
        table_width = width * 3 // 5 if self._detail_visible(width) else width
        fixed = sum(widths.values()) + 2 * len(COLUMNS) + 2
        widths["title"] = max(20, table_width - fixed)
        return widths

    def _detail_visible(self, width: int) -> bool:
        if self._detail_wanted is None:
            return width >= NARROW
        return self._detail_wanted

    def _build_columns(self, width: int) -> None:
        table = self.query_one("#papers", DataTable)
        table.clear(columns=True)
        widths = self._widths(width)
        for key, label, _, _ in COLUMNS:
            table.add_column(self._label(key, label), key=key, width=widths[key])
        self.query_one("#detail").display = self._detail_visible(width)

    def _label(self, key: str, label: str) -> Text:
        q = self.query_state
        sort_key = next((s for k, _, _, s in COLUMNS if k == key), None)
        if sort_key is not None and sort_key == q.sort:
            return Text(label + (" ▼" if q.descending else " ▲"), style="bold")
        return Text(label)

    def on_resize(self, event: Resize) -> None:
        self._relayout()

    def _relayout(self) -> None:
        table = self.query_one("#papers", DataTable)
        cursor = table.cursor_row
        papers = [self._papers[i] for i in self._order]
        self._papers.clear()
        self._order.clear()
        self._build_columns(self.app.size.width)
        self._add_rows(papers)
        if self._order:
            table.move_cursor(row=min(cursor, len(self._order) - 1))

    # Loading --------------------------------------------------------------------------

    def _reload(self, keep_place: bool = False) -> None:
        """Start over with the current query: first page (or search hits) and the count.
        ``keep_place``: read again as many rows as are loaded and keep the cursor on the
        paper it is on (the list changed elsewhere, not at the user's asking)."""
        self._generation += 1
        limit = max(PAGE, self._loaded) if keep_place else PAGE
        self._loaded = 0
        self._total = None
        self._loading = True
        self._update_count()
        self._fetch(self._generation, self.query_state, 0, limit, keep_place)

    @work(thread=True, exclusive=False, group="library-load", exit_on_error=False)
    def _fetch(
        self,
        generation: int,
        query: Query,
        offset: int,
        limit: int = PAGE,
        keep_place: bool = False,
    ) -> None:
        reader = self.reader
        try:
            with reader.reads() as service:
                if generation != self._generation:
                    return  # typed on: a newer query replaces this one
                if offset == 0:  # before reading: a change made meanwhile shows next time
                    self._read_version = service.data_version()
                f = query.filters
                words = query.text if query.text.strip() else None
                selection = PaperQuery(
                    query=words,
                    status=f.status,
                    tag=f.tag,
                    stars=f.min_stars,
                    sort=service_sort(query),
                    order="desc" if query.descending else "asc",
                    limit=limit,
                    offset=offset,
                )
                papers = service.papers(selection)
                total: int | None = None
                if offset == 0:
                    total = service.count(selection)
        except StoreError as error:
            reader.call_from_thread(self._failed, generation, str(error))
            return
        reader.call_from_thread(self._apply, generation, offset, papers, total, keep_place)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._loading = False
        self.notify(message, title="Could not load papers", severity="error", markup=False)

    def _apply(
        self,
        generation: int,
        offset: int,
        papers: list[Paper],
        total: int | None,
        keep_place: bool = False,
    ) -> None:
        if generation != self._generation:
            return
        table = self.query_one("#papers", DataTable)
        before = self._selected() if offset == 0 else None
        scroll_y = table.scroll_y
        if offset == 0:
            table.clear()
            self._papers.clear()
            self._order.clear()
            self._total = total
        self._add_rows(papers)
        self._loaded = offset + len(papers)
        self._loading = False
        self._update_count()
        if offset != 0:
            return
        if keep_place and before is not None and before.id in self._papers:
            table.move_cursor(row=self._order.index(before.id), scroll=False)
            table.scroll_to(y=scroll_y, animate=False, immediate=True)
        elif before is not None and (not papers or papers[0].id != before.id):
            self.moved_under_cursor()  # a new list under the cursor: keys wait for it
        self._show_selected()

    def _add_rows(self, papers: list[Paper]) -> None:
        table = self.query_one("#papers", DataTable)
        for paper in papers:
            if paper.id in self._papers:
                continue  # pages overlap when a paper moved (e.g. re-rated while sorted by stars)
            self._papers[paper.id] = paper
            self._order.append(paper.id)
            table.add_row(*row_cells(paper), key=str(paper.id))

    def _more(self) -> None:
        """Fetch the next page when the cursor nears the end of what is loaded."""
        table = self.query_one("#papers", DataTable)
        if self._loading or self._total is None:
            return
        if self._loaded >= self._total or table.cursor_row < self._loaded - PREFETCH:
            return
        self._loading = True
        self._fetch(self._generation, self.query_state, self._loaded)

    def _update_count(self) -> None:
        q = self.query_state
        parts: list[str] = []
        if self._total is None:
            parts.append("loading…")
        elif q.text.strip():
            parts.append(f"{self._total:,} found" + (" (best first)" if q.sort == "id" else ""))
            if self._loaded < self._total:
                parts.append(f"{self._loaded:,} shown")
        else:
            shown = min(self._loaded, self._total)
            parts.append(
                f"{shown:,} of {self._total:,}"
                if shown < self._total
                else plural(self._total, "paper")
            )
        if q.filters:
            parts.append(q.filters.describe())
        if q.sort != "id" or q.descending:
            parts.append(f"by {SORT_NAMES[q.sort]} {'▼' if q.descending else '▲'}")
        self.query_one("#library-count", Static).update(" · ".join(parts))

    def _set_query(self, query: Query) -> None:
        sort_changed = (query.sort, query.descending) != (
            self.query_state.sort,
            self.query_state.descending,
        )
        self.query_state = query
        if sort_changed:
            table = self.query_one("#papers", DataTable)
            for key, label, _, _ in COLUMNS:
                table.columns[key].label = self._label(key, label)  # type: ignore[index]
            table.refresh()
        self._reload()

    # Events ---------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_query(replace(self.query_state, text=event.value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one("#papers", DataTable).focus()

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        search = self.query_one("#search", Input)
        if search.has_focus and event.key in ("escape", "down"):
            event.stop()
            # Escape cancels the search in one press: it cleared the text and stayed, so
            # "x", Escape, "t" searched for "t" where the footer had said "Leave search".
            if event.key == "escape" and search.value:
                search.value = ""
            self.query_one("#papers", DataTable).focus()

    @on(DataTable.RowHighlighted, "#papers")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()
        self._more()

    @on(DataTable.RowSelected, "#papers")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected, "#papers")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        sort = next((s for k, _, _, s in COLUMNS if k == event.column_key.value), None)
        if sort is None:
            self.notify("This column cannot be sorted; try title, year, status or stars.")
            return
        q = self.query_state
        descending = not q.descending if q.sort == sort else sort in ("stars", "year")
        self._set_query(replace(q, sort=sort, descending=descending))

    def on_screen_resume(self) -> None:
        """Back from a paper: show its new stars, status and tags; back from an import:
        load the list again."""
        if self._papers_generation != self.reader.papers_generation:
            self._papers_generation = self.reader.papers_generation
            self._opened = None
            self._reload()
            return
        if self._opened is not None:
            self._refresh_row(self._opened)
            self._opened = None
        self._check_current()

    @work(thread=True, exclusive=True, group="library-check", exit_on_error=False)
    def _check_current(self) -> None:
        """Read the list again, in place, if the database changed since it was read: a
        paper rated on Today, an import, the command line (the screen may have been
        mounted ahead, or shown long ago)."""
        if self._read_version is None or self._loading:
            return
        reader = self.reader
        try:
            with reader.reads() as service:
                changed = service.data_version() != self._read_version
        except StoreError:
            return
        if changed:
            reader.call_from_thread(self._reload, True)

    # Selection ------------------------------------------------------------------------

    def _selected(self) -> Paper | None:
        table = self.query_one("#papers", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._papers.get(int(key)) if key else None

    def _show_selected(self) -> None:
        detail = self.query_one(PaperDetail)
        if detail.display:
            detail.show(self._selected())

    def _refresh_row(self, paper_id: int) -> None:
        paper = self.reader.attempt("reload the paper", self.service.paper, paper_id)
        table = self.query_one("#papers", DataTable)
        if paper is None or str(paper_id) not in table.rows:
            return
        self._papers[paper_id] = paper
        for (key, _, _, _), cell in zip(COLUMNS, row_cells(paper), strict=True):
            table.update_cell(str(paper_id), key, cell)
        self._show_selected()

    # Actions --------------------------------------------------------------------------

    def action_search(self) -> None:
        # At once, not after the queued messages: what is typed next goes into the box.
        self.set_focus(self.query_one("#search", Input))

    def action_open(self) -> None:
        from .paper import PaperScreen

        paper = self._selected()
        if paper is not None:
            self._opened = paper.id
            self.app.push_screen(PaperScreen(paper.id))

    def action_filter(self) -> None:
        tags = [name for name, _ in self.reader.attempt("load tags", self.service.tags) or []]

        def chosen(filters: Filters | None) -> None:
            if filters is not None:
                self._set_query(replace(self.query_state, filters=filters))

        self.app.push_screen(FilterScreen(self.query_state.filters, tags), chosen)

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self._set_query(replace(self.query_state, text="", filters=Filters()))

    def action_cycle_sort(self) -> None:
        keys = [k for k, _ in SORTS]
        following = keys[(keys.index(self.query_state.sort) + 1) % len(keys)]
        self._set_query(replace(self.query_state, sort=following, descending=False))

    def action_reverse_sort(self) -> None:
        self._set_query(replace(self.query_state, descending=not self.query_state.descending))

    def action_toggle_detail(self) -> None:
        """Show the detail pane if it is hidden (at any width), hide it if shown."""
        self._detail_wanted = not self._detail_visible(self.app.size.width)
        self._relayout()
        self._show_selected()

    def action_refresh(self) -> None:
        self._reload()

    def action_rate(self, stars: int) -> None:
        paper = self._selected()
        if paper is None:
            return
        rated = self.reader.attempt("rate", self.service.rate, paper.id, stars or None)
        if rated is not None:
            title = short(rated.title, 50)
            self.done(f"{title}: {short_stars(rated.stars) or 'unrated'}")
            self._refresh_row(paper.id)

    def action_steer(self, direction: str) -> None:
        paper = self._selected()
        self.steer(paper.id if paper is not None else None, direction)

    def undone(self, paper_id: int) -> None:
        self._refresh_row(paper_id)

    def list_widget(self) -> DataTable:
        return self.query_one("#papers", DataTable)

    def palette_commands(self):  # type: ignore[no-untyped-def]
        yield from super().palette_commands()
        for key, name in SORTS:
            yield (
                f"Library: sort by {name}",
                "",
                lambda k=key: self._set_query(replace(self.query_state, sort=k, descending=False)),
            )
        for status in Status:
            yield (
                f"Library: show only {status.value}",
                "filter by status",
                lambda s=status: self._set_query(
                    replace(self.query_state, filters=replace(self.query_state.filters, status=s))
                ),
            )
        for n in range(0, 6):
            yield (
                f"Library: rate highlighted {n}★" if n else "Library: clear rating",
                "",
                lambda n=n: self.action_rate(n),
            )
