"""Undo: the last status change, rating, "not for me", snooze or steering, taken back
exactly.

Choice of design: an undo *removes* the event the action added (a row of
``status_events``, ``rating_events``, ``feedback_events`` or ``steering_events``), so the
paper's history is exactly what it was before, as if the slip never happened; it is not
recorded as a second event. A status change to "read" may also have given the paper its
first re-read: the card as it was before (or its absence) is kept with the action and put
back.

The log of what can be undone lives in memory, per open service (one app session or one
CLI command): the actions of this session, newest last. An action is only undone while its
event is still the paper's latest of its kind; otherwise nothing changes and the user is
told why.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.store import StoredCard

from .context import Context, ServiceError

UNDO_DEPTH = 50
"""Actions kept for undo, newest last; older ones fall off."""


@dataclass(frozen=True)
class Undoable:
    """One action that can be taken back."""

    kind: str
    """"status", "rating", "not_for_me", "snooze" or "steer" (more or less like it)."""
    paper_id: int
    event_id: int
    description: str
    """What it did, in words: 'rated "Title" 4★'."""
    card_before: StoredCard | None = None
    card_touched: bool = False
    """True when the action may have changed the paper's re-read card (marked read)."""


class UndoLog:
    """What this session did that can be undone; the use cases record into it."""

    def __init__(self) -> None:
        self._done: list[Undoable] = []

    def record(self, action: Undoable) -> None:
        self._done.append(action)
        del self._done[:-UNDO_DEPTH]

    def last(self) -> Undoable | None:
        return self._done[-1] if self._done else None

    def pop(self) -> Undoable | None:
        return self._done.pop() if self._done else None


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
        action = self.log.pop()
        if action is None:
            raise ServiceError("nothing to undo")
        store = self.store
        with store.conn.write():
            if action.kind in ("status", "rating"):
                done = store.reading.remove_latest(action.kind, action.paper_id, action.event_id)
            elif action.kind == "steer":
                done = store.steering.remove_latest(action.paper_id, action.event_id)
            else:
                done = store.suggestions.remove_feedback(action.event_id)
            if done and action.card_touched:
                store.reviews.restore_card(action.paper_id, action.card_before)
        if not done:
            raise ServiceError(
                f"cannot undo: {action.description} was changed again since; nothing undone"
            )
        return action
