"""Working-day calendar: State Council holidays and make-up workdays (调休) plus admin overrides."""
import logging
import threading
import time
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import chinese_calendar

from app.clock import LOCAL_TZ

log = logging.getLogger(__name__)

# Dates a user may type into a filter or report form: anything outside is a typo, and dates near
# year 1 or 9999 overflow when shifted by a day or converted between time zones.
FIRST_INPUT_DATE, LAST_INPUT_DATE = date(2000, 1, 1), date(2100, 12, 31)

# Longest run of consecutive non-working days we accept before assuming the override
# table is broken (the Spring Festival break is 9 days; a year without workdays is a bug).
MAX_NON_WORKING_RUN = 60

# The process-wide calendar is reloaded at least this often so that overrides saved by
# another process (the CLI, another web worker) are picked up without a restart.
CACHE_TTL_SECONDS = 300

ONE_DAY = timedelta(days=1)


def as_date(value):
    """Coerce a date, a datetime (taken in China time when aware) or an ISO string to a date."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return as_date(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise ValueError(f"无法识别的日期：{value!r}（应为 YYYY-MM-DD 格式）")


@cache
def package_covers_year(year):
    """True when the chinesecalendar package has the State Council schedule for this year."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def _package_is_workday(day):
    # The package rescans its holiday table on every call; deadlines ask about the same
    # few hundred days over and over, so memoise.
    return chinese_calendar.is_workday(day)


class WorkCalendar:
    """The working-day calendar: overrides first, then the package, else Monday to Friday."""

    def __init__(self, overrides=None, confirmed_years=()):
        self._overrides = {as_date(k): bool(v) for k, v in (overrides or {}).items()}
        self._override_years = frozenset(d.year for d in self._overrides)
        self._confirmed_years = frozenset(int(y) for y in confirmed_years)
        self._fallback_years = set()
        self._lock = threading.Lock()

    @property
    def overrides(self):
        """A copy of the override mapping {date: is_workday}."""
        return dict(self._overrides)

    @property
    def fallback_years(self):
        """Years for which a Monday-to-Friday guess has actually been used so far."""
        with self._lock:
            return frozenset(self._fallback_years)

    def has_overrides_for(self, year):
        """True when at least one override falls in this year."""
        return year in self._override_years

    def is_year_covered(self, year):
        """True when the package covers the year or an admin has entered its schedule and confirmed it."""
        return package_covers_year(year) or year in self._confirmed_years

    def uncovered_years(self, years):
        """The years (from an iterable such as a range) whose working days are only estimated (Mon-Fri)."""
        return sorted({y for y in years if not self.is_year_covered(y)})

    def is_workday(self, day):
        """True when the day is a working day in mainland China."""
        day = as_date(day)
        override = self._overrides.get(day)
        if override is not None:
            return override
        if package_covers_year(day.year):
            return _package_is_workday(day)
        self._note_fallback(day.year)
        return day.weekday() < 5

    def _note_fallback(self, year):
        with self._lock:
            if year in self._fallback_years:
                return
            self._fallback_years.add(year)
        _log_fallback_once(year, self.is_year_covered(year))

    def next_workday(self, day):
        """The day itself when it is a working day, otherwise the next working day."""
        day = as_date(day)
        for _ in range(MAX_NON_WORKING_RUN + 1):
            if self.is_workday(day):
                return day
            day += ONE_DAY
        raise RuntimeError(f"{day} 之前连续 {MAX_NON_WORKING_RUN} 天均非工作日，请检查日历调整记录")

    def previous_workday(self, day):
        """The day itself when it is a working day, otherwise the closest earlier working day."""
        day = as_date(day)
        for _ in range(MAX_NON_WORKING_RUN + 1):
            if self.is_workday(day):
                return day
            day -= ONE_DAY
        raise RuntimeError(f"{day} 之后连续 {MAX_NON_WORKING_RUN} 天均非工作日，请检查日历调整记录")

    def add_working_days(self, start, n):
        """The n-th working day after start (start not counted); n=0 is start or the next workday.

        A negative n counts backwards (the n-th working day before start), for reminders.
        """
        day = as_date(start)
        n = _as_int(n)
        if n == 0:
            return self.next_workday(day)
        step = ONE_DAY if n > 0 else -ONE_DAY
        seek = self.next_workday if n > 0 else self.previous_workday
        for _ in range(abs(n)):
            day = seek(day + step)
        return day

    def add_calendar_days(self, start, n):
        """start + n calendar days (first day not counted), moved to the next working day."""
        n = _as_int(n)
        if n < 0:
            raise ValueError("自然日天数不能为负数")
        return self.next_workday(as_date(start) + timedelta(days=n))

    def working_days_between(self, a, b):
        """Working days after a up to and including b; negative when b is before a."""
        a, b = as_date(a), as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a + ONE_DAY
        while day <= b:
            count += self.is_workday(day)
            day += ONE_DAY
        return count

    def remaining_working_days(self, today, due):
        """Working days left until due (0 on the due day itself, negative when overdue)."""
        return self.working_days_between(today, due)


_logged_fallback_years = set()


def _log_fallback_once(year, has_overrides):
    # Calendars are rebuilt on every cache reload; warn once per process, not per rebuild.
    # A year with admin overrides is presumably maintained, so only note it quietly.
    with _lock:
        if year in _logged_fallback_years:
            return
        _logged_fallback_years.add(year)
    if has_overrides:
        log.info("%s 年未被节假日数据包覆盖，使用调整记录，其余日期按周一至周五计算", year)
    else:
        log.warning("%s 年的法定节假日安排未收录，暂按周一至周五计算工作日，请管理员补录调整记录", year)


def _as_int(value):
    if isinstance(value, bool):
        raise ValueError(f"天数必须是整数：{value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"天数必须是整数：{value!r}") from None
    if number != value and not isinstance(value, str):
        raise ValueError(f"天数必须是整数：{value!r}")
    return number


# --- the process-wide default calendar -------------------------------------------------

_lock = threading.Lock()
_cached = None  # (WorkCalendar, loaded_at monotonic seconds)
_pinned = None
_generation = 0


def set_default_calendar(calendar):
    """Pin the calendar get_calendar() returns (tests, DB-less tools); None restores DB loading."""
    global _pinned
    with _lock:
        _pinned = calendar


def invalidate_cache():
    """Forget the loaded overrides so the next get_calendar() reads them again."""
    global _cached, _generation
    with _lock:
        _cached = None
        _generation += 1


def get_calendar():
    """The default calendar: package data plus the override table, cached briefly."""
    global _cached
    with _lock:
        if _pinned is not None:
            return _pinned
        if _cached is not None and time.monotonic() - _cached[1] < CACHE_TTL_SECONDS:
            return _cached[0]
        generation = _generation
    # Query outside the lock: the DB may be slow and another thread may load concurrently,
    # which only costs a duplicate read.
    loaded = _load_overrides()
    calendar = WorkCalendar(*(loaded or ({}, ())))
    if loaded is None:
        return calendar  # no database bound: do not cache, so it is read once one is
    with _lock:
        # An override saved while we were reading makes this result stale; keep it uncached.
        if generation == _generation:
            _cached = (calendar, time.monotonic())
    return calendar


def _load_overrides():
    from sqlalchemy.exc import UnboundExecutionError

    from app.calendar.overrides import load_confirmed_years, load_override_map

    try:
        return load_override_map(), load_confirmed_years()
    except UnboundExecutionError:
        # Pure computations (scripts, unit tests) run without a database: package only.
        log.debug("no database bound; calendar overrides not loaded")
        return None
