"""The working-day calendar for system admins: which years are known, and entering a State Council schedule."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.auth.guards import restrict_blueprint_to_role
from app.calendar import overrides
from app.calendar.schemas import ConfirmForm, DayForm, HolidayRangeForm
from app.clock import local_today
from app.errors import NotFound, first_error

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar", template_folder="templates")
restrict_blueprint_to_role(bp, "system_admin")
FIRST_YEAR, LAST_YEAR = 2004, 2100


def _year_or_404(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotFound("年份超出范围")
    return year


@bp.get("/")
def index():
    """Coverage of last year, this year and the next two."""
    this_year = local_today().year
    rows = overrides.coverage_report(range(this_year - 1, this_year + 3))
    return render_template("calendar/index.html", rows=rows, this_year=this_year)


def _year_page(year, status=200, errors=None, form=None):
    [coverage] = overrides.coverage_report([year])
    return render_template("calendar/year.html", year=year, coverage=coverage,
                           days=overrides.list_overrides(year), errors=errors or {}, form=form or {}), status


@bp.get("/<int:year>")
def year_page(year):
    """One year's entered holidays and make-up working days."""
    return _year_page(_year_or_404(year))[0]


def _load(schema, year, which):
    try:
        return schema().load(request.form), None
    except ValidationError as exc:
        return None, _year_page(year, 400, {which: first_error(exc.messages)}, request.form)


def _apply(year, which, action):
    # The calendar services refuse bad days with a Chinese ValueError; the page comes back with the input.
    try:
        return action(), None
    except ValueError as exc:
        return None, _year_page(year, 400, {which: str(exc)}, request.form)


@bp.post("/<int:year>/holidays")
def add_holidays(year):
    """Enter a holiday break (every day from first to last is a rest day)."""
    _year_or_404(year)
    data, page = _load(HolidayRangeForm, year, "holidays")
    if page:
        return page
    if data["first"].year != year or data["last"].year != year:
        return _year_page(year, 400, {"holidays": _("日期须在 %(year)s 年内", year=year)}, request.form)
    count, page = _apply(year, "holidays", lambda: overrides.set_holiday_range(
        data["first"], data["last"], data["note"], current_user.id))
    if page:
        return page
    flash(_("已录入放假 %(n)s 天", n=count), "success")
    return redirect(url_for("calendar.year_page", year=year))


@bp.post("/<int:year>/workdays")
def add_workday(year):
    """Enter a make-up working day (调休上班, usually a weekend)."""
    _year_or_404(year)
    data, page = _load(DayForm, year, "workday")
    if page:
        return page
    if data["day"].year != year:
        return _year_page(year, 400, {"workday": _("日期须在 %(year)s 年内", year=year)}, request.form)
    _row, page = _apply(year, "workday", lambda: overrides.set_override(
        data["day"], True, data["note"], current_user.id))
    if page:
        return page
    flash(_("已录入调休上班日 %(day)s", day=data["day"].isoformat()), "success")
    return redirect(url_for("calendar.year_page", year=year))


@bp.post("/<int:year>/delete")
def delete_day(year):
    """Remove one entered day (it is counted from the package or Monday to Friday again)."""
    _year_or_404(year)
    data, page = _load(DayForm, year, "list")
    if page:
        return page
    if overrides.delete_override(data["day"], current_user.id):
        flash(_("已删除 %(day)s 的录入", day=data["day"].isoformat()), "success")
    return redirect(url_for("calendar.year_page", year=year))


@bp.post("/<int:year>/confirm")
def confirm(year):
    """Confirm the year's schedule is entered in full: its deadlines stop carrying the estimate warning."""
    _year_or_404(year)
    data, page = _load(ConfirmForm, year, "confirm")
    if page:
        return page
    _row, page = _apply(year, "confirm", lambda: overrides.confirm_year(year, data["source"], current_user.id))
    if page:
        return page
    flash(_("已确认 %(year)s 年节假日安排录入完整", year=year), "success")
    return redirect(url_for("calendar.year_page", year=year))


@bp.post("/<int:year>/withdraw")
def withdraw(year):
    """Take the confirmation back (e.g. the State Council changed the schedule)."""
    _year_or_404(year)
    if overrides.withdraw_confirmation(year, current_user.id):
        flash(_("已撤销 %(year)s 年的确认，该年期限重新标注为估算", year=year), "success")
    return redirect(url_for("calendar.year_page", year=year))
