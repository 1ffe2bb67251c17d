"""Daily suggestions through the service and the CLI, on the seed catalog in a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.models import PaperRecord
from reader.service import Service, ServiceError, open_service
from tests.conftest import TickingClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GROKKING = [17, 20, 25]  # the seed catalog's grokking papers (ids follow the page order)


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(START)


def test_seed_ids_used_here_are_the_grokking_papers(svc: Service) -> None:
    assert all("grokking" in svc.paper(i).title.lower() for i in GROKKING)


def test_cold_start_offers_papers_to_rate(svc: Service) -> None:
    today = svc.today()
    assert today.cold_start and today.suggestions == []
    ids = [p.id for p in today.starters]
    assert len(ids) == 5 and len(set(ids)) == 5


def test_not_for_me_alone_keeps_the_cold_start_list(svc: Service) -> None:
    """A new user's first "not for me" left Today empty: a dislike made the user no longer
    cold, yet there was nothing liked to rank by, so neither starters nor picks came."""
    first = svc.today()
    dismissed = first.starters[0].id
    svc.dismiss(dismissed)
    after = svc.today()
    assert after.cold_start and after.suggestions == []
    ids = [p.id for p in after.starters]
    assert len(ids) == 5 and dismissed not in ids


def test_saved_today_is_the_list_made_today_and_nothing_before(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    assert svc.saved_today() is None  # not made yet today: no recommender work here
    made = svc.today()
    assert made.suggestions
    saved = svc.saved_today()
    assert saved is not None
    assert [s.paper.id for s in saved.suggestions] == [s.paper.id for s in made.suggestions]
    svc.dismiss(made.suggestions[0].paper.id)  # acted on since: drops out of both
    again = svc.saved_today()
    assert again is not None
    # today() tops the list up after its last pick (the refill); what was stored comes first
    # and in the same order, so the quick first paint does not move when the refill arrives.
    refilled = [s.paper.id for s in svc.today().suggestions]
    shown = [s.paper.id for s in again.suggestions]
    assert refilled[: len(shown)] == shown and len(refilled) == len(made.suggestions)
    assert made.suggestions[0].paper.id not in {s.paper.id for s in again.suggestions}


def test_interests_alone_give_suggestions(svc: Service) -> None:
    svc.add_interests(["grokking"])
    today = svc.today()
    assert not today.cold_start
    assert today.suggestions and all(s.reason for s in today.suggestions)
    assert today.suggestions[0].paper.id in GROKKING


def test_interests_no_paper_matches_leave_the_user_at_a_cold_start(svc: Service) -> None:
    """Interests whose words no paper uses gave an empty Today that said "everything close
    to your taste is rated, read or dismissed" to a user who had rated nothing."""
    svc.add_interests(["quantum gravity"])
    today = svc.today()
    assert today.cold_start and len(today.starters) == 5
    assert today.unmatched_interests == ("quantum gravity",)
    assert svc.unmatched_interests() == ["quantum gravity"]
    assert svc.profile().unmatched == ["quantum gravity"]
    svc.add_interests(["grokking"])  # one that matches: suggestions, no longer cold
    today = svc.today()
    assert not today.cold_start and today.suggestions and not today.unmatched_interests
    assert svc.unmatched_interests() == ["quantum gravity"]


def test_cli_says_which_interests_match_no_paper(db_path: Path, clock: TickingClock) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["--db", str(db_path), "interests", "quantum gravity", "grokking"])
    assert added.exit_code == 0, added.output
    assert "Too few papers here use the words of 'quantum gravity' to rank by" in added.output
    assert "'grokking'" not in added.output
    removed = runner.invoke(cli, ["--db", str(db_path), "interests", "--remove", "grokking"])
    assert removed.exit_code == 0 and "Too few papers" not in removed.output
    today = runner.invoke(cli, ["--db", str(db_path), "suggest"])
    assert today.exit_code == 0, today.output
    lines = today.output.splitlines()
    assert lines[0].startswith("Too few papers here use the words of 'quantum gravity' to rank by")
    assert lines[1].startswith("Nothing liked yet")
    assert "No suggestions left today" not in today.output
    as_json = json.loads(runner.invoke(cli, ["--db", str(db_path), "suggest", "--json"]).output)
    assert as_json["cold_start"] and as_json["unmatched_interests"] == ["quantum gravity"]
    listing = runner.invoke(cli, ["--db", str(db_path), "interests"])
    assert "Too few papers here use the words of 'quantum gravity' to rank by" in listing.output
    # One seed paper has "lottery tickets": too few for a term, and search finds it as said.
    rare = runner.invoke(cli, ["--db", str(db_path), "interests", "lottery tickets"])
    assert "Too few papers here use the words of 'lottery tickets'" in rare.output
    found = runner.invoke(cli, ["--db", str(db_path), "search", "lottery tickets"])
    assert "Grokking Tickets" in found.output


def test_suggestions_follow_ratings_and_never_repeat_rated(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    svc.rate(GROKKING[1], 5)
    svc.rate(1, 1)
    today = svc.today()
    ids = [s.paper.id for s in today.suggestions]
    assert GROKKING[2] in ids[:2]
    assert not {GROKKING[0], GROKKING[1], 1} & set(ids)
    assert len(ids) == len(set(ids)) == 5
    assert all(s.reason for s in today.suggestions)


def test_the_days_picks_are_never_a_copy_of_a_liked_paper(
    svc: Service, clock: TickingClock
) -> None:
    """The inbox's ranking had no copy test: a copy of a 4-star paper (another arXiv id,
    the same title, authors and abstract) was the day's top pick, "Like" itself."""
    svc.rate(GROKKING[0], 5)
    svc.rate(GROKKING[1], 4)
    liked = svc.paper(GROKKING[1])
    copy = PaperRecord(
        title=liked.title, abstract=liked.abstract, authors=liked.authors, arxiv_id="2612.00120"
    )
    ((_, copy_id),) = svc.store.ingest.ingest([copy], now=clock())
    ranked = svc.suggesting.rank_papers([copy_id, GROKKING[2], 5, 6])
    picks = [r.paper_id for r in ranked if r.for_you]
    assert copy_id not in picks and GROKKING[2] in picks


BIOLOGY = [
    "Kin selection and the evolution of altruism in social insects",
    "Reciprocal altruism among unrelated primates",
    "Inclusive fitness theory and field data from cooperative birds",
    "Parent-offspring conflict over parental investment",
    "The evolution of cooperation under group selection",
    "Sex ratio theory in haplodiploid insects",
]


def test_an_imported_library_is_indexed_with_its_own_words(svc: Service) -> None:
    """The index of the 52 seed papers, extended by a library twice its size, gave the
    library's papers rows in the seed papers' vocabulary only (recall@50 .10 against .24 on
    citeulike-a): past twice the papers it was fitted on, the index is built again."""
    seeded = svc.features()
    assert seeded.fitted_on == 52 and "altruism" not in seeded.vocabulary
    svc.store.ingest.ingest([PaperRecord(title=t) for t in BIOLOGY[:2]], now=svc.clock())
    added = svc.features()
    assert added.fitted_on == 52 and len(added) == 54  # a few papers: added to it
    records = [PaperRecord(title=f"{t}, study {k}") for k in range(9) for t in BIOLOGY]
    svc.store.ingest.ingest(records, now=svc.clock())
    svc.suggesting.forget_features()  # as after a restart: only the database cache is left
    rebuilt = svc.features()
    assert rebuilt.fitted_on == len(rebuilt) == 52 + 2 + 54
    assert "altruism" in rebuilt.vocabulary
    row = rebuilt.row_of(max(int(i) for i in rebuilt.ids))
    assert row is not None and rebuilt.matrix[row].nnz >= 4
    svc.suggesting.forget_features()
    assert svc.features().fitted_on == len(rebuilt)  # the rebuilt index is what was saved


def test_a_catalog_past_the_vocabulary_sample_learns_its_newest_words(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``VOCAB_SAMPLE`` papers (30,000; 52 here) the index took its words from the
    oldest papers and was never built again: a field's new words stayed out for good. Now
    ``REFIT_NEW`` arrivals (26 here) bring a rebuild whose words come from the newest."""
    import reader.recommend.features as features_module

    monkeypatch.setattr(features_module, "VOCAB_SAMPLE", 52)
    monkeypatch.setattr(features_module, "REFIT_NEW", 26)
    seeded = svc.features()
    assert seeded.fitted_on == 52 and "altruism" not in seeded.vocabulary
    records = [PaperRecord(title=f"{t}, study {k}") for k in range(5) for t in BIOLOGY]
    svc.store.ingest.ingest(records[:20], now=svc.clock())
    assert svc.features().fitted_on == 52  # 20 arrivals: added to the index
    svc.store.ingest.ingest(records[20:], now=svc.clock())
    rebuilt = svc.features()
    assert rebuilt.fitted_on == len(rebuilt) == 52 + 30
    assert "altruism" in rebuilt.vocabulary


def test_the_next_part_of_a_liked_paper_is_suggested_and_its_copy_is_not(svc: Service) -> None:
    """Title-only entries (a BibTeX import) alike in every word: Part II of a liked paper was
    hidden as its copy; the store's titles now tell the next part from the same work."""
    part = "The genetical evolution of social behaviour"
    added = svc.store.ingest.ingest(
        [
            PaperRecord(title=f"{part}. I", authors=["W. D. Hamilton"]),
            PaperRecord(title=f"{part}. II", authors=["W. D. Hamilton"]),
            PaperRecord(title=part.removeprefix("The ") + ", I"),  # Part I entered again
        ],
        now=svc.clock(),
    )
    first, second, copy = (pid for _, pid in added)
    assert len({first, second, copy}) == 3  # three entries: the importer kept them apart
    svc.rate(first, 5)
    ids = [s.paper.id for s in svc.today().suggestions]
    assert second in ids
    assert copy not in ids


def test_list_is_stable_for_the_day_across_restarts(db_path: Path, clock: TickingClock) -> None:
    first = open_service(db_path, clock=clock, tz=UTC)
    first.rate(GROKKING[0], 5)
    before = [s.paper.id for s in first.today().suggestions]
    first.close()
    again = open_service(db_path, clock=clock, tz=UTC)
    again.rate(2, 4)  # new ratings do not reshuffle today's list...
    after = [s.paper.id for s in again.today().suggestions]
    assert after == [i for i in before if i != 2]
    assert [s.paper.id for s in again.today(refresh=True).suggestions] != []  # ...refresh does
    again.close()


def test_dismissed_and_snoozed_papers_leave_and_snooze_ends(
    svc: Service, clock: TickingClock
) -> None:
    svc.rate(GROKKING[0], 5)
    first, second = [s.paper.id for s in svc.today().suggestions][:2]
    svc.dismiss(first)
    svc.snooze(second, "1 week")
    ids = [s.paper.id for s in svc.today(refresh=True).suggestions]
    assert first not in ids and second not in ids
    clock.now += timedelta(days=8)
    ids = [s.paper.id for s in svc.today(refresh=True).suggestions]
    assert first not in ids and second in ids
    with pytest.raises(ServiceError, match="did not understand"):
        svc.snooze(second, "forever and ever")


def test_feature_cache_is_kept_and_extended_when_papers_are_added(svc: Service) -> None:
    features = svc.features()
    assert len(features.ids) == 52
    version, _ = svc.store.suggestions.cached_features("catalog")
    svc.store.ingest.add(
        [PaperRecord(title="Grokking modular arithmetic, again", abstract="A new grokking study.")],
        now=svc.clock(),
    )
    svc.suggesting.forget_features()  # as after a restart: only the database cache is left
    grown = svc.features()
    assert len(grown.ids) == 53
    assert svc.store.suggestions.cached_features("catalog")[0] != version


def test_an_index_in_an_older_format_is_rebuilt_once_and_replaced(
    svc: Service, db_path: Path
) -> None:
    """An upgrade that changes the index format (here: a file stamped with the previous
    format) rebuilds it on the next use, with progress, and saves the new one, so the
    start after that reads it back instead of rebuilding again."""
    import io

    import numpy as np

    from reader.recommend import Features
    from reader.recommend.features import FORMAT

    svc.features()
    (path,) = db_path.parent.glob("reader.catalog-*.features")
    old = dict(np.load(io.BytesIO(path.read_bytes())))
    old["format"] = np.array([FORMAT - 1])
    with open(path, "wb") as stream:
        np.savez(stream, **old)
    svc.suggesting.forget_features()  # a restart after the upgrade
    seen: list[tuple[int, int | None]] = []
    rebuilt = svc.suggesting.features(progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == len(rebuilt.ids) == 52
    (path,) = db_path.parent.glob("reader.catalog-*.features")
    with open(path, "rb") as stream:
        assert Features.load(stream).version == rebuilt.version  # the current format now
    svc.suggesting.forget_features()
    again: list[tuple[int, int | None]] = []
    assert len(svc.suggesting.features(progress=lambda d, t: again.append((d, t))).ids) == 52
    assert again == []  # read back, not built


def test_eval_needs_likes_then_reports(svc: Service) -> None:
    with pytest.raises(ServiceError, match="at least two"):
        svc.evaluate()
    for paper_id in GROKKING:
        svc.rate(paper_id, 5)
    report = svc.evaluate()
    assert report.n == 3


def test_cli_suggest_dismiss_interests(db_path: Path, clock: TickingClock) -> None:
    def run(*args: str):
        return CliRunner().invoke(
            cli, ["--db", str(db_path), *args], obj={"clock": clock, "tz": UTC}
        )

    cold = run("suggest")
    assert cold.exit_code == 0 and "Nothing liked yet" in cold.output
    assert run("interests", "grokking", "lottery tickets").exit_code == 0
    shown = json.loads(run("suggest", "--json").output)
    assert shown["suggestions"] and all(s["reason"] for s in shown["suggestions"])
    top = shown["suggestions"][0]["id"]
    assert run("dismiss", str(top)).exit_code == 0
    again = json.loads(run("suggest", "--json").output)
    assert top not in [s["id"] for s in again["suggestions"]]
    profile = json.loads(run("interests", "--json").output)
    assert profile["interests"] == ["grokking", "lottery tickets"]


def test_starting_a_paper_is_a_mild_positive(svc: Service) -> None:
    svc.set_status(GROKKING[0], "reading")
    today = svc.today()
    assert not today.cold_start
    ids = [s.paper.id for s in today.suggestions]
    assert GROKKING[0] not in ids and {GROKKING[1], GROKKING[2]} & set(ids[:3])


def test_features_live_in_one_file_beside_the_database(svc: Service, db_path: Path) -> None:
    svc.features()
    files = list(db_path.parent.glob("reader.catalog-*.features"))
    assert len(files) == 1
    svc.store.ingest.add([PaperRecord(title="Another paper")], now=svc.clock())
    svc.features(rebuild=True)
    newer = list(db_path.parent.glob("reader.catalog-*.features"))
    assert len(newer) == 1 and newer != files  # the earlier build's file is gone
    newer[0].unlink()  # lost (or a database restored from a backup): rebuilt on demand
    svc.suggesting.forget_features()
    assert len(svc.features().ids) == 53
    assert len(list(db_path.parent.glob("reader.catalog-*.features"))) == 1


def test_added_papers_are_appended_beside_the_index_not_written_with_it(
    svc: Service, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million papers the index file is 1.5 GB: a day's new papers go to a small
    file of added rows, and a running service does not read the index back to add them."""
    from reader.recommend import Features
    from reader.service import suggest as suggest_module

    svc.features()
    (index,) = db_path.parent.glob("reader.catalog-*.features")
    before = index.read_bytes()

    def no_reading(*args: object) -> Features:
        raise AssertionError("the index was read back")

    with monkeypatch.context() as patch:
        patch.setattr(Features, "load", no_reading)
        for title in ("Another paper", "A third paper"):
            svc.store.ingest.add([PaperRecord(title=title)], now=svc.clock())
            assert len(svc.features().ids) in (53, 54)
    grown = svc.features()
    assert len(grown.ids) == 54
    assert list(db_path.parent.glob("reader.catalog-*.features")) == [index]
    assert index.read_bytes() == before
    added = index.with_name(index.name + ".added")
    assert added.stat().st_size > 0
    svc.suggesting.forget_features()  # a restart: the index and its added rows are read
    built: list[tuple[int, int | None]] = []
    loaded = svc.suggesting.features(progress=lambda d, t: built.append((d, t)))
    assert built == [] and loaded.ids.tolist() == grown.ids.tolist()
    assert (loaded.matrix != grown.matrix).nnz == 0
    # Once the added rows pass COMPACT_AT of the index, the whole index is written again.
    monkeypatch.setattr(suggest_module, "COMPACT_AT", 0.0)
    svc.store.ingest.add([PaperRecord(title="A fourth paper")], now=svc.clock())
    assert len(svc.features().ids) == 55
    (merged,) = db_path.parent.glob("reader.catalog-*.features")
    assert merged != index and not added.exists()
    assert not list(db_path.parent.glob("reader.catalog-*.features.added"))
    svc.suggesting.forget_features()
    assert len(svc.features().ids) == 55


def test_a_torn_append_is_added_again(svc: Service, db_path: Path) -> None:
    """A crash while papers were being appended leaves a torn record: the next start
    reads the index without it and adds those papers again."""
    svc.features()
    svc.store.ingest.add([PaperRecord(title="Another paper")], now=svc.clock())
    svc.features()
    (index,) = db_path.parent.glob("reader.catalog-*.features")
    added = index.with_name(index.name + ".added")
    version, _ = svc.store.suggestions.cached_features("catalog")
    svc.store.ingest.add([PaperRecord(title="A third paper")], now=svc.clock())
    svc.features()
    size = added.stat().st_size
    # As if the process died before the second record was whole and recorded.
    with open(added, "r+b") as stream:
        stream.truncate(size - 7)
    with svc.store.conn.write() as db:
        db.execute("UPDATE feature_cache SET version = ?", [version])
    svc.suggesting.forget_features()
    assert len(svc.features().ids) == 54
    assert added.stat().st_size == size  # the torn record was replaced by a whole one
    svc.suggesting.forget_features()
    assert len(svc.features().ids) == 54
