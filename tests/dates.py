"""Dates for tests, built from today's date in Beijing so that no test depends on the day it runs."""
from datetime import date, timedelta

from app.clock import local_today


def today() -> date:
    """Today in Beijing (follows freezegun and faketime)."""
    return local_today()


def day(offset: int) -> str:
    """ISO date `offset` calendar days from today (negative: in the past)."""
    return (today() + timedelta(days=offset)).isoformat()
