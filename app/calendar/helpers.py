"""Calendar helpers for BPMN expressions: JSON-friendly in (ISO strings or dates) and out."""
import logging
from datetime import datetime, time

from app.calendar import deadlines
from app.calendar.workdays import as_date, get_calendar
from app.clock import LOCAL_TZ, local_today

log = logging.getLogger(__name__)


def today():
    """Today's date in China as an ISO string."""
    return local_today().isoformat()


def add_working_days(start_iso, n):
    """The n-th working day after start (start not counted), as an ISO date."""
    return get_calendar().add_working_days(as_date(start_iso), n).isoformat()


def add_days(start_iso, n):
    """start + n calendar days (first day not counted), moved off holidays, as an ISO date."""
    return get_calendar().add_calendar_days(as_date(start_iso), n).isoformat()


def end_of_day(date_iso):
    """23:59:59 China time of the day, as an ISO datetime with +08:00 (a timer's timeDate)."""
    return datetime.combine(as_date(date_iso), time(23, 59, 59), LOCAL_TZ).isoformat()


def working_days_between(a_iso, b_iso):
    """Working days after a up to and including b (negative when b is before a)."""
    return get_calendar().working_days_between(as_date(a_iso), as_date(b_iso))


def days_between(a_iso, b_iso):
    """Calendar days after a up to and including b (a clock stop's length in a days limit)."""
    return (as_date(b_iso) - as_date(a_iso)).days


def is_workday(date_iso):
    """True when the day is a working day in mainland China."""
    return get_calendar().is_workday(as_date(date_iso))


def due_date(start_iso, rule):
    """The due day (ISO date) of a day rule such as "15WD" or "60D" started on start."""
    parsed = deadlines.parse_due_rule(rule)
    return deadlines.compute_due_date(as_date(start_iso), parsed.amount, parsed.unit).isoformat()


EXPRESSION_HELPERS = (
    today,
    add_working_days,
    add_days,
    end_of_day,
    working_days_between,
    days_between,
    is_workday,
    due_date,
)


def register_expression_helpers():
    """Register the calendar helpers with the BPMN expression environment; False if unavailable."""
    try:
        from app.engine.expressions import register_helper
    except ModuleNotFoundError as exc:
        # The engine package may be absent in calendar-only tools; anything else is a bug.
        if exc.name not in ("app.engine", "app.engine.expressions"):
            raise
        log.warning("BPMN 表达式环境不可用，日历函数未注册")
        return False
    for helper in EXPRESSION_HELPERS:
        register_helper()(helper)
    return True
