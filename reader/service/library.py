"""Use cases over the library: papers, reading state, ratings, notes, tags, seed, backup."""

from __future__ import annotations

from pathlib import Path

from reader.backups import BACKUP_DIR, manual_name, unused
from reader.models import EVERY_PAPER, Note, Paper, PaperQuery, RatingEvent, Status, StatusEvent
from reader.parse.tags import valid_tag
from reader.seedcatalog import seed_records
from reader.store import AddResult
from reader.units import quoted, whole_number

from .context import Context, ServiceError
from .review import Reviewing
from .undo import Undoable, UndoLog, quoted_title


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        raise ServiceError(f"unknown status {quoted(text)}; use one of: {choices}") from None


def parse_stars(value: str | int) -> int | None:
    """1-5 stars; 0 clears the rating."""
    try:
        stars = whole_number(value, low=0, high=5, what="stars")
    except ValueError as error:
        raise ServiceError(f"{error} (0 clears the rating)") from None
    return stars or None


def _checked_tag(name: str) -> str:
    """A tag the user typed, or a ServiceError saying why not (too long, empty)."""
    try:
        return valid_tag(name)
    except ValueError as error:
        raise ServiceError(str(error)) from None


def paper_query(
    *,
    query: str | None = None,
    status: str | Status | None = None,
    tag: str | None = None,
    min_stars: int | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> PaperQuery:
    """A :class:`PaperQuery` from the keywords the CLI and older callers use (a status
    may be typed text)."""
    return PaperQuery(
        query=query,
        status=parse_status(status) if isinstance(status, str) else status,
        tag=tag,
        stars=min_stars,
        sort=sort,
        order="desc" if descending else "asc",
        limit=limit,
        offset=offset,
    )


class Library:
    """Papers, reading state, ratings, notes, tags, the seed catalog and backups."""

    def __init__(self, ctx: Context, reviewing: Reviewing, undo: UndoLog | None = None) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.reviewing = reviewing
        self.undo = undo or UndoLog(ctx)
        """Ratings and status changes are recorded here for ``Undoing``."""

    # Seed catalog ---------------------------------------------------------------------

    def seed(self) -> AddResult:
        """Load the shipped seed catalog; papers already present are not added again."""
        # Through the one duplicate rule (reader.match): a seed stored bare by an older
        # catalog (no ids, no authors) is the same paper by its long title, and gets the
        # catalog's arXiv id, authors and year filled in rather than a twin.
        result = self.store.ingest.add(seed_records(), now=self.ctx.clock())
        self.store.settings.set("seeded", True)
        return result

    def seed_if_new(self) -> AddResult | None:
        """A brand-new database gets the seed catalog once, on first run."""
        if self.store.settings.get("seeded") or self.store.papers.paper_count() > 0:
            return None
        return self.seed()

    # Reading --------------------------------------------------------------------------

    def paper(self, ref: str | int) -> Paper:
        return self.store.papers.find(ref)

    def papers(self, selection: PaperQuery = EVERY_PAPER) -> list[Paper]:
        return self.store.papers.list_papers(selection)

    def count(self, selection: PaperQuery = EVERY_PAPER) -> int:
        """How many papers the selection holds on all its pages."""
        return self.store.papers.count_papers(selection)

    def search(self, query: str, *, limit: int = 50) -> list[Paper]:
        return self.store.papers.search(query, limit=limit)

    def rate(self, ref: str | int, stars: str | int | None) -> Paper:
        paper_id = self.store.papers.resolve_id(ref)
        given_stars = None if stars is None else parse_stars(stars)
        with self.store.conn.write():  # the rating and its undo entry, or neither
            event = self.store.reading.rate(paper_id, given_stars, now=self.ctx.clock())
            paper = self.store.papers.get_paper(paper_id)
            given = f"rated {paper.stars}★" if paper.stars else "cleared the rating of"
            self.undo.record(Undoable("rating", paper_id, event, f"{given} {quoted_title(paper)}"))
        return paper

    def set_status(self, ref: str | int, status: str | Status) -> Paper:
        paper_id = self.store.papers.resolve_id(ref)
        new = parse_status(status) if isinstance(status, str) else status
        with self.store.conn.write():  # the change, its re-read and its undo entry
            card_before = self.store.reviews.card(paper_id)
            event = self.store.reading.set_status(paper_id, new, now=self.ctx.clock())
            paper = self.store.papers.get_paper(paper_id)
            if paper.status is Status.READ:
                self.reviewing.schedule_after_reading(paper)
            self.undo.record(
                Undoable(
                    "status",
                    paper_id,
                    event,
                    f"marked {quoted_title(paper)} {new.value}",
                    card_before=card_before,
                    card_touched=paper.status is Status.READ,
                )
            )
        return paper

    def history(self, ref: str | int) -> tuple[list[StatusEvent], list[RatingEvent]]:
        paper_id = self.store.papers.resolve_id(ref)
        reading = self.store.reading
        return reading.status_history(paper_id), reading.rating_history(paper_id)

    def notes(self, ref: str | int) -> list[Note]:
        return self.store.reading.notes(self.store.papers.resolve_id(ref))

    def add_note(self, ref: str | int, text: str) -> Note:
        if not text.strip():
            raise ServiceError("the note is empty; nothing saved")
        return self.store.reading.add_note(
            self.store.papers.resolve_id(ref), text, now=self.ctx.clock()
        )

    def save_note(self, ref: str | int, note_id: int | None, text: str) -> Note | None:
        """Create or update a note from an editor; an empty new note is not created, and an
        existing note emptied by the user is deleted."""
        if note_id is None:
            return self.add_note(ref, text) if text.strip() else None
        if not text.strip():
            self.store.reading.delete_note(note_id)
            return None
        current = self.store.reading.get_note(note_id)
        if current.text == text:
            return current
        return self.store.reading.update_note(note_id, text, now=self.ctx.clock())

    def delete_note(self, note_id: int) -> None:
        self.store.reading.delete_note(note_id)

    def tag(self, ref: str | int, tags: list[str]) -> Paper:
        paper_id = self.store.papers.resolve_id(ref)
        self.store.tags.tag(paper_id, [_checked_tag(t) for t in tags if t.strip()] or tags)
        return self.store.papers.get_paper(paper_id)

    def untag(self, ref: str | int, tags: list[str]) -> Paper:
        paper_id = self.store.papers.resolve_id(ref)
        self.store.tags.untag(paper_id, tags)
        return self.store.papers.get_paper(paper_id)

    def rename_tag(self, old: str, new: str) -> None:
        self.store.tags.rename_tag(old, _checked_tag(new))

    def tags(self) -> list[tuple[str, int]]:
        return self.store.tags.all_tags()

    def backup(self, destination: Path | None = None) -> Path:
        """A consistent copy of the database; by default beside it, named by the time."""
        if destination is None:
            name = manual_name(self.store.path.stem, self.ctx.clock())
            destination = unused(self.store.path.parent / BACKUP_DIR / name)
        elif not destination.parent.is_dir():
            # A path the user typed: a typo should not quietly create folders.
            raise ServiceError(
                f"{destination.parent}: no such folder; create it first, or give another path"
            )
        self.store.files.backup(destination)
        return destination
