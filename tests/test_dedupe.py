"""Merging duplicates keeps every user datum: ratings, statuses, notes, tags, review card
and log, feedback, suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from review_helpers import review_log

from reader.cli import main
from reader.models import PaperRecord, Status
from reader.service import Service
from reader.store import StoredSuggestion

PRE = PaperRecord(title="Deep Residual Learning", authors=("Kaiming He",), arxiv_id="1512.03385")
PUB = PaperRecord(
    title="Deep residual learning.", authors=("He, Kaiming",), doi="10.1109/cvpr.2016.90",
    venue="CVPR", year=2016,
)  # fmt: skip


def two_copies(svc: Service) -> tuple[int, int]:
    """The same paper stored twice, as editing a title can make it (storing both as they
    are would merge them at once)."""
    a = svc.store.ingest.add([PRE], now=svc.clock()).added[0]
    b = svc.store.ingest.add([replace(PUB, title="Not yet the same")], now=svc.clock()).added[0]
    with svc.store.conn.write() as conn:
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", [PUB.title, b])
    return a, b


def user_data(svc: Service, a: int, b: int) -> None:
    svc.rate(a, 3)
    svc.rate(b, 5)
    svc.set_status(a, "reading")
    svc.set_status(b, "read")
    svc.add_note(a, "note on the preprint")
    svc.add_note(b, "note on the paper")
    svc.tag(a, ["vision"])
    svc.tag(b, ["classic"])
    svc.store.suggestions.add_feedback(a, "opened", now=svc.clock())
    svc.store.suggestions.save_suggestions(
        date(2026, 3, 2), [StoredSuggestion(date(2026, 3, 2), 1, a, 0.5, "because", False)]
    )


def test_dry_run_shows_and_changes_nothing(empty_service: Service) -> None:
    a, b = two_copies(empty_service)
    groups = empty_service.dedupe()
    assert [(g.keep, g.drop, g.merged) for g in groups] == [(a, (b,), False)]
    assert empty_service.count() == 2


def test_merge_keeps_everything(empty_service: Service) -> None:
    svc = empty_service
    a, b = two_copies(svc)
    user_data(svc, a, b)
    log_b = len(review_log(svc, b))

    (group,) = svc.dedupe(apply=True)

    assert group.merged and svc.count() == 1
    paper = svc.paper(a)
    assert (paper.arxiv_id, paper.doi, paper.venue, paper.year) == (
        "1512.03385", "10.1109/cvpr.2016.90", "CVPR", 2016,
    )  # fmt: skip
    assert paper.stars == 5 and paper.status is Status.READ  # the latest of both
    statuses, ratings = svc.history(a)
    assert [r.stars for r in ratings] == [3, 5]
    assert [s.status for s in statuses] == [Status.READING, Status.READ]
    assert sorted(n.text for n in svc.notes(a)) == ["note on the paper", "note on the preprint"]
    assert set(paper.tags) == {"vision", "classic"}
    assert svc.store.suggestions.feedback(now=svc.clock()).opened == {a}
    assert svc.store.suggestions.suggestions_for(date(2026, 3, 2))[0].paper_id == a
    # b was read, so it had a review card; it moves to a.
    assert svc.store.reviews.card(a) is not None
    assert len(review_log(svc, a)) == log_b
    assert svc.search("paper")[0].id == a  # notes searchable under the kept paper


def test_card_with_more_history_wins(empty_service: Service) -> None:
    svc = empty_service
    a, b = two_copies(svc)
    svc.set_status(a, "read")
    svc.set_status(b, "read")
    svc.grade(b, "good")
    card_b = svc.store.reviews.card(b)

    svc.dedupe(apply=True)

    assert svc.store.reviews.card(a) == type(card_b)(a, card_b.enabled, card_b.due, card_b.card)
    assert len(review_log(svc, a)) == 1


def test_different_arxiv_ids_are_not_merged(empty_service: Service) -> None:
    svc = empty_service
    svc.store.ingest.add([PRE], now=svc.clock())
    svc.store.ingest.add(
        [PaperRecord(title=PRE.title, authors=PRE.authors, arxiv_id="1603.05027")], now=svc.clock()
    )
    assert svc.dedupe() == []


def test_cli_dedupe(empty_service: Service, db_path, capsys) -> None:
    a, b = two_copies(empty_service)
    empty_service.close()
    assert main(["--db", str(db_path), "dedupe"]) == 0
    assert f"would merge [{b}] into [{a}]" in capsys.readouterr().out
    assert main(["--db", str(db_path), "dedupe", "--apply"]) == 0
    assert f"merged [{b}] into [{a}]" in capsys.readouterr().out
    assert main(["--db", str(db_path), "dedupe"]) == 0
    assert "No duplicates found." in capsys.readouterr().out


def test_import_merges_preprint_into_published_and_never_duplicates(empty_service: Service) -> None:
    svc = empty_service
    out = svc.store.ingest.ingest([PUB], now=svc.clock())
    assert out[0][0] == "added"
    again = svc.store.ingest.ingest([PRE, PRE, PUB], now=svc.clock())
    assert [o for o, _ in again] == ["updated", "duplicate", "duplicate"]
    (paper,) = svc.papers()
    assert (paper.arxiv_id, paper.doi) == ("1512.03385", "10.1109/cvpr.2016.90")
    assert paper.authors == ("He, Kaiming",)  # the stored data is not overwritten
