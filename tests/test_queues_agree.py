"""The queues agree (issue 13): today's suggestions refill like the cold-start list does,
and `due`, `forecast`, `vacation` and the next re-read day follow one plan. Each test here
failed before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import review_card

from reader.cli import cli, main
from reader.service import Service, ServiceError, open_service
from tests.conftest import TickingClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GROKKING = [17, 20, 25]  # the seed catalog's grokking papers (see test_suggest_flow.py)


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(START)


def run(db: Path, clock: TickingClock, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={"clock": clock, "tz": UTC})


# Today's suggestions ----------------------------------------------------------------------


def _act_on_every_pick(svc: Service, ids: list[int]) -> None:
    """What a user does on Today: open, queue, mark read, dismiss, snooze."""
    actions = [
        lambda i: svc.set_status(i, "queued"),
        lambda i: svc.set_status(i, "read"),
        svc.dismiss,
        lambda i: svc.snooze(i, "2 weeks"),
        lambda i: svc.rate(i, 3),
    ]
    for paper_id, act in zip(ids, actions * 2, strict=False):
        act(paper_id)


def test_today_refills_after_every_pick_is_acted_on(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    first = [s.paper.id for s in svc.today().suggestions]
    assert len(first) == 5
    _act_on_every_pick(svc, first)
    again = [s.paper.id for s in svc.today().suggestions]
    assert len(again) == 5 and not set(again) & set(first)
    assert GROKKING[0] not in again


def test_the_refilled_list_is_kept_across_restarts(db_path: Path, clock: TickingClock) -> None:
    service = open_service(db_path, clock=clock, tz=UTC)
    service.rate(GROKKING[0], 5)
    _act_on_every_pick(service, [s.paper.id for s in service.today().suggestions])
    refilled = [s.paper.id for s in service.today().suggestions]
    assert len(refilled) == 5
    service.close()
    reopened = open_service(db_path, clock=clock, tz=UTC)
    assert [s.paper.id for s in reopened.today().suggestions] == refilled
    reopened.close()


def test_raising_suggestions_per_day_grows_todays_list(db_path: Path, clock: TickingClock) -> None:
    service = open_service(db_path, clock=clock, tz=UTC)
    service.rate(GROKKING[0], 5)
    first = [s.paper.id for s in service.today().suggestions]
    service.set_setting("suggest.per_day", 8)
    service.close()
    reopened = open_service(db_path, clock=clock, tz=UTC)  # "and restarting"
    grown = [s.paper.id for s in reopened.today().suggestions]
    assert len(grown) == len(set(grown)) == 8
    assert grown[:5] == first  # the morning's picks keep their places
    reopened.close()


def test_refresh_exists_for_the_app_and_makes_a_new_list(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    before = [s.paper.id for s in svc.today().suggestions]
    svc.rate(GROKKING[1], 5)  # a new rating does not reshuffle the day's list...
    assert [s.paper.id for s in svc.today().suggestions][:4] == [
        i for i in before if i != GROKKING[1]
    ][:4]
    fresh = svc.refresh_suggestions()  # ...a refresh asks the recommender again
    ids = [s.paper.id for s in fresh.suggestions]
    assert len(ids) == 5 and GROKKING[1] not in ids
    assert [s.paper.id for s in svc.today().suggestions] == ids


def test_cli_suggest_refills_instead_of_saying_everything_is_rated(
    db_path: Path, clock: TickingClock
) -> None:
    assert run(db_path, clock, "rate", str(GROKKING[0]), "5").exit_code == 0
    shown = [s["id"] for s in json.loads(run(db_path, clock, "suggest", "--json").stdout)[
        "suggestions"
    ]]
    for paper_id in shown:
        assert run(db_path, clock, "dismiss", str(paper_id)).exit_code == 0
    result = run(db_path, clock, "suggest")
    assert result.exit_code == 0
    assert "everything close to your taste" not in result.output
    assert not any(f"{i:>7}" in result.output for i in shown)


# Re-reads: one plan for due, forecast, the next day and vacation -------------------------


def _limit_reached_with_one_scheduled_today(svc: Service, clock: TickingClock) -> None:
    """The issue's steps: daily limit 3, three re-reads done, then `schedule 1 today`."""
    for paper_id in (1, 2, 3, 4, 5):
        svc.set_status(paper_id, "read")
    clock.now += timedelta(days=30)
    for item in svc.due():
        svc.grade(item.paper.id, "good")
    assert svc.reviewed_today() == 3 and svc.due() == []
    svc.schedule_at(1, "today")


def test_due_and_forecast_agree_on_the_next_day(svc: Service, clock: TickingClock) -> None:
    _limit_reached_with_one_scheduled_today(svc, clock)
    today = clock.now.date()
    plan = svc.forecast(30)
    first_day = next((day, n) for day, n in plan if n and day > today)
    assert svc.next_planned() == first_day == (today + timedelta(days=1), 3)
    upcoming = svc.next_due_after_today()
    assert upcoming is not None and upcoming.date() == today + timedelta(days=1)


def test_cli_due_names_the_limit_and_the_forecasts_next_day(
    db_path: Path, clock: TickingClock
) -> None:
    service = open_service(db_path, clock=clock, tz=UTC)
    _limit_reached_with_one_scheduled_today(service, clock)
    service.close()
    due = run(db_path, clock, "due")
    assert due.exit_code == 0
    assert "daily limit is reached (3 re-reads done, 3 waiting)" in due.output
    assert "Next re-reads (3) due tomorrow" in due.output
    tomorrow = json.loads(run(db_path, clock, "forecast", "--days", "2", "--json").output)[1]
    assert tomorrow["re_reads"] == 3


def test_vacation_moves_the_reread_due_today_and_those_held_back(
    svc: Service, clock: TickingClock
) -> None:
    _limit_reached_with_one_scheduled_today(svc, clock)
    end, moved = svc.vacation("2 weeks")
    assert moved >= 3  # paper 1 (due today) and 4, 5 (held back by the limit), at least
    assert all(review_card(svc, i).due >= end for i in (1, 4, 5))
    days_away = (end.date() - clock.now.date()).days
    plan = svc.forecast(30)
    assert [n for _, n in plan[:days_away]] == [0] * days_away
    assert svc.due() == [] and svc.overdue_count() == 0
    assert svc.next_planned() == next((day, n) for day, n in plan if n)
    clock.now += timedelta(days=1)
    assert svc.due() == []  # nothing comes back during the vacation


def test_schedule_refuses_a_paper_never_read(svc: Service) -> None:
    with pytest.raises(ServiceError, match=r"paper 7 is not read \(unread\)"):
        svc.schedule_at(7, "today")
    assert review_card(svc, 7) is None and svc.overdue_count() == 0
    svc.set_status(7, "read")
    svc.schedule_at(7, "today")  # once read, a re-read can be moved anywhere
    assert [item.paper.id for item in svc.due()] == [7]


def test_cli_schedule_of_an_unread_paper_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(tmp_path / "cli.db"), "schedule", "8", "today"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "reader: error: paper 8 is not read (unread), so it has no re-reads to schedule; "
        "mark it read first"
    ]


def test_a_paper_set_back_from_read_leaves_the_rereads(svc: Service, clock: TickingClock) -> None:
    """Read, then set back to queued (or unread, reading, dropped): it keeps its card and
    history, but no queue, forecast or grade treats it as a re-read until read again."""
    for paper_id in (1, 2):
        svc.set_status(paper_id, "read")
    clock.now += timedelta(days=30)
    assert {item.paper.id for item in svc.due()} == {1, 2}
    svc.set_status(2, "queued")
    assert [item.paper.id for item in svc.due()] == [1]
    assert svc.overdue_count() == 1 and svc.forecast(1) == [(clock.now.date(), 1)]
    with pytest.raises(ServiceError, match="paper 2 is queued now, not read"):
        svc.grade(2, "good")
    with pytest.raises(ServiceError, match=r"paper 2 is not read \(queued\)"):
        svc.schedule_at(2, "tomorrow")
    before = svc.store.reviews.card(2)
    svc.set_status(2, "read")  # read again: the card it kept comes back, history and all,
    assert [item.paper.id for item in svc.due()] == [1]  # but not "overdue 4 weeks" now:
    after = svc.store.reviews.card(2)  # just read, it waits a first interval from now
    assert after is not None and before is not None and after.due is not None
    assert after.due > clock.now and after.card["reps"] == before.card["reps"]
    clock.now += timedelta(days=30)
    assert {item.paper.id for item in svc.due()} == {1, 2}


async def test_today_screen_refills_as_picks_are_dismissed(tmp_path: Path) -> None:
    """The app's Today list after "not for me" on every pick: five new ones, not an empty
    section (the screen asks the service again after each action)."""
    from tui_helpers import make_test_app, open_db, settle

    from tui.screens.today import SUGGESTIONS, TodayScreen

    path = tmp_path / "reader.db"
    service = open_db(path)
    service.add_interests(["grokking"])
    service.close()
    app = make_test_app(path)
    dismissed: list[int] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.today is not None
        first = [s.paper.id for s in screen.today.suggestions]
        assert len(first) == 5
        for _ in first:
            listing = screen.query_one("#today-list")
            option = listing.highlighted_option
            assert option is not None and option.id.startswith(f"{SUGGESTIONS}:")
            dismissed.append(int(option.id.rsplit(":", 1)[1]))
            await pilot.press("x")
            await settle(pilot)
        shown = [s.paper.id for s in screen.today.suggestions]
    assert sorted(dismissed) == sorted(first)
    assert len(shown) == 5 and not set(shown) & set(dismissed)
