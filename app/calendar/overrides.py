"""Admin-maintained calendar overrides: services that flush but never commit."""
from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import event, select

from app.audit.services import record_event
from app.calendar.models import CalendarOverride, CalendarYear
from app.calendar.workdays import as_date, invalidate_cache, package_covers_year
from app.db import db, utcnow

NOTE_MAX_LENGTH = 200


MAX_HOLIDAY_RUN_DAYS = 15  # the longest State Council break (Spring Festival, National Day) is 8-9 days


class CoverageRow(NamedTuple):
    """How well one year is known: by the package, by admin overrides, and whether an admin confirmed it."""

    year: int
    covered_by_package: bool
    override_count: int
    confirmed: CalendarYear | None = None

    @property
    def is_covered(self) -> bool:
        """True when deadlines in this year are counted from the real schedule."""
        return self.covered_by_package or self.confirmed is not None


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


def set_override(day, is_workday, note="", user_id=None, *, is_audited=True):
    """Declare a day a working day or a holiday (insert or update), flush and drop the cache."""
    day = as_date(day)
    if not isinstance(is_workday, bool):
        raise ValueError(_("必须指定该日是工作日还是休息日"))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(_("备注不能超过 %(n)s 个字符", n=NOTE_MAX_LENGTH))
    row = get_override(day)
    if row is None:
        row = CalendarOverride(day=day)
        db.add(row)
    row.is_workday = is_workday
    row.note = note
    row.updated_by_id = user_id
    row.updated_at = utcnow()
    db.flush()
    if is_audited:
        kind = "上班" if is_workday else "休息"
        record_event("calendar_day_set", actor_id=user_id, summary=f"{day.isoformat()} {kind} {note}",
                     data={"day": day.isoformat(), "is_workday": is_workday, "note": note})
    _invalidate_now_and_at_transaction_end()
    return row


def delete_override(day, user_id=None):
    """Remove the override of a day; True when one existed."""
    row = get_override(day)
    if row is None:
        return False
    db.delete(row)
    db.flush()
    record_event("calendar_day_deleted", actor_id=user_id, summary=row.day.isoformat(),
                 data={"day": row.day.isoformat()})
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
    confirmed = {row.year: row for row in db.scalars(select(CalendarYear).where(CalendarYear.year.in_(years)))}
    return [CoverageRow(y, package_covers_year(y), counts.get(y, 0), confirmed.get(y)) for y in years]


def load_confirmed_years():
    """The years whose schedule an admin has confirmed as entered in full."""
    return set(db.scalars(select(CalendarYear.year)))


def set_holiday_range(first, last, note, user_id=None) -> int:
    """Declare every day from `first` to `last` (inclusive) a holiday, e.g. 春节 2027-02-06..2027-02-13."""
    first, last = as_date(first), as_date(last)
    if last < first:
        raise ValueError(_("结束日期不能早于开始日期"))
    if (last - first).days + 1 > MAX_HOLIDAY_RUN_DAYS:
        raise ValueError(_("一段假期不能超过 %(n)s 天，请分段录入", n=MAX_HOLIDAY_RUN_DAYS))
    day, count = first, 0
    while day <= last:
        set_override(day, False, note, user_id, is_audited=False)
        day = date.fromordinal(day.toordinal() + 1)
        count += 1
    record_event("calendar_holidays_set", actor_id=user_id, summary=f"{first.isoformat()}—{last.isoformat()} {note}",
                 data={"first": first.isoformat(), "last": last.isoformat(), "note": note})
    return count


def confirm_year(year, source, user_id=None) -> CalendarYear:
    """Record that the year's State Council schedule is entered in full; its deadlines stop warning."""
    year = int(year)
    if package_covers_year(year):
        raise ValueError(_("%(year)s 年已由节假日数据包覆盖，无需确认", year=year))
    if not any(True for _ in list_overrides(year)):
        raise ValueError(_("%(year)s 年尚未录入任何放假或调休安排，请先录入再确认", year=year))
    row = db.get(CalendarYear, year) or CalendarYear(year=year)
    row.source, row.confirmed_by_id, row.confirmed_at = (source or "").strip()[:200], user_id, utcnow()
    db.add(row)
    db.flush()
    record_event("calendar_year_confirmed", actor_id=user_id, summary=f"{year} {row.source}",
                 data={"year": year, "source": row.source})
    _invalidate_now_and_at_transaction_end()
    return row


def withdraw_confirmation(year, user_id=None) -> bool:
    """Take a year's confirmation back (its deadlines warn again); True when it was confirmed."""
    row = db.get(CalendarYear, int(year))
    if row is None:
        return False
    db.delete(row)
    db.flush()
    record_event("calendar_year_withdrawn", actor_id=user_id, summary=str(row.year), data={"year": row.year})
    _invalidate_now_and_at_transaction_end()
    return True


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
