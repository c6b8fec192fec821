"""Working-day calendar and statutory deadlines (State Council holidays, 调休, admin overrides).

Overrides (app.calendar.overrides) and the CLI (app.calendar.cli) are imported on demand so
that pure date arithmetic never touches the database layer.
"""
from app.calendar.deadlines import (
    Deadline,
    DueRule,
    compute_due_date,
    due_datetime,
    end_of_day_utc,
    extend,
    parse_due_rule,
    pause,
    resume,
    start_deadline,
)
from app.calendar.helpers import register_expression_helpers
from app.calendar.workdays import (
    WorkCalendar,
    get_calendar,
    invalidate_cache,
    package_covers_year,
    set_default_calendar,
)

__all__ = [
    "Deadline",
    "DueRule",
    "WorkCalendar",
    "compute_due_date",
    "due_datetime",
    "end_of_day_utc",
    "extend",
    "get_calendar",
    "invalidate_cache",
    "package_covers_year",
    "parse_due_rule",
    "pause",
    "register_expression_helpers",
    "resume",
    "set_default_calendar",
    "start_deadline",
]
