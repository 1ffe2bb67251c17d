"""Reading a paper's re-read state straight from the store, to check what scheduling did."""

from __future__ import annotations

from reader.schedule import ReviewCard, ReviewLogEntry
from reader.service import Service


def review_card(service: Service, paper_id: int) -> ReviewCard | None:
    """The paper's schedule card, or None while it has none."""
    stored = service.store.reviews.card(paper_id)
    return ReviewCard.from_dict(stored.card) if stored is not None and stored.card else None


def review_log(service: Service, paper_id: int) -> list[ReviewLogEntry]:
    return [ReviewLogEntry.from_dict(row) for row in service.store.reviews.review_log(paper_id)]
