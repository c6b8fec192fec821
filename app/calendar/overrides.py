"""Admin-maintained calendar overrides: services that flush but never commit."""
from datetime import date
from typing import NamedTuple

from sqlalchemy import event, select

from app.calendar.models import CalendarOverride
from app.calendar.workdays import as_date, invalidate_cache, package_covers_year
from app.db import db, utcnow

NOTE_MAX_LENGTH = 200


class CoverageRow(NamedTuple):
    """How well one year is known: by the package and by admin overrides."""

    year: int
    covered_by_package: bool
    override_count: int


def list_overrides(year=None):
    """All overrides ordered by day, optionally only those of one year."""
    stmt = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        stmt = stmt.where(*_year_filter(int(year)))
    return list(db.execute(stmt).scalars())


def get_override(day):
    """The override row for a day, or None."""
    return db.execute(
        select(CalendarOverride).where(CalendarOverride.day == as_date(day))
    ).scalar_one_or_none()


def set_override(day, is_workday, note="", user_id=None):
    """Declare a day a working day or a holiday (insert or update), flush and drop the cache."""
    day = as_date(day)
    if not isinstance(is_workday, bool):
        raise ValueError("必须指定该日是工作日还是休息日")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"备注不能超过 {NOTE_MAX_LENGTH} 个字符")
    row = get_override(day)
    if row is None:
        row = CalendarOverride(day=day)
        db.add(row)
    row.is_workday = is_workday
    row.note = note
    row.updated_by_id = user_id
    row.updated_at = utcnow()
    db.flush()
    _invalidate_now_and_at_transaction_end()
    return row


def delete_override(day):
    """Remove the override of a day; True when one existed."""
    row = get_override(day)
    if row is None:
        return False
    db.delete(row)
    db.flush()
    _invalidate_now_and_at_transaction_end()
    return True


def load_override_map():
    """All overrides as {date: is_workday}."""
    rows = db.execute(select(CalendarOverride.day, CalendarOverride.is_workday))
    return {day: bool(is_workday) for day, is_workday in rows}


def coverage_report(years):
    """One CoverageRow per year: package coverage and the number of overrides entered."""
    years = sorted({int(y) for y in years})
    if not years:
        return []
    stmt = (
        select(CalendarOverride.day)
        .where(CalendarOverride.day >= date(years[0], 1, 1))
        .where(CalendarOverride.day <= date(years[-1], 12, 31))
    )
    counts = {}
    for (day,) in db.execute(stmt):
        counts[day.year] = counts.get(day.year, 0) + 1
    return [CoverageRow(y, package_covers_year(y), counts.get(y, 0)) for y in years]


def _year_filter(year):
    return (CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))


def _invalidate_now_and_at_transaction_end():
    # Now, so this transaction sees its own change; again at commit so that threads that
    # reloaded meanwhile (without seeing the uncommitted row) reload, and at rollback so a
    # discarded change does not linger in the cache. The listener lives as long as this
    # session (request sessions are discarded by db.remove()) and is registered once.
    invalidate_cache()
    session = db()
    for name in ("after_commit", "after_rollback"):
        if not event.contains(session, name, _invalidate_listener):
            event.listen(session, name, _invalidate_listener)


def _invalidate_listener(session):
    invalidate_cache()
