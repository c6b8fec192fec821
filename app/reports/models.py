"""Stored statutory report drafts: figures are frozen at generation and regenerated on review."""
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
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


class TaskDayTally(Base):
    """Tasks with a due date completed on one Beijing day, per case bureau and product class (a roll-up).

    The dashboard's on-time figures read a province's million task rows; past days are summed once by
    the scheduler (app/reports/ontime.py) and the days not yet rolled up are counted live."""

    __tablename__ = "task_day_tally"
    __table_args__ = (UniqueConstraint("day", "org_unit_id", "product_category", name="uq_task_day_tally"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[object] = mapped_column(Date, index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))  # the case's bureau
    product_category: Mapped[str] = mapped_column(String(60), default="")
    completed: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)


class TaskDayRolled(Base):
    """A day whose completed tasks are in task_day_tally (a day with none has no tally rows, only this)."""

    __tablename__ = "task_day_rolled"
    day: Mapped[object] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
