"""Dates for tests, built from today's date in Beijing so that no test depends on the day it runs."""
from datetime import UTC, date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))


def today() -> date:
    """Today in Beijing (follows freezegun and faketime)."""
    return datetime.now(UTC).astimezone(BEIJING).date()


def day(offset: int) -> str:
    """ISO date `offset` calendar days from today (negative: in the past)."""
    return (today() + timedelta(days=offset)).isoformat()
