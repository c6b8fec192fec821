"""Dashboard and statutory report pages (blueprint "reports")."""
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.clock import local_today
from app.db import utcnow
from app.reports import services
from app.reports.schemas import DashboardQuery, NewReportForm, RemarksForm, first_error
from app.reports.scope import Period
from app.reports.statutory import FIGURE_ROWS, figure_filters, summary_lists

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")


def _require_supervisor():
    if not current_user.has_role("supervisor"):
        abort(403)


@bp.get("/dashboard")
@login_required
def dashboard():
    """Indicators of the supervisor's unit and below, with trends and breakdowns."""
    from app.reports.indicators import dashboard as compute

    _require_supervisor()
    now = utcnow()
    today = local_today(now)
    status, error = 200, ""
    try:
        query = DashboardQuery().load(request.args)
    except ValidationError as exc:
        query, status, error = {}, 400, first_error(exc.messages)
    period = Period(query.get("date_from") or date(today.year, 1, 1), query.get("date_to") or today)
    data = _with_urls(compute(current_user.org_unit, period, now))
    return render_template("reports/dashboard.html", data=data, error=error), status


def _with_urls(node):
    """Add `<name>_url` (the case list) beside every `<name>_params` / `params` drill-down filter."""
    from app.home.nav import url_for_safe

    if isinstance(node, list):
        return [_with_urls(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        out[key] = _with_urls(value)
        if key == "params" or key.endswith("_params"):
            out[key[:-len("params")] + "url"] = url_for_safe("cases.search", **value) if value else None
    return out


@bp.get("/")
@login_required
def index():
    """Stored reports of the user's unit and below; reviewers may generate one."""
    from app.campaigns.schedule import last_report_day
    from app.campaigns.services import visible_campaigns

    reports = services.list_reports(current_user, kind=request.args.get("kind") or None)
    today = local_today(utcnow())
    campaigns = visible_campaigns(current_user)
    default_day = next((d for d in (last_report_day(c, today) for c in campaigns) if d), today)
    return render_template("reports/index.html", reports=reports, default_day=default_day.isoformat(), now=utcnow(),
                           campaigns=campaigns, can_create=services.can_generate(current_user))


@bp.post("/")
@login_required
def create():
    """Generate (or open the existing) report of the user's bureau for a period."""
    try:
        form = NewReportForm().load(request.form)
    except ValidationError as exc:
        flash(first_error(exc.messages), "error")
        return redirect(url_for("reports.index")), 303
    from app.campaigns.services import report_period, visible_campaign

    campaign = visible_campaign(current_user, form["campaign_id"])
    period = report_period(campaign, form["kind"], form.get("report_day"))
    report = services.create_report(current_user, form["kind"], period, campaign)
    return redirect(url_for("reports.show", report_id=report.id)), 303


@bp.get("/<int:report_id>")
@login_required
def show(report_id):
    """The report page (also the printable version)."""
    return _render_show(services.get_report(current_user, report_id))


LIST_ROWS_ON_PAGE = 300


def _render_show(report, status=200, **extra):
    from app.home.nav import url_for_safe

    drill = {key: {col: url_for_safe("cases.search", **params) for col, params in cols.items()}
             for key, cols in figure_filters(report).items()}
    # A province's annual lists run to thousands of rows: the page shows the first ones unless asked for all.
    row_limit = None if request.args.get("all") == "1" else LIST_ROWS_ON_PAGE
    from app.reports.upward import report_breakdown

    breakdown = report_breakdown(report)
    lists = summary_lists(report.org_unit, Period(report.period_start, report.period_end), row_limit) \
        if report.kind != "weekly" else None
    upper = report.org_unit.parent_id == current_user.org_unit_id
    return render_template("reports/show.html", report=report, figure_rows=FIGURE_ROWS, drill_urls=drill,
                           row_limit=row_limit, lists=lists, can_review=services.can_review(current_user, report),
                           can_submit=services.can_submit(current_user, report), breakdown=breakdown,
                           can_return=upper and services.can_generate(current_user)
                           and current_user.has_role("supervisor") and report.status == "submitted",
                           ended=local_today(utcnow()) > report.period_end, **extra), status


@bp.get("/<int:report_id>/export.xlsx")
@login_required
def export(report_id):
    """The report as an Excel workbook."""
    from app.reports.export import report_workbook

    report = services.get_report(current_user, report_id)
    name = f"report-{report.kind}-{report.org_unit.code}-{report.period_end.isoformat()}.xlsx"
    return Response(report_workbook(report), headers={"Content-Disposition": f"attachment; filename={name}"},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/<int:report_id>/regenerate")
@login_required
def regenerate(report_id):
    """Recompute a draft's figures."""
    services.regenerate_report(current_user, report_id)
    flash(_("已按最新数据重新生成"), "success")
    return redirect(url_for("reports.show", report_id=report_id)), 303


@bp.post("/<int:report_id>/remarks")
@login_required
def remarks(report_id):
    """Save the reviewer's remarks."""
    try:
        form = RemarksForm().load(request.form)
    except ValidationError as exc:
        # Re-show the page with the typed text kept, rather than losing it on a redirect.
        return _render_show(services.get_report(current_user, report_id), 400,
                            remarks_error=first_error(exc.messages), remarks_value=request.form.get("remarks", ""))
    services.save_remarks(current_user, report_id, form["remarks"])
    flash(_("说明已保存"), "success")
    return redirect(url_for("reports.show", report_id=report_id)), 303


@bp.post("/<int:report_id>/submit")
@login_required
def submit(report_id):
    """Submit the draft (read-only afterwards)."""
    services.submit_report(current_user, report_id)
    flash(_("报表已报送"), "success")
    return redirect(url_for("reports.show", report_id=report_id)), 303


from app.reports import upward_views  # noqa: E402,F401  (registers its routes on bp)
