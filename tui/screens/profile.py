"""Profile: what the suggestions learn from, to see and edit (``reader interests`` in the
app): the heaviest terms of the profile with their weights, the interests, the papers
steered "more/less like this", and the papers rated liked and disliked.

Opened from Stats (``p``) or the palette. ``x`` removes the highlighted interest or
steering, ``a`` adds interests, Enter opens a paper. The terms need the recommender's
features (seconds on a new catalog), so the view is loaded by a thread worker on the
app's suggestion connection; the edits are quick calls on the UI thread.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.service import ProfileView, StoreError

from ..modals.choice import PromptScreen
from ..text import clean, short_stars
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, list_bindings, undo_binding

LOADING = "Reading your profile…"
INTEREST, STEER, PAPER = "interest:", "steer:", "paper:"


def terms_text(terms: list[tuple[str, float]]) -> Text:
    """ "causal +1.00 · inference +0.90 · ..." (the list wraps it)."""
    text = Text()
    for i, (term, weight) in enumerate(terms):
        if i:
            text.append(" · ", style="dim")
        text.append(clean(term, newlines=False))
        text.append(f" {weight:+.2f}", style="green" if weight > 0 else "red")
    return text


def _row(label: str, title: str, width: int) -> Text:
    line = Text(f"{label:<12}", style="dim")
    line.append(clean(title, newlines=False)[: width + 1])
    line.truncate(width, overflow="ellipsis")
    return line


def profile_options(profile: ProfileView, width: int) -> list[Option | None]:
    """The list's rows: headings (disabled), then the entries with ids saying what they
    are (``interest:TERM``, ``steer:ID``, ``paper:ID``)."""
    options: list[Option | None] = []

    def heading(title: str, hint: str = "") -> None:
        if options:
            options.append(None)
        text = Text(title, style="bold")
        if hint:
            text.append(f"  {hint}", style="dim italic")
        options.append(Option(text, disabled=True))

    heading("Top terms", "what lifts a paper (+) or sinks it (-), heaviest first")
    if profile.toward or profile.away:
        for terms in (profile.toward, profile.away):
            if terms:
                options.append(Option(terms_text(terms), disabled=True))
    else:
        options.append(Option(Text("none yet: nothing to learn from", "dim"), disabled=True))
    heading(
        f"Interests ({len(profile.interests)})",
        "a: add · x: remove"
        + (" · not matched: too few papers use its words" if profile.unmatched else ""),
    )
    for term in profile.interests:
        # An interest with no term to rank by adds nothing yet: say so where it is listed.
        label = "not matched" if term in profile.unmatched else "interest"
        options.append(Option(_row(label, term, width), id=INTEREST + term))
    heading(f"More / less like this ({len(profile.steering)})", "x: remove · > < on any paper")
    for s in profile.steering:
        line = _row(f"{s.direction} like", s.paper.title, width)
        options.append(Option(line, id=STEER + str(s.paper.id)))
    heading(f"Liked ({len(profile.liked)})", "rated 4-5★")
    for p in profile.liked:
        options.append(Option(_row(short_stars(p.stars), p.title, width), id=PAPER + str(p.id)))
    heading(f"Disliked ({len(profile.disliked)})", "rated 1-2★")
    for p in profile.disliked:
        options.append(Option(_row(short_stars(p.stars), p.title, width), id=PAPER + str(p.id)))
    if profile.not_for_me:
        heading(f"Not for me: {profile.not_for_me}", "on Today, h lists them")
    return options


class ProfileScreen(ReaderScreen):
    HELP_TITLE = "Profile"
    CHANGES_DATA = frozenset({"remove", "undo"})
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back", id="profile-back"),
        Binding("enter", "open", "Open", tooltip="Open the highlighted paper", id="profile-open"),
        Binding(
            "x",
            "remove",
            "Remove",
            tooltip="Remove the highlighted interest or steering",
            id="profile-remove",
        ),
        Binding("a", "add_interests", "Add interest", tooltip="Add interests", id="profile-add"),
        undo_binding("profile"),
        *list_bindings("profile"),
        Binding(
            "ctrl+r", "refresh", "Reload", show=False, tooltip="Read it again", id="profile-reload"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.profile: ProfileView | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="profile"):
            yield Static(
                "What your suggestions learn from: remove what no longer fits.",
                id="profile-title",
                markup=False,
            )
            yield Static(LOADING, id="profile-loading", markup=False)
            yield OptionList(id="profile-list", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Profile"
        self.query_one("#profile-list").display = False
        self.call_after_refresh(self._load)

    def on_screen_resume(self) -> None:
        if self._resumed:
            self._load()  # back from a paper: its rating may have changed
        self._resumed = True

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def _load(self) -> None:
        reader = self.reader
        try:
            with reader.suggester() as service:
                profile = service.profile()
        except StoreError as error:
            reader.call_from_thread(self._failed, str(error))
            return
        reader.call_from_thread(self._ready, profile)

    def _failed(self, message: str) -> None:
        self.query_one("#profile-loading", Static).update(message)
        self.notify(message, title="Could not read the profile", severity="error", markup=False)

    def _ready(self, profile: ProfileView) -> None:
        self.profile = profile
        self._show()

    def _show(self) -> None:
        if self.profile is None or not self.is_attached:
            return
        listing = self.query_one("#profile-list", OptionList)
        before = listing.highlighted_option.id if listing.highlighted_option else None
        row = listing.highlighted or 0
        width = max(20, (listing.size.width or self.app.size.width - 2) - 6)
        options = profile_options(self.profile, width)
        listing.clear_options()
        listing.add_options(options)
        self.query_one("#profile-loading").display = False
        listing.display = True
        ids = [o.id for o in options if o is not None and o.id is not None]
        if ids:
            if before in ids:
                listing.highlighted = listing.get_option_index(before)
            else:
                # What was removed leaves its neighbour under the cursor (the first row,
                # an interest, took it: a second x removed that).
                shown = (listing.get_option_at_index(n) for n in range(listing.option_count))
                usable = [n for n, o in enumerate(shown) if o.id and not o.disabled]
                after = [n for n in usable if n >= row]
                listing.highlighted = after[0] if after else usable[-1]
            if before is not None and before not in ids:
                self.moved_under_cursor()
        listing.focus()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self._show()

    def _selected(self) -> str | None:
        option = self.query_one("#profile-list", OptionList).highlighted_option
        return option.id if option is not None and not option.disabled else None

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        selected = self._selected() or ""
        if action == "remove":
            return selected.startswith((INTEREST, STEER))
        if action == "open":
            return selected.startswith((STEER, PAPER))
        return True

    @on(OptionList.OptionHighlighted, "#profile-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#profile-list")
    def _chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from .paper import PaperScreen

        selected = self._selected() or ""
        if selected.startswith((STEER, PAPER)):
            self.app.push_screen(PaperScreen(int(selected.partition(":")[2])))

    def action_remove(self) -> None:
        selected = self._selected() or ""
        kind, _, value = selected.partition(":")
        if kind + ":" == INTEREST:
            if self.reader.attempt("remove", self.service.remove_interests, [value]) is not None:
                self.notify(f"Interest removed: {value}  (a: add it again)", markup=False)
                self._load()
        elif kind + ":" == STEER:
            if self.reader.attempt("remove", self.service.steer, int(value), None) is not None:
                self.done("Steering taken off")
                self._load()

    def action_add_interests(self) -> None:
        def chosen(text: str | None) -> None:
            terms = [" ".join(t.split()) for t in (text or "").split(",") if t.strip()]
            before = set(self.reader.attempt("load interests", self.service.interests) or [])
            after = self.reader.attempt("add", self.service.add_interests, terms) if terms else None
            if after:
                # Said as stored, and only those that are new: it listed what was there.
                new = [t for t in after if t not in before]
                said = "Interests added: " + ", ".join(new) if new else "Already your interests"
                self.notify(said, markup=False)
                self.reader.warn_unmatched_interests(new)
                self._load()

        self.app.push_screen(
            PromptScreen("Add interests (comma separated)", "causal inference, robotics"),
            chosen,
        )

    def action_refresh(self) -> None:
        self._load()

    def undone(self, paper_id: int) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def list_widget(self) -> OptionList:
        return self.query_one("#profile-list", OptionList)
