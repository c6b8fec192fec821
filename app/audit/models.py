"""The append-only audit trail."""
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, orm_insert_sentinel, relationship

from app.db import Base, JSONType, UTCDateTime, utcnow


class CaseEvent(Base):
    """One state change of a case, instance or task; never updated, never deleted."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_time", "case_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(String(300), default="")  # element name etc., not a sentence
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)

    # Lets SQLAlchemy write several new rows in one INSERT ... RETURNING on SQLite (see migration i13e_0001).
    _sentinel: Mapped[int | None] = orm_insert_sentinel()

    # Write-side only: lets an audit row name a task row created in the same flush.
    human_task = relationship("HumanTask", lazy="raise_on_sql")
