"""Merging duplicates keeps every user datum: ratings, statuses, notes, tags, review card
and log, feedback, suggestions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from review_helpers import review_log

from reader.cli import main
from reader.models import PaperRecord, Status
from reader.service import Service, open_service
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


# One title rule (reader.match.same_title) for import, dedupe and doctor -------------------

SEED_LIKE = PaperRecord(title="Grokking Tickets: Lottery Tickets Accelerate Grokking")
ZOTERO_LIKE = PaperRecord(
    title="Grokking tickets: lottery tickets accelerate grokking",
    authors=("Gouki Minegishi", "Yusuke Iwasawa"), year=2023, venue="arXiv",
)  # fmt: skip


def test_same_title_rule_table() -> None:
    from reader.match import key_hash, same_title, title_key

    cases = [  # (a, b, same)
        ((SEED_LIKE.title, ()), (ZOTERO_LIKE.title, ZOTERO_LIKE.authors), True),
        ((SEED_LIKE.title, ("A. Smith",)), (SEED_LIKE.title, ("B. Jones",)), False),
        ((SEED_LIKE.title, ()), (SEED_LIKE.title, ()), True),
        (("Deep Learning", ()), ("Deep learning", ("Y. LeCun",)), False),  # short title
        (("Deep Learning", ("Y. LeCun",)), ("Deep learning.", ("LeCun, Yann",)), True),
        ((SEED_LIKE.title, ()), ("Grokking Tickets", ()), False),
    ]
    for (ta, aa), (tb, ab), expected in cases:
        ka, kb = title_key(ta, aa), title_key(tb, ab)
        assert same_title(ka, kb) is expected, (ta, aa, tb, ab)
        if expected:  # the database finds candidates by hash: they must agree
            assert key_hash(ka) == key_hash(kb) != 0


def test_import_finds_the_seed_paper_without_authors(empty_service: Service) -> None:
    svc = empty_service
    [(_, seed_id)] = svc.store.ingest.ingest([SEED_LIKE], now=svc.clock())
    assert svc.store.ingest.ingest([ZOTERO_LIKE], now=svc.clock()) == [("updated", seed_id)]
    assert svc.count() == 1
    assert svc.paper(seed_id).authors == ZOTERO_LIKE.authors
    # ... and in the other order, inside one batch.
    other = PaperRecord(title="Generative Medical Segmentation", authors=("J. Huo",))
    outcomes = svc.store.ingest.ingest(
        [other, PaperRecord(title=other.title)], now=svc.clock()
    )
    assert [o for o, _ in outcomes] == ["added", "duplicate"]


def _insert_unkeyed(svc: Service, record: PaperRecord) -> int:
    """A paper row written without Ingest's duplicate rules, its title key not computed."""
    with svc.store.conn.write() as conn:
        cursor = conn.execute(
            "INSERT INTO papers (title, authors, added_at) VALUES (?, ?, ?)",
            [record.title, json.dumps(list(record.authors)), svc.clock().isoformat()],
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def test_dedupe_and_doctor_agree_on_stored_twins(empty_service: Service, db_path) -> None:
    svc = empty_service
    # Stored twice before the rule knew them (every insert now goes through Ingest, which
    # would match them): rows written directly, keys not computed yet.
    a, b = (_insert_unkeyed(svc, record) for record in (SEED_LIKE, ZOTERO_LIKE))
    findings = {f.check: f for f in svc.doctor().findings}
    assert findings["duplicates"].details == [
        f"papers {a}, {b} are the same paper (`reader dedupe --apply` merges them)"
    ]
    assert [(g.keep, g.drop) for g in svc.dedupe()] == [(a, (b,))]
    (group,) = svc.dedupe(apply=True)
    assert group.merged and svc.count() == 1
    assert svc.paper(a).authors == ZOTERO_LIKE.authors
    assert {f.check: f for f in svc.doctor().findings}["duplicates"].ok


def test_m009_recomputes_keys_of_papers_stored_before(db_path) -> None:
    import json

    from sqlite_utils import Database

    from reader.match import title_hash
    from reader.migrations import migrations
    from reader.store import open_db

    db = Database(db_path)
    migrations.apply(db, stop_before="m009_title_rule_without_authors")
    for n, record in enumerate([SEED_LIKE, ZOTERO_LIKE], start=1):
        old_key = (  # what m004-m007 stored: no key without authors
            "grokking tickets lottery tickets accelerate grokking|minegishi"
            if record.authors
            else ""
        )
        db.execute(
            "INSERT INTO papers (id, title, authors, added_at, title_key, title_hash)"
            " VALUES (?, ?, ?, '2026-01-01T00:00:00+00:00', ?, ?)",
            [n, record.title, json.dumps(list(record.authors)), old_key, title_hash(old_key)],
        )
    db.conn.commit()
    db.close()
    store = open_db(db_path)
    try:
        assert [[p.id for p in g] for g in store.merges.duplicate_groups()] == [[1, 2]]
    finally:
        store.close()


# A record that matches two stored papers that are not one work --------------------------

STUDY_BIB = """@article{s, title={A Study of Things}, author={Smith, John}, year={2020},
  journal={J. Things}, doi={10.1234/abc.def}}
"""
OTHER_BIB = """@article{o, title={Something Else Entirely, at Length}, author={Doe, Jane},
  year={2025}, eprint={2401.09999}, archivePrefix={arXiv}}
"""
BRIDGE_BIB = """% exported by a tool that pasted the wrong DOI into this entry

@article{bridge, title={Bridge entry}, author={Smith, John}, year={2020},
  doi={10.1234/abc.def}, eprint={2401.09999}, archivePrefix={arXiv}}
"""


def test_import_never_merges_two_different_papers_it_matches(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    db = ["--db", str(db_path)]
    files = {}
    for name, text in (("a.bib", STUDY_BIB), ("o.bib", OTHER_BIB), ("bridge.bib", BRIDGE_BIB)):
        files[name] = tmp_path / name
        files[name].write_text(text)
    assert main([*db, "import", str(files["a.bib"]), str(files["o.bib"])]) == 0
    svc = open_service(db_path, seed=False)
    study = svc.store.papers.lookup_ids(None, "10.1234/abc.def")
    other = svc.store.papers.lookup_ids("2401.09999", None)
    assert study is not None and other is not None
    before = svc.count()
    svc.rate(study, 5)
    svc.add_note(study, "note on the study")
    svc.rate(other, 2)
    svc.add_note(other, "note on the other")
    svc.close()
    capsys.readouterr()

    assert main([*db, "import", "--json", str(files["bridge.bib"])]) == 0

    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["conflicts"] == 1 and report["problems"] == 0
    (warning,) = report["warnings"]
    assert (warning["file"], warning["line"]) == (str(files["bridge.bib"]), 3)
    assert warning["reason"] == (
        f"'Bridge entry' matches different papers ([{study}] by DOI, [{other}] by arXiv id); "
        f"updated [{study}] only, not merged"
    )
    assert f"{files['bridge.bib']}:3: 'Bridge entry' matches different papers" in captured.err
    svc = open_service(db_path, seed=False)
    try:
        assert svc.count() == before
        assert [n.text for n in svc.notes(study)] == ["note on the study"]
        assert [n.text for n in svc.notes(other)] == ["note on the other"]
        assert (svc.paper(study).stars, svc.paper(other).stars) == (5, 2)
        assert svc.paper(study).arxiv_id is None  # the id stays with the paper holding it
        assert svc.paper(other).arxiv_id == "2401.09999"
    finally:
        svc.close()
    # The plain summary counts it too.
    assert main([*db, "import", str(files["bridge.bib"])]) == 0
    assert "1 record matched different papers (one updated, none merged)" in (
        capsys.readouterr().out
    )


def test_import_still_merges_two_stored_copies_of_one_work(empty_service: Service) -> None:
    """Stored copies the dedupe rule calls one paper (same title and first author, ids
    that do not conflict) are merged by a record that carries both their ids."""
    svc = empty_service
    a, b = two_copies(svc)
    user_data(svc, a, b)
    both = replace(PUB, arxiv_id=PRE.arxiv_id)
    conflicts: list = []
    [(outcome, paper_id)] = svc.store.ingest.ingest([both], now=svc.clock(), conflicts=conflicts)
    assert (paper_id, conflicts, svc.count()) == (a, [], 1)
    assert sorted(n.text for n in svc.notes(a)) == ["note on the paper", "note on the preprint"]
