"""Spaced review through the service and the CLI, on a real database with a fixed clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import review_card, review_log

from reader.cli import cli
from reader.service import Service, ServiceError
from tests.conftest import TickingClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(START)


def read(svc: Service, *ids: int) -> None:
    for paper_id in ids:
        svc.set_status(paper_id, "read")


def test_marking_read_schedules_a_first_reread_at_least_a_day_later(svc: Service) -> None:
    read(svc, 1)
    stored, card = svc.store.reviews.card(1), review_card(svc, 1)
    assert stored is not None and stored.enabled and card is not None
    assert card.due >= START + timedelta(days=1)
    assert svc.due() == []


def test_low_rated_and_turned_off_papers_get_no_schedule(svc: Service) -> None:
    svc.rate(2, 2)
    read(svc, 2)
    assert review_card(svc, 2) is None
    svc.set_review(3, False)
    read(svc, 3)
    assert review_card(svc, 3) is None
    svc.set_review(3, True)
    assert review_card(svc, 3) is not None


def test_due_grade_and_the_log(svc: Service, clock: TickingClock) -> None:
    read(svc, 1)
    first_due = review_card(svc, 1).due
    clock.now = first_due + timedelta(hours=1)
    assert [item.paper.id for item in svc.due()] == [1]
    card, entry = svc.grade(1, "good")
    assert card.due > clock.now + timedelta(days=1)
    assert svc.due() == []
    log = review_log(svc, 1)
    assert len(log) == 1 and log[0].grade == 3 and log[0].state_after == card.to_dict()
    assert log[0].state_before["due"] == first_due.isoformat()
    with pytest.raises(ServiceError, match="unknown grade"):
        svc.grade(1, "perfect")
    with pytest.raises(ServiceError, match="not scheduled"):
        svc.grade(7, "good")


def test_daily_limit_holds_and_the_rest_rolls_over(svc: Service, clock: TickingClock) -> None:
    read(svc, 1, 2, 3, 4, 5)
    clock.now += timedelta(days=30)
    assert len(svc.due()) == 3  # default limit
    assert svc.overdue_count() == 5
    for item in svc.due():
        svc.grade(item.paper.id, "good")
    assert svc.due() == []  # the limit counts what was done today
    assert svc.forecast(3)[1][1] == 2  # tomorrow takes the rest


def test_schedule_phrases_and_errors(svc: Service) -> None:
    read(svc, 4)  # a paper never read is refused (test_queues_agree.py)
    moment = svc.schedule_at(4, "2027-01-10").due
    assert moment == datetime(2027, 1, 10, tzinfo=UTC)
    assert review_card(svc, 4).due == moment
    with pytest.raises(ServiceError, match="did not understand"):
        svc.schedule_at(4, "when pigs fly")


def test_vacation_moves_everything_out_of_the_period(svc: Service, clock: TickingClock) -> None:
    read(svc, 1, 2, 3, 4)
    end, moved = svc.vacation("2 weeks")
    assert moved == 4
    assert all(review_card(svc, i).due >= end for i in (1, 2, 3, 4))
    clock.now = end - timedelta(days=1)
    assert svc.due() == [] and svc.overdue_count() == 0
    # It cannot be undone: "100 years" typed for "100 days" moved every re-read for good.
    dues = [review_card(svc, i).due for i in (1, 2, 3, 4)]
    with pytest.raises(ServiceError, match="longer than a year"):
        svc.vacation("100 years")
    assert [review_card(svc, i).due for i in (1, 2, 3, 4)] == dues
    assert svc.vacation("1 year")[1] >= 0  # a year is a sabbatical, and allowed


def run(db: Path, clock: TickingClock, *args: str, input: str | None = None):
    return CliRunner().invoke(
        cli, ["--db", str(db), *args], obj={"clock": clock, "tz": UTC}, input=input
    )


def test_cli_due_review_session_and_forecast(db_path: Path, clock: TickingClock) -> None:
    assert run(db_path, clock, "status", "3", "read").exit_code == 0
    result = run(db_path, clock, "due")
    assert "Nothing due today. Next re-read due in" in result.output
    clock.now += timedelta(days=20)
    result = run(db_path, clock, "due", "--json")
    assert [row["id"] for row in json.loads(result.output)] == [3]
    session = run(db_path, clock, "review", input="\n3\nremember the 2D path trick\n")
    assert session.exit_code == 0, session.output
    assert "HAMSTER" in session.output and "Reviewed 1 paper; saved." in session.output
    shown = json.loads(run(db_path, clock, "show", "3", "--json").output)
    assert [n["text"] for n in shown["notes"]] == ["remember the 2D path trick"]
    plan = json.loads(run(db_path, clock, "forecast", "--days", "366", "--json").output)
    assert len(plan) == 366 and sum(day["re_reads"] for day in plan) == 1


def test_cli_review_q_at_the_note_prompt_stops_and_saves_no_note(
    db_path: Path, clock: TickingClock
) -> None:
    """q stops at every prompt of the session; at "Add a note" it was saved as a note."""
    for paper_id in ("3", "4"):
        run(db_path, clock, "status", paper_id, "read")
    clock.now += timedelta(days=20)
    session = run(db_path, clock, "review", input="\n3\nq\n")
    assert session.exit_code == 0 and "Reviewed 1 paper; saved." in session.output
    for paper_id in ("3", "4"):
        assert json.loads(run(db_path, clock, "show", paper_id, "--json").output)["notes"] == []


def test_cli_review_stops_cleanly_when_input_ends(db_path: Path, clock: TickingClock) -> None:
    run(db_path, clock, "status", "3", "read")
    clock.now += timedelta(days=20)
    session = run(db_path, clock, "review", input="\n")  # reveals, then input ends
    assert session.exit_code == 0 and "Reviewed 0 papers; saved." in session.output
    assert len(json.loads(run(db_path, clock, "due", "--json").output)) == 1


def test_cli_schedule_says_it_turned_re_reads_back_on(db_path: Path, clock: TickingClock) -> None:
    """Scheduling a re-read of a paper whose re-reads were off turned them on in silence."""
    run(db_path, clock, "status", "3", "read")
    assert run(db_path, clock, "review", "off", "3").exit_code == 0
    result = run(db_path, clock, "schedule", "3", "2027-01-10")
    assert result.output.endswith("(re-reads of it were off; they are on again)\n")
    again = run(db_path, clock, "schedule", "3", "2027-01-11")
    assert again.output.rstrip().endswith("(Mon 2027-01-11)")
    shown = run(db_path, clock, "show", "3").output
    assert "\nRe-reads: next due in 10 months (Mon 2027-01-11)\n" in shown
    assert shown.rstrip().endswith("--- history\n2026-03-02 09:00  read")


def test_a_papers_re_reads_described() -> None:
    from reader.service import Rereads

    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    later = datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert Rereads(True, later, 0, None).describe(now, UTC) == "next due in 7 days (Tue 2026-03-10)"
    assert Rereads(True, None, 0, None).describe(now, UTC) == ""
    assert Rereads(False, None, 2, now).describe(now, UTC) == "off; 2 done, last 2026-03-03"
    assert (
        Rereads(True, later, 1, now).describe(now, UTC)
        == "next due in 7 days (Tue 2026-03-10); 1 done, last 2026-03-03"
    )


def test_cli_schedule_bad_phrase_is_one_line(db_path: Path, clock: TickingClock) -> None:
    from reader.cli import main

    code = main(["--db", str(db_path), "schedule", "3", "someday", "maybe"])
    assert code == 1


def test_settings_drive_the_schedule(svc: Service, clock: TickingClock) -> None:
    svc.set_setting("review.daily_limit", "1")
    svc.set_setting("review.skip_stars_at_most", 0)
    svc.rate(1, 1)
    read(svc, 1, 2)
    assert review_card(svc, 1) is not None  # 0: even 1-star papers get re-reads
    clock.now += timedelta(days=30)
    assert len(svc.due()) == 1
    with pytest.raises(ServiceError, match="0.7 to 0.97"):
        svc.set_setting("review.desired_retention", "0.2")
    with pytest.raises(ServiceError, match="unknown setting"):
        svc.set_setting("colour", "blue")
    assert svc.settings()["review.daily_limit"] == 1


def test_cli_config(db_path: Path, clock: TickingClock) -> None:
    assert (
        run(db_path, clock, "config", "review.daily_limit", "7").output
        == "review.daily_limit = 7\n"
    )
    shown = json.loads(run(db_path, clock, "config", "--json").output)
    assert shown["review.daily_limit"] == 7 and shown["suggest.per_day"] == 5
    bad = run(db_path, clock, "config", "review.daily_limit", "many")
    assert bad.exit_code != 0


def test_a_day_across_a_daylight_saving_change_starts_at_that_days_midnight(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zone was today's UTC offset: in a Sydney summer (+11) a re-read set for
    2027-06-01 (winter, +10) began at 23:00 on 31 May and was "due today" a day early."""
    import time

    from reader.service import open_service
    from reader.service.context import local_tz

    monkeypatch.setenv("TZ", "Australia/Sydney")
    time.tzset()
    try:
        summer = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 11:00 in Sydney, +11
        svc = open_service(db_path, clock=TickingClock(summer), tz=local_tz())
        try:
            svc.set_status(1, "read")
            due = svc.schedule_at(1, "2027-06-01").due
            assert due == datetime(2027, 5, 31, 14, 0, tzinfo=UTC)  # midnight, +10
        finally:
            svc.close()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
