"""Drafts of process definitions saved from the browser modeler before they are deployed."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class ProcessDraft(Base):
    """The work in progress of one process key (one draft per key), deployed or discarded later."""

    __tablename__ = "process_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    xml: Mapped[str] = mapped_column(Text)
    base_definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definition.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
