"""Checking a reader JSON export before any of it is stored. Pure: no I/O.

The export is also a file people edit by hand or write with other tools, and the store
takes what it is given: one timestamp that is not ISO 8601 ("2024-01-01 garbage") was
stored as it was, and from then on `reader list`, `search`, `suggest` and `export` failed on
the library. So every field is checked here against what the commands that read it need,
and a paper with a bad field is skipped whole, its problem naming the field
(``papers[3].notes[0].created_at: not an ISO 8601 time``). Timestamps come back in the
store's own form (UTC, :func:`reader.store.to_iso`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, get_args

from reader.harvest.plan import SubscriptionKind
from reader.models import Status
from reader.parse.fields import FieldError, check_unicode, json_kind, text_field
from reader.parse.tags import valid_interest, valid_tag
from reader.schedule import Grade, ReviewCard
from reader.store import to_iso
from reader.store.recommend import FEEDBACK_KINDS
from reader.store.steering import DIRECTIONS

from .context import ServiceError
from .editing import YEARS
from .settings import SETTINGS


def _moment(value: Any, field: str, *, optional: bool = False) -> str | None:
    """An ISO 8601 time with its offset, as the store keeps it (UTC)."""
    if value is None and optional:
        return None
    text = text_field(value, field, optional=False)
    assert text is not None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise FieldError(field, f"no time zone in {text!r} (write +00:00 or Z)")
    return to_iso(moment)


def _whole(value: Any, field: str, allowed: range) -> int:
    if type(value) is not int:
        raise FieldError(field, f"expected a whole number, got {json_kind(value)}")
    if value not in allowed:
        raise FieldError(field, f"{value} is out of range")
    return value


def _one_of(value: Any, field: str, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed:
        shown = ", ".join("null" if a is None else str(a) for a in allowed)
        raise FieldError(field, f"{value!r} is not one of: {shown}")
    return value


def _objects(value: Any, field: str) -> list[dict[str, Any]]:
    """A list of objects (null or absent: none)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, f"expected a list, got {json_kind(value)}")
    for n, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise FieldError(f"{field}[{n}]", f"expected an object, got {json_kind(entry)}")
    return value


def _texts(value: Any, field: str, check: Callable[[str], str] | None = None) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, f"expected a list of text, got {json_kind(value)}")
    out = []
    for n, entry in enumerate(value):
        text = text_field(entry, f"{field}[{n}]", optional=False)
        assert text is not None
        if check is not None:
            try:
                text = check(text)
            except ValueError as error:
                raise FieldError(f"{field}[{n}]", str(error)) from None
        out.append(text)
    return out


_GRADES = tuple(int(g) for g in Grade)
FEED_KINDS = get_args(SubscriptionKind)
_IDS = range(1, 2**63)
_PAPER_TEXTS = ("abstract", "venue", "source", "arxiv_id", "doi", "url", "code_url", "pdf_path")


def checked_paper(item: Any) -> dict[str, Any]:
    """``item`` (one entry of an export's "papers") with its times in the store's form;
    :class:`FieldError` for the first field that cannot be stored as it is."""
    if not isinstance(item, dict):
        raise FieldError("paper", f"expected an object, got {json_kind(item)}")
    out = dict(item)
    title = text_field(item.get("title"), "title", optional=False)
    if not title or not title.strip():
        raise FieldError("title", "empty")
    for key in _PAPER_TEXTS:
        text_field(item.get(key), key)
    if item.get("id") is not None:
        _whole(item["id"], "id", _IDS)
    if item.get("year") is not None:
        _whole(item["year"], "year", YEARS)
    if item.get("date") is not None:
        text = text_field(item["date"], "date")
        try:
            date.fromisoformat(str(text)[:10])
        except ValueError:
            raise FieldError("date", f"not a date (YYYY-MM-DD): {text!r}") from None
    if item.get("title_edited") not in (None, True, False):
        raise FieldError(
            "title_edited", f"expected true or false, got {json_kind(item['title_edited'])}"
        )
    out["authors"] = _texts(item.get("authors"), "authors")
    out["tags"] = _texts(item.get("tags"), "tags", valid_tag)
    out["added_at"] = _moment(item.get("added_at"), "added_at", optional=True)
    out["status_history"] = [
        {
            "status": _one_of(e.get("status"), f"status_history[{n}].status", tuple(Status)),
            "at": _moment(e.get("at"), f"status_history[{n}].at"),
        }
        for n, e in enumerate(_objects(item.get("status_history"), "status_history"))
    ]
    out["rating_history"] = [
        {
            "stars": None
            if e.get("stars") is None
            else _whole(e["stars"], f"rating_history[{n}].stars", range(1, 6)),
            "at": _moment(e.get("at"), f"rating_history[{n}].at"),
        }
        for n, e in enumerate(_objects(item.get("rating_history"), "rating_history"))
    ]
    out["notes"] = []
    for n, e in enumerate(_objects(item.get("notes"), "notes")):
        created = _moment(e.get("created_at"), f"notes[{n}].created_at")
        out["notes"].append(
            {
                "text": text_field(e.get("text"), f"notes[{n}].text", optional=False),
                "created_at": created,
                "updated_at": _moment(e.get("updated_at"), f"notes[{n}].updated_at", optional=True)
                or created,
            }
        )
    out["review_card"] = _card(item.get("review_card"))
    out["review_log"] = [
        {
            "reviewed_at": _moment(e.get("reviewed_at"), f"review_log[{n}].reviewed_at"),
            "grade": _one_of(e.get("grade"), f"review_log[{n}].grade", _GRADES),
            "interval_days": _number(e.get("interval_days"), f"review_log[{n}].interval_days"),
            "state_before": _object(e.get("state_before"), f"review_log[{n}].state_before"),
            "state_after": _object(e.get("state_after"), f"review_log[{n}].state_after"),
        }
        for n, e in enumerate(_objects(item.get("review_log"), "review_log"))
    ]
    out["feedback"] = [
        {
            "kind": _one_of(e.get("kind"), f"feedback[{n}].kind", FEEDBACK_KINDS),
            "at": _moment(e.get("at"), f"feedback[{n}].at"),
            "until": _moment(e.get("until"), f"feedback[{n}].until", optional=True),
        }
        for n, e in enumerate(_objects(item.get("feedback"), "feedback"))
    ]
    out["steering_history"] = [
        {
            "direction": _one_of(
                e.get("direction"), f"steering_history[{n}].direction", (*DIRECTIONS, None)
            ),
            "at": _moment(e.get("at"), f"steering_history[{n}].at"),
        }
        for n, e in enumerate(_objects(item.get("steering_history"), "steering_history"))
    ]
    check_unicode(out, "")  # what no check above reads (a review card's state, say)
    return out


def _number(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if type(value) not in (int, float):
        raise FieldError(field, f"expected a number, got {json_kind(value)}")
    return value


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(field, f"expected an object, got {json_kind(value)}")
    return value


def _card(value: Any) -> dict[str, Any] | None:
    """The review card as `reader due` and `forecast` will read it, or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldError("review_card", f"expected an object, got {json_kind(value)}")
    if not isinstance(value.get("enabled"), bool):
        raise FieldError("review_card.enabled", "expected true or false")
    due = _moment(value.get("due"), "review_card.due", optional=True)
    card = value.get("card")
    if not isinstance(card, dict):
        raise FieldError("review_card.card", f"expected an object, got {json_kind(card)}")
    try:
        if card:  # a paper kept out of re-reads may have none
            ReviewCard.from_dict(card)
    except ValueError as error:
        raise FieldError("review_card.card", str(error)) from None
    return {"enabled": value["enabled"], "due": due, "card": card}


def checked_globals(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The export's interests, settings, collections and suggestions that can be stored,
    and a (field, reason) for each entry that cannot (skipped; the rest is kept). A
    setting is checked as ``reader config`` checks it."""
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {
        "interests": [],
        "settings": {},
        "collections": [],
        "suggestions": [],
        "feeds": [],
    }

    def each(key: str) -> list[tuple[int, dict[str, Any]]]:
        try:
            return list(enumerate(_objects(data.get(key), key)))
        except FieldError as error:
            problems.append((error.field, error.reason))
            return []

    for n, e in each("interests"):
        try:
            term = text_field(e.get("term"), f"interests[{n}].term", optional=False)
            try:
                term = valid_interest(str(term))
            except ValueError as error:
                raise FieldError(f"interests[{n}].term", str(error)) from None
            added = _moment(e.get("added_at"), f"interests[{n}].added_at")
            out["interests"].append({"term": term, "added_at": added})
        except FieldError as error:
            problems.append((error.field, error.reason))
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        problems.append(("settings", f"expected an object, got {json_kind(settings)}"))
        settings = {}
    for key, value in settings.items():
        try:
            check_unicode({key: value}, "settings")
        except FieldError as error:
            problems.append((error.field, error.reason))
            continue
        setting = SETTINGS.get(key)
        if setting is None:
            # The store's own marks: the seed catalog was loaded, a day's list was made.
            if (key == "seeded" or key.startswith("suggested:")) and type(value) is bool:
                out["settings"][key] = value
            else:
                problems.append((f"settings.{key}", "not a setting of this reader"))
            continue
        try:
            out["settings"][key] = setting.parse(str(value))
        except ServiceError as error:
            problems.append((f"settings.{key}", str(error)))
    for n, e in each("collections"):
        try:
            name = text_field(e.get("name"), f"collections[{n}].name", optional=False)
            if not str(name).strip():
                raise FieldError(f"collections[{n}].name", "empty")
            created = _moment(e.get("created_at"), f"collections[{n}].created_at")
            papers = e.get("papers") or []
            if not isinstance(papers, list) or any(type(p) is not int for p in papers):
                raise FieldError(f"collections[{n}].papers", "expected a list of paper ids")
            out["collections"].append({"name": name, "created_at": created, "papers": papers})
        except FieldError as error:
            problems.append((error.field, error.reason))
    for n, e in each("suggestions"):
        try:
            day = text_field(e.get("day"), f"suggestions[{n}].day", optional=False)
            try:
                date.fromisoformat(str(day))
            except ValueError:
                raise FieldError(f"suggestions[{n}].day", f"not a date: {day!r}") from None
            row = {
                "day": day,
                "rank": _whole(e.get("rank"), f"suggestions[{n}].rank", range(0, 10_000)),
                "paper_id": _whole(e.get("paper_id"), f"suggestions[{n}].paper_id", _IDS),
                "score": _number(e.get("score"), f"suggestions[{n}].score") or 0.0,
                "reason": text_field(e.get("reason"), f"suggestions[{n}].reason") or "",
                "exploration": bool(e.get("exploration")),
            }
            check_unicode(e, f"suggestions[{n}]")
            out["suggestions"].append({**e, **row})
        except FieldError as error:
            problems.append((error.field, error.reason))
    for n, e in each("feeds"):
        try:
            kind = _one_of(e.get("kind"), f"feeds[{n}].kind", FEED_KINDS)
            value = text_field(e.get("value"), f"feeds[{n}].value", optional=False)
            if not str(value).strip():
                raise FieldError(f"feeds[{n}].value", "empty")
            added = _moment(e.get("added_at"), f"feeds[{n}].added_at")
            out["feeds"].append({"kind": kind, "value": value, "added_at": added})
        except FieldError as error:
            problems.append((error.field, error.reason))
    return out, problems
