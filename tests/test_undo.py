"""Undo (a use case): the last status change, rating, "not for me" or snooze is taken back,
leaving the rows exactly as they were before, histories and re-read cards included.
Each test works on a real database file and reads it back through a new connection."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tui_helpers import open_db

from reader.service import ServiceError


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def rows(path: Path, table: str) -> list[dict]:
    service = open_db(path, seed=False)
    try:
        return list(service.store.db[table].rows)
    finally:
        service.close()


def test_undo_a_rating_restores_the_rating_history(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(3, 2)
    before = rows(db, "rating_events")
    service.rate(3, 5)
    assert service.paper(3).stars == 5
    undone = service.undo()
    assert undone.kind == "rating" and "5★" in undone.description
    service.close()
    assert rows(db, "rating_events") == before
    again = open_db(db, seed=False)
    assert again.paper(3).stars == 2
    again.close()


def test_undo_marking_read_removes_the_event_and_the_first_re_read(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(4, 4)
    service.set_status(4, "reading")
    status_before = rows(db, "status_events")
    cards_before = rows(db, "review_cards")
    service.set_status(4, "read")
    assert service.store.reviews.card(4) is not None  # read papers get a first re-read
    service.undo()
    service.close()
    assert rows(db, "status_events") == status_before
    assert rows(db, "review_cards") == cards_before
    again = open_db(db, seed=False)
    assert again.paper(4).status.value == "reading"
    again.close()


def test_undo_marking_read_keeps_a_card_that_was_there(db: Path) -> None:
    service = open_db(db, seed=False)
    service.set_status(5, "read")
    service.set_review(5, False)  # re-reads off: kept off after an undo
    cards_before = rows(db, "review_cards")
    service.set_status(5, "reading")
    service.set_status(5, "read")
    service.undo()
    assert rows(db, "review_cards") == cards_before
    service.close()


def test_undo_dismiss_and_snooze_remove_the_feedback(db: Path) -> None:
    service = open_db(db, seed=False)
    before = rows(db, "feedback_events")
    service.dismiss(7)
    service.snooze(8, "3 days")
    assert {h.paper_id for h, _ in service.hidden()} == {7, 8}
    assert service.undo().kind == "snooze"
    assert service.undo().kind == "not_for_me"
    assert rows(db, "feedback_events") == before
    assert service.hidden() == []
    with pytest.raises(ServiceError, match="nothing to undo"):
        service.undo()
    service.close()


def test_the_log_is_shared_by_connections_newest_first(db: Path) -> None:
    """A rating made elsewhere (another connection: the CLI beside the app) after ours is
    the newest action of the shared log: undone first, then ours."""
    service = open_db(db, seed=False)
    service.rate(3, 4)
    other = open_db(db, seed=False)
    other.rate(3, 1)
    other.close()
    assert "1★" in service.undo().description
    assert service.paper(3).stars == 4
    assert "4★" in service.undo().description
    assert service.paper(3).stars is None
    service.close()


def test_undo_refuses_when_the_event_is_no_longer_the_latest(db: Path) -> None:
    """A snooze taken back in the Hidden view, then snoozed again (without the log, as an
    import would): the logged snooze is not the paper's latest; nothing changes and the
    entry leaves the log."""
    service = open_db(db, seed=False)
    service.snooze(8, "3 days")
    service.store.suggestions.add_feedback(
        8, "snooze", now=service.clock(), until=service.clock() + timedelta(days=9)
    )
    before = rows(db, "feedback_events")
    with pytest.raises(ServiceError, match="changed again since"):
        service.undo()
    assert rows(db, "feedback_events") == before
    assert service.last_undoable() is None
    service.close()


def test_undo_refuses_an_event_whose_id_went_to_another_paper(db: Path) -> None:
    """Taken back in the Hidden view, a snooze's event id is free; a later event of
    another paper may get it. Undoing the snooze must not remove that one."""
    service = open_db(db, seed=False)
    service.snooze(8, "3 days")
    service.take_back(8)
    service.opened(9)  # a mild signal, not an undoable action; may reuse the freed id
    before = rows(db, "feedback_events")
    with pytest.raises(ServiceError, match="changed again since"):
        service.undo()
    assert rows(db, "feedback_events") == before
    service.close()


def test_take_back_lists_and_forgets_dismissed_and_snoozed(db: Path) -> None:
    service = open_db(db, seed=False)
    service.dismiss(7)
    service.snooze(8)
    hidden = {h.paper_id: h.kind for h, _ in service.hidden()}
    assert hidden == {7: "not_for_me", 8: "snooze"}
    service.take_back(7)
    assert [h.paper_id for h, _ in service.hidden()] == [8]
    assert 7 not in service.store.suggestions.feedback(now=service.clock()).not_for_me
    with pytest.raises(ServiceError, match="neither dismissed nor snoozed"):
        service.take_back(7)
    service.close()


def test_undo_a_grade_puts_the_re_read_back_as_it_was(db: Path) -> None:
    """A grade could not be undone: `u` right after grading took back an older, unrelated
    change to another paper instead."""
    service = open_db(db, seed=False)
    service.set_status(15, "read")
    service.rate(11, 4)
    service.set_status(11, "read")
    service.schedule_at(11, "today")
    cards_before = rows(db, "review_cards")
    service.grade(11, "again")
    assert rows(db, "review_log") and rows(db, "review_cards") != cards_before
    undone = service.undo()
    assert undone.kind == "grade" and undone.paper_id == 11
    assert undone.description.startswith('graded the re-read of "') and "again" in (
        undone.description
    )
    assert rows(db, "review_log") == [] and rows(db, "review_cards") == cards_before
    assert [d.paper.id for d in service.due()] == [11]  # to be graded again
    assert service.paper(15).status.value == "read"  # the older change is left alone
    service.close()

