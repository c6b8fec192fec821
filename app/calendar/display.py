"""Deadlines shown to users say when they are only estimated (a year without the State Council schedule)."""
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.calendar.workdays import as_date, get_calendar
from app.clock import local_today


def estimated_years(*moments) -> list[int]:
    """Years between today and the given days whose working days are only estimated (Monday to Friday)."""
    today = local_today()
    years = set()
    for moment in moments:
        if moment is None:
            continue
        day = as_date(moment)
        years.update(range(min(today.year, day.year), max(today.year, day.year) + 1))
    return get_calendar().uncovered_years(years)


def estimate_note(*moments) -> str:
    """A warning naming the uncovered years, or "" when the deadline is counted from the real schedule."""
    years = estimated_years(*moments)
    if not years:
        return ""
    return _("%(years)s 年的节假日安排尚未录入，此期限暂按周一至周五估算，请以实际为准",
             years="、".join(str(y) for y in years))


def estimate_tag(*moments) -> Markup:
    """The 估算 tag beside a deadline (its title says why), or nothing."""
    note = estimate_note(*moments)
    if not note:
        return Markup("")
    return Markup('<span class="tag tag-amber calendar-estimate" title="{}">{}</span>').format(
        escape(note), _("估算"))


def register_template_globals(app):
    """Expose the estimate tag to every template."""
    app.jinja_env.globals.update(calendar_estimate=estimate_note, calendar_estimate_tag=estimate_tag)
