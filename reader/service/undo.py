"""Undo: the last status change, rating, "not for me", snooze, steering or re-read grade,
taken back exactly.

Choice of design: an undo *removes* the event the action added (a row of
``status_events``, ``rating_events``, ``feedback_events``, ``steering_events`` or
``review_log``), so the
paper's history is exactly what it was before, as if the slip never happened; it is not
recorded as a second event. A status change to "read" may also have given the paper its
first re-read, and a grade moved the re-read card: the card as it was before (or its
absence) is kept with the action and put back.

The log of what can be undone lives in the database (``undo_log``, m014), so the app's
``u`` and ``reader undo`` share it and it survives a restart: the newest action first,
whoever did it. An action is only undone while its event is still the paper's latest of
its kind, and one that gave the paper its re-read card only while the paper has not been
re-read since; otherwise nothing changes, the action leaves the log, and the user is told
why.
An action and its log entry are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Paper
from reader.store import StoredCard, UndoEntry

from .context import Context, ServiceError


@dataclass(frozen=True)
class Undoable:
    """One action that can be taken back."""

    kind: str
    """"status", "rating", "not_for_me", "snooze", "steer" (more or less like it) or
    "grade" (a re-read's)."""
    paper_id: int
    event_id: int
    description: str
    """What it did, in words: 'rated "Title" 4★'."""
    card_before: StoredCard | None = None
    card_touched: bool = False
    """True when the action may have changed the paper's re-read card (marked read)."""


def quoted_title(paper: Paper, width: int = 50) -> str:
    """The paper's title in quotes, cut to ``width``, for an action's description."""
    title = " ".join(paper.title.split())
    return f'"{title[: width - 1]}…"' if len(title) > width else f'"{title}"'


class UndoLog:
    """What can be undone, kept in the database; the use cases record into it (inside
    the transaction of the action, see ``Library.rate``)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def record(self, action: Undoable) -> None:
        self.ctx.store.undo.record(
            action.kind,
            action.paper_id,
            action.event_id,
            action.description,
            now=self.ctx.clock(),
            card_touched=action.card_touched,
            card_before=action.card_before,
        )

    def last(self) -> Undoable | None:
        entry = self.ctx.store.undo.last()
        return None if entry is None else _undoable(entry)


def _undoable(entry: UndoEntry) -> Undoable:
    return Undoable(
        entry.kind,
        entry.paper_id,
        entry.event_id,
        entry.description,
        card_before=entry.card_before,
        card_touched=entry.card_touched,
    )


class Undoing:
    """Takes back the last recorded action (see the module's docstring)."""

    def __init__(self, ctx: Context, log: UndoLog) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.log = log

    def last(self) -> Undoable | None:
        """What ``undo`` would take back, or None."""
        return self.log.last()

    def undo(self) -> Undoable:
        """Take back the newest action; raises ServiceError when there is none, or when
        the paper changed again since (then that action is dropped from the log)."""
        store = self.store
        with store.conn.write():
            entry = store.undo.last()
            if entry is None:
                raise ServiceError("nothing to undo")
            store.undo.forget(entry.id)
            # Putting the card back as it was would drop every re-read graded since (an
            # undo of "marked read" weeks later deleted the paper's schedule): left alone.
            reread = (
                entry.card_touched
                and entry.kind in ("status", "rating")
                and store.reviews.reviewed_since(entry.paper_id, entry.kind, entry.event_id)
            )
            if reread:
                done = False
            elif entry.kind in ("status", "rating"):
                done = store.reading.remove_latest(entry.kind, entry.paper_id, entry.event_id)
            elif entry.kind == "steer":
                done = store.steering.remove_latest(entry.paper_id, entry.event_id)
            elif entry.kind == "grade":
                done = store.reviews.remove_latest_review(entry.paper_id, entry.event_id)
            else:
                done = store.suggestions.remove_feedback(entry.event_id, entry.paper_id, entry.kind)
            if done and entry.card_touched:
                store.reviews.restore_card(entry.paper_id, entry.card_before)
        action = _undoable(entry)
        if reread:
            raise ServiceError(
                f"cannot undo: {action.description}; the paper was re-read since, and undoing "
                "would lose those re-reads; nothing undone"
            )
        if not done:
            raise ServiceError(
                f"cannot undo: {action.description} was changed again since; nothing undone"
            )
        return action
