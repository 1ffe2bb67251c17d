"""JSON export holds everything, and importing it into an empty database gives the same
data back (compared by exporting again)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.service import Service, open_service
from reader.store import StoredSuggestion


def export(svc: Service) -> dict:
    data = json.loads("".join(svc.export_chunks("json")))
    data.pop("exported_at")
    return data


def fill(svc: Service) -> None:
    ids = [p.id for p in svc.papers(limit=4)]
    svc.rate(ids[0], 4)
    svc.rate(ids[0], 0)
    svc.rate(ids[1], 2)
    svc.set_status(ids[0], "read")
    svc.set_status(ids[1], "dropped")
    svc.add_note(ids[0], "first\nnote with ünïcode and [markup]")
    svc.tag(ids[2], ["to read", "Vision"])
    svc.grade(ids[0], "hard")
    svc.set_review(ids[1], False)
    svc.store.suggestions.add_feedback(ids[3], "snooze", now=svc.clock(), until=svc.clock())
    svc.store.suggestions.add_interests(["graph neural networks"], now=svc.clock())
    svc.set_setting("suggest.per_day", 7)
    svc.steer(ids[2], "more")
    svc.steer(ids[2], None)
    svc.steer(ids[3], "less")
    svc.store.suggestions.save_suggestions(
        date(2026, 3, 2), [StoredSuggestion(date(2026, 3, 2), 1, ids[3], 0.25, "why", True)]
    )


def test_round_trip_restores_everything(service: Service, tmp_path: Path, capsys) -> None:
    fill(service)
    before = export(service)
    assert before["format"] == "reader-export" and before["version"] == 1
    steered = {p["id"]: [e["direction"] for e in p["steering_history"]] for p in before["papers"]}
    assert sorted(v for v in steered.values() if v) == [["less"], ["more", None]]
    out = tmp_path / "all.json"
    assert main(["--db", str(service.path), "export", "--format", "json", "-o", str(out)]) == 0

    target = tmp_path / "restored.db"
    assert main(["--db", str(target), "import", str(out)]) == 0
    restored = open_service(target, seed=False)
    try:
        assert export(restored) == before
        assert restored.paper(before["papers"][0]["id"]).stars is None  # cleared stays cleared
    finally:
        restored.close()
    # Importing the same export again changes nothing.
    assert main(["--db", str(target), "import", str(out)]) == 0
    again = open_service(target, seed=False)
    assert export(again) == before
    again.close()


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    papers=st.lists(
        st.tuples(
            texts.filter(lambda t: t.strip() != ""),
            st.lists(texts, max_size=3),
            st.lists(texts.filter(lambda t: " ".join(t.split()) != ""), max_size=2),
            st.lists(st.integers(1, 5), max_size=3),
            st.lists(texts.filter(str.strip), max_size=2),
        ),
        max_size=5,
    )
)
def test_round_trip_any_library(tmp_path_factory, papers) -> None:
    from datetime import UTC, datetime, timedelta

    from reader.models import PaperRecord

    base = tmp_path_factory.mktemp("rt")
    ticks = iter(range(10_000))

    def clock() -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=next(ticks))

    src = open_service(base / "a.db", clock=clock, seed=False)
    for n, (title, authors, tags, stars, notes) in enumerate(papers):
        # Distinct ids so that generated look-alike titles stay separate papers.
        record = PaperRecord(title=title, authors=tuple(authors), tags=tuple(tags), doi=f"10.1/{n}")
        ((_, pid),) = src.store.ingest.ingest([record], now=clock())
        for s in stars:
            src.rate(pid, s)
        for note in notes:
            src.add_note(pid, note)
    before = export(src)
    out = base / "x.json"
    src.export_to("json", out)
    src.close()
    dst = open_service(base / "b.db", clock=clock, seed=False)
    report = dst.import_files([out])
    assert report.problem_count == 0 and not report.failed_files
    assert export(dst) == before
    dst.close()


def test_an_older_export_does_not_bring_back_a_note_rewritten_since(tmp_path: Path) -> None:
    """Notes were matched by their text: importing last month's export added the words the
    user had since rewritten, as a second note. The same note is the one created at the
    same moment; the copy edited last wins, either way round."""
    from tests.conftest import TickingClock

    clock = TickingClock()
    svc = open_service(tmp_path / "a.db", clock=clock)
    note = svc.add_note(1, "first thoughts")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    svc.export_to("json", old)
    svc.save_note(1, note.id, "first thoughts, rewritten")
    svc.export_to("json", new)
    assert svc.import_files([old]).problem_count == 0
    assert [n.text for n in svc.notes(1)] == ["first thoughts, rewritten"]
    svc.close()

    other = open_service(tmp_path / "b.db", clock=clock, seed=False)
    other.import_files([old])
    other.import_files([new])  # a newer copy of the same note replaces the older one
    assert [n.text for n in other.notes(1)] == ["first thoughts, rewritten"]
    other.close()


def test_an_edited_title_and_the_feeds_followed_survive_export_and_import(
    tmp_path: Path,
) -> None:
    """The export left out which titles the user had edited (a restored library's next
    arXiv version replaced them) and what the inbox follows."""
    svc = open_service(tmp_path / "a.db")
    svc.edit_paper(3, title="HAMSTER (my title)")
    svc.inbox.add(svc.inbox.subscriptions_from(["cs.LG"], authors=["Jacot, Arthur"]))
    out = tmp_path / "all.json"
    svc.export_to("json", out)
    followed = svc.inbox.subscriptions()
    svc.close()

    restored = open_service(tmp_path / "b.db", seed=False)
    assert restored.import_files([out]).problem_count == 0
    assert restored.inbox.subscriptions() == followed
    restored.store.papers.update_version(3, title="HAMSTER v2", abstract=None)
    assert restored.paper(3).title == "HAMSTER (my title)"
    restored.close()
