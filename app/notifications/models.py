"""The notification table: one row per message to one user; dedupe_key makes sending idempotent."""
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow

KINDS = ("assignment", "reminder", "overdue", "escalation", "system")


class Notification(Base):
    """A message for one user; unread while read_at is empty."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="system")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="SET NULL"), index=True)
    # Who/what/when the message is about, e.g. "reminder:before:42:2026-11-30T15:59:59:7" (one per user).
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[object | None] = mapped_column(UTCDateTime())
