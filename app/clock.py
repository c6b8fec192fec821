"""Time in one place: the bureaus' time zone and the dates users and statutes count in.

Times are stored in UTC; every date a user types or reads, and every statutory deadline, is a Beijing
date. China has had no daylight saving since 1991, so a fixed +08:00 offset is exact and does not
depend on a tz database being installed on the server. It is not a setting: the law counts in Beijing
time wherever the server runs.
"""
from datetime import UTC, date, datetime, time, timedelta, timezone

LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_TZ = timezone(timedelta(hours=8), LOCAL_TZ_NAME)


def utcnow() -> datetime:
    """The current time, aware, in UTC (freezegun-friendly)."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today's Beijing date (at `now` when given)."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def local_date(moment: datetime | None) -> date | None:
    """The Beijing calendar date of an aware datetime."""
    return moment.astimezone(LOCAL_TZ).date() if moment is not None else None


def local_start(day: date) -> datetime:
    """The first instant of a Beijing date (aware)."""
    return datetime.combine(day, time.min, LOCAL_TZ)


def local_end_utc(day: date) -> datetime:
    """The last second of a Beijing date, in UTC: when a deadline on that day runs out."""
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)
