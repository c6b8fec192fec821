"""WorkCalendar on real 2026 dates (National Day, Spring Festival) and the uncovered year 2027."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.calendar import workdays
from app.calendar.workdays import WorkCalendar, as_date, get_calendar, package_covers_year

D = date


@pytest.fixture
def cal():
    return WorkCalendar()


# --- the State Council schedule as shipped by chinesecalendar ---------------------------


def test_national_day_2026_holidays_and_make_up_workdays(cal):
    for day in range(1, 8):
        assert not cal.is_workday(D(2026, 10, day)), f"Oct {day} is a holiday"
    assert cal.is_workday(D(2026, 9, 20))  # Sunday, make-up workday
    assert cal.is_workday(D(2026, 10, 10))  # Saturday, make-up workday
    assert not cal.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert cal.is_workday(D(2026, 9, 30)) and cal.is_workday(D(2026, 10, 8))


def test_spring_festival_2026_holidays_and_make_up_workdays(cal):
    for day in range(15, 24):
        assert not cal.is_workday(D(2026, 2, day)), f"Feb {day} is a holiday"
    assert cal.is_workday(D(2026, 2, 14))  # Saturday, make-up workday
    assert cal.is_workday(D(2026, 2, 28))  # Saturday, make-up workday
    assert cal.is_workday(D(2026, 2, 24))


def test_next_workday(cal):
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 9, 30)) == D(2026, 9, 30)
    assert cal.next_workday(D(2026, 10, 11)) == D(2026, 10, 12)
    assert cal.previous_workday(D(2026, 10, 7)) == D(2026, 9, 30)


# --- working-day arithmetic --------------------------------------------------------------


def test_add_working_days_skips_national_day_and_counts_make_up_saturday(cal):
    # Oct 8 (1), Oct 9 (2), Sat Oct 10 (3, make-up), Oct 12 (4), Oct 13 (5).
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_add_working_days_first_day_not_counted(cal):
    assert cal.add_working_days(D(2026, 9, 29), 1) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # make-up Saturday
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)  # after the break


def test_add_working_days_zero(cal):
    assert cal.add_working_days(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)


def test_add_working_days_negative_counts_backwards(cal):
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 10, 13), -5) == D(2026, 9, 30)


def test_fifteen_and_twenty_working_days(cal):
    assert cal.add_working_days(D(2026, 9, 30), 15) == D(2026, 10, 27)
    assert cal.add_working_days(D(2026, 9, 30), 20) == D(2026, 11, 3)
    # Across the Spring Festival with both make-up Saturdays counted.
    assert cal.add_working_days(D(2026, 2, 6), 15) == D(2026, 3, 5)
    assert cal.add_working_days(D(2026, 2, 2), 20) == D(2026, 3, 6)


def test_add_calendar_days_first_day_not_counted_and_holiday_rolls_forward(cal):
    assert cal.add_calendar_days(D(2026, 9, 28), 2) == D(2026, 9, 30)
    assert cal.add_calendar_days(D(2026, 9, 28), 5) == D(2026, 10, 8)  # Oct 3 -> Oct 8
    assert cal.add_calendar_days(D(2026, 9, 25), 15) == D(2026, 10, 10)  # make-up Saturday
    assert cal.add_calendar_days(D(2026, 2, 10), 5) == D(2026, 2, 24)  # Feb 15 -> Feb 24
    assert cal.add_calendar_days(D(2026, 10, 9), 2) == D(2026, 10, 12)  # ordinary Sunday


def test_add_calendar_days_rejects_negative(cal):
    with pytest.raises(ValueError):
        cal.add_calendar_days(D(2026, 9, 28), -1)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 9, 30)) == -2
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 9, 30)) == 0


def test_remaining_working_days(cal):
    assert cal.remaining_working_days(D(2026, 10, 9), D(2026, 10, 13)) == 3
    assert cal.remaining_working_days(D(2026, 10, 13), D(2026, 10, 13)) == 0
    assert cal.remaining_working_days(D(2026, 10, 14), D(2026, 10, 12)) == -2


def test_inputs_accept_iso_strings_and_aware_datetimes(cal):
    assert cal.add_working_days("2026-09-30", "5") == D(2026, 10, 13)
    # 17:00 UTC on Sept 30 is already Oct 1 in Beijing.
    assert as_date(datetime(2026, 9, 30, 17, tzinfo=UTC)) == D(2026, 10, 1)
    assert as_date("2026-10-01T01:00:00+08:00") == D(2026, 10, 1)
    for bad in ("2026-13-01", "下周一", None):
        with pytest.raises(ValueError):
            as_date(bad)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 9, 30), 1.5)


# --- overrides and the uncovered year ---------------------------------------------------


def test_override_wins_over_package():
    cal = WorkCalendar({D(2026, 10, 8): False, "2026-10-11": True})
    assert not cal.is_workday(D(2026, 10, 8))
    assert cal.is_workday(D(2026, 10, 11))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_package_coverage():
    assert package_covers_year(2026)
    assert package_covers_year(2004)
    assert not package_covers_year(2027)


def test_uncovered_year_without_overrides_falls_back_to_monday_to_friday(cal):
    assert not cal.is_year_covered(2027)
    assert cal.uncovered_years(range(2025, 2028)) == [2027]
    assert cal.fallback_years == frozenset()
    # 2027-01-01 is a Friday: without data it counts as a working day.
    assert cal.is_workday(D(2027, 1, 1))
    assert not cal.is_workday(D(2027, 1, 2))
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert cal.add_working_days(D(2027, 1, 1), 3) == D(2027, 1, 6)
    assert cal.fallback_years == frozenset({2027})


def test_uncovered_year_with_overrides():
    # Admin-entered test data (not the real 2027 schedule): New Year's Day off and a
    # make-up Saturday.
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 9): True})
    # A few entered days do not make the year known: only an admin's confirmation does.
    assert not cal.is_year_covered(2027) and cal.uncovered_years(range(2026, 2028)) == [2027]
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 9): True}, confirmed_years={2027})
    assert cal.is_year_covered(2027)
    assert cal.uncovered_years(range(2026, 2028)) == []
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.add_calendar_days(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert cal.add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 9)
    # Days without an override still use the guess, and that is recorded.
    assert cal.fallback_years == frozenset({2027})


def test_all_non_working_overrides_fail_loudly():
    broken = WorkCalendar({D(2026, 10, 8) + timedelta(days=i): False for i in range(400)})
    with pytest.raises(RuntimeError):
        broken.next_workday(D(2026, 10, 8))


# --- the process-wide default calendar --------------------------------------------------


@pytest.fixture
def fake_loader(monkeypatch):
    calls = []

    def load():
        calls.append(1)
        return {D(2027, 1, 1): False}, set()

    workdays.set_default_calendar(None)
    workdays.invalidate_cache()
    monkeypatch.setattr(workdays, "_load_overrides", load)
    yield calls
    workdays.invalidate_cache()


def test_get_calendar_caches_and_reloads_after_invalidation(fake_loader):
    first = get_calendar()
    assert not first.is_workday(D(2027, 1, 1))
    assert get_calendar() is first
    assert len(fake_loader) == 1
    workdays.invalidate_cache()
    assert get_calendar() is not first
    assert len(fake_loader) == 2


def test_get_calendar_reloads_after_ttl(fake_loader, monkeypatch):
    first = get_calendar()
    real = workdays.time.monotonic
    monkeypatch.setattr(workdays.time, "monotonic", lambda: real() + workdays.CACHE_TTL_SECONDS + 1)
    assert get_calendar() is not first


def test_get_calendar_without_database_is_package_only_and_not_cached(monkeypatch):
    workdays.invalidate_cache()
    monkeypatch.setattr(workdays, "_load_overrides", lambda: None)
    cal = get_calendar()
    assert cal.overrides == {}
    assert get_calendar() is not cal
    workdays.invalidate_cache()


def test_set_default_calendar_pins():
    pinned = WorkCalendar({D(2026, 10, 9): False})
    workdays.set_default_calendar(pinned)
    try:
        assert get_calendar() is pinned
    finally:
        workdays.set_default_calendar(None)
