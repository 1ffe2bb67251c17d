"""Use cases over the library: papers, reading state, ratings, notes, tags, seed, backup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from reader.models import Note, Paper, RatingEvent, Status, StatusEvent
from reader.parse.tags import valid_tag
from reader.seedcatalog import seed_records
from reader.store import AddResult, Store, StoreError, utc_now
from reader.units import quoted, whole_number

Clock = Callable[[], datetime]


class ServiceError(StoreError):
    """A user mistake or an impossible request; the text is one clear line."""


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


class LibraryService:
    """The library use cases. ``clock`` is injectable so tests can fix "now"."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    # Seed catalog ---------------------------------------------------------------------

    def seed(self) -> AddResult:
        """Load the shipped seed catalog; papers already present are not added again."""
        records = seed_records()
        known = self.store.ids_with_titles(r.title for r in records)
        fresh = [r for r in records if r.title not in known]
        result = self.store.add_papers(fresh, now=self.clock())
        result.existing.extend(known.values())
        self.store.set_setting("seeded", True)
        return result

    def seed_if_new(self) -> AddResult | None:
        """A brand-new database gets the seed catalog once, on first run."""
        if self.store.get_setting("seeded") or self.store.paper_count() > 0:
            return None
        return self.seed()

    # Reading --------------------------------------------------------------------------

    def paper(self, ref: str | int) -> Paper:
        return self.store.get_paper(self.store.resolve_id(ref))

    def papers(
        self,
        *,
        query: str | None = None,
        status: str | Status | None = None,
        tag: str | None = None,
        min_stars: int | None = None,
        sort: str = "id",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Paper]:
        return self.store.list_papers(
            query=query,
            status=parse_status(status) if isinstance(status, str) else status,
            tag=tag,
            min_stars=min_stars,
            sort=sort,
            descending=descending,
            limit=limit,
            offset=offset,
        )

    def count(
        self,
        *,
        query: str | None = None,
        status: str | Status | None = None,
        tag: str | None = None,
        min_stars: int | None = None,
    ) -> int:
        return self.store.count_papers(
            query=query,
            status=parse_status(status) if isinstance(status, str) else status,
            tag=tag,
            min_stars=min_stars,
        )

    def search(self, query: str, *, limit: int = 50) -> list[Paper]:
        return self.store.search(query, limit=limit)

    def rate(self, ref: str | int, stars: str | int | None) -> Paper:
        paper_id = self.store.resolve_id(ref)
        self.store.rate(paper_id, None if stars is None else parse_stars(stars), now=self.clock())
        return self.store.get_paper(paper_id)

    def set_status(self, ref: str | int, status: str | Status) -> Paper:
        paper_id = self.store.resolve_id(ref)
        new = parse_status(status) if isinstance(status, str) else status
        self.store.set_status(paper_id, new, now=self.clock())
        return self.store.get_paper(paper_id)

    def history(self, ref: str | int) -> tuple[list[StatusEvent], list[RatingEvent]]:
        paper_id = self.store.resolve_id(ref)
        return self.store.status_history(paper_id), self.store.rating_history(paper_id)

    def notes(self, ref: str | int) -> list[Note]:
        return self.store.notes(self.store.resolve_id(ref))

    def add_note(self, ref: str | int, text: str) -> Note:
        if not text.strip():
            raise ServiceError("the note is empty; nothing saved")
        return self.store.add_note(self.store.resolve_id(ref), text, now=self.clock())

    def save_note(self, ref: str | int, note_id: int | None, text: str) -> Note | None:
        """Create or update a note from an editor; an empty new note is not created, and an
        existing note emptied by the user is deleted."""
        if note_id is None:
            return self.add_note(ref, text) if text.strip() else None
        if not text.strip():
            self.store.delete_note(note_id)
            return None
        current = self.store.get_note(note_id)
        if current.text == text:
            return current
        return self.store.update_note(note_id, text, now=self.clock())

    def delete_note(self, note_id: int) -> None:
        self.store.delete_note(note_id)

    def tag(self, ref: str | int, tags: list[str]) -> Paper:
        paper_id = self.store.resolve_id(ref)
        self.store.tag(paper_id, [_checked_tag(t) for t in tags if t.strip()] or tags)
        return self.store.get_paper(paper_id)

    def untag(self, ref: str | int, tags: list[str]) -> Paper:
        paper_id = self.store.resolve_id(ref)
        self.store.untag(paper_id, tags)
        return self.store.get_paper(paper_id)

    def rename_tag(self, old: str, new: str) -> None:
        self.store.rename_tag(old, _checked_tag(new))

    def tags(self) -> list[tuple[str, int]]:
        return self.store.all_tags()

    def backup(self, destination: Path | None = None) -> Path:
        """A consistent copy of the database; by default beside it, named by the time."""
        if destination is None:
            stamp = self.clock().strftime("%Y%m%d-%H%M%S")
            destination = self.path.parent / "backups" / f"{self.path.stem}-{stamp}.db"
        elif not destination.parent.is_dir():
            # A path the user typed: a typo should not quietly create folders.
            raise ServiceError(
                f"{destination.parent}: no such folder; create it first, or give another path"
            )
        self.store.backup(destination)
        return destination
