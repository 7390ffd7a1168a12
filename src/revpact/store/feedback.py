"""Feedback items and their answers in the database (append-only tables: rows are inserted,
never updated or deleted)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from revpact.store.tables import feedback, feedback_answers

__all__ = ["AnswerRow", "FeedbackRepository", "FeedbackRow"]


@dataclass(frozen=True)
class FeedbackRow:
    feedback_id: int
    from_team: str
    to_team: str
    topic: str
    text: str
    raised_by: str | None
    raised_us: int
    due_us: int
    clock: str
    version_hash: str | None
    event_us: int | None = None  # None: recorded before events were kept; the moment raised

    @property
    def event_at_us(self) -> int:
        """When the event the item is about happened (the moment raised, for older items)."""
        return self.raised_us if self.event_us is None else self.event_us


@dataclass(frozen=True)
class AnswerRow:
    feedback_id: int
    text: str
    answered_by: str | None
    answered_us: int


_FEEDBACK = (
    feedback.c.feedback_id,
    feedback.c.from_team,
    feedback.c.to_team,
    feedback.c.topic,
    feedback.c.text,
    feedback.c.raised_by,
    feedback.c.raised_us,
    feedback.c.due_us,
    feedback.c.clock,
    feedback.c.version_hash,
    feedback.c.event_us,
)
_ANSWER = (
    feedback_answers.c.feedback_id,
    feedback_answers.c.text,
    feedback_answers.c.answered_by,
    feedback_answers.c.answered_us,
)


class FeedbackRepository:
    """Feedback reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self,
        *,
        from_team: str,
        to_team: str,
        topic: str,
        text: str,
        raised_by: str | None,
        raised_us: int,
        due_us: int,
        clock: str,
        version_hash: str | None,
        event_us: int,
    ) -> int:
        result = self._conn.execute(
            insert(feedback).values(
                from_team=from_team,
                to_team=to_team,
                topic=topic,
                text=text,
                raised_by=raised_by,
                raised_us=raised_us,
                due_us=due_us,
                clock=clock,
                version_hash=version_hash,
                event_us=event_us,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, feedback_id: int) -> FeedbackRow | None:
        row = self._conn.execute(
            select(*_FEEDBACK).where(feedback.c.feedback_id == feedback_id)
        ).one_or_none()
        return None if row is None else FeedbackRow(**row._mapping)

    def answer_of(self, feedback_id: int) -> AnswerRow | None:
        row = self._conn.execute(
            select(*_ANSWER).where(feedback_answers.c.feedback_id == feedback_id)
        ).one_or_none()
        return None if row is None else AnswerRow(*row)

    def add_answer(self, row: AnswerRow) -> None:
        """Insert the answer; the unique index refuses a second one (``IntegrityError``)."""
        self._conn.execute(
            insert(feedback_answers).values(
                feedback_id=row.feedback_id,
                text=row.text,
                answered_by=row.answered_by,
                answered_us=row.answered_us,
            )
        )

    def raised_by_time(self, until_us: int) -> list[tuple[FeedbackRow, AnswerRow | None]]:
        """Items raised at or before ``until_us``, oldest first, each with its answer (if any,
        whenever it was given)."""
        query = (
            select(*_FEEDBACK, *_ANSWER)
            .select_from(
                feedback.outerjoin(
                    feedback_answers, feedback_answers.c.feedback_id == feedback.c.feedback_id
                )
            )
            .where(feedback.c.raised_us <= until_us)
            .order_by(feedback.c.raised_us, feedback.c.feedback_id)
        )
        width = len(_FEEDBACK)
        found: list[tuple[FeedbackRow, AnswerRow | None]] = []
        for row in self._conn.execute(query):
            item = FeedbackRow(*row[:width])
            answer = None if row[width] is None else AnswerRow(*row[width:])
            found.append((item, answer))
        return found
