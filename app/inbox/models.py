"""Inbox tables: the draft a user saved on a task form before completing it."""
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONType, UTCDateTime, utcnow


class TaskDraft(Base):
    """The raw form input saved on an open task; one per task, so a delegate picks up the work."""

    __tablename__ = "task_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    saved_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
