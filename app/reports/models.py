"""Stored statutory report drafts: figures are frozen at generation and regenerated on review."""
from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import OrgUnit, User
from app.db import Base, JSONType, UTCDateTime, utcnow

REPORT_KINDS = ("weekly", "stage", "annual")
REPORT_STATUSES = ("draft", "submitted")


class Report(Base):
    """One report of one bureau for one period; unique per kind, unit and period."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("kind", "org_unit_id", "period_start", "period_end",
                                       name="uq_report_kind_unit_period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    period_start: Mapped[object] = mapped_column(Date)
    period_end: Mapped[object] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSONType, default=dict)
    remarks: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    generated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the scheduler
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime())
    # The campaign whose schedule sets the period and the due time (None: a report made by hand).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    due_at: Mapped[object | None] = mapped_column(UTCDateTime())
    returned_reason: Mapped[str] = mapped_column(Text, default="")  # set when the bureau above returns it
    returned_at: Mapped[object | None] = mapped_column(UTCDateTime())
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    org_unit: Mapped[OrgUnit] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
