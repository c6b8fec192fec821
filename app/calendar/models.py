"""Admin-edited working-day overrides for years the holiday package does not cover."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class CalendarOverride(Base):
    """One day declared a working day or a holiday by an admin; wins over the package."""

    __tablename__ = "calendar_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CalendarYear(Base):
    """A year whose State Council holiday schedule an admin has entered in full (overrides) and confirmed.

    Until a year is confirmed (or the holiday package covers it), its working days are counted Monday to
    Friday and every deadline in it carries a warning.
    """

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. 国办发明电〔2026〕7号
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
