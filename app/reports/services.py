"""Report drafts: create (idempotent per unit and period), regenerate, remarks, submit; rights and scope."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload

from app.audit.services import record_event
from app.auth.models import OrgUnit
from app.auth.services import is_in_scope, unit_ids_in_scope
from app.clock import local_today
from app.db import db, utcnow
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.reports.models import REPORT_KINDS, Report
from app.reports.statutory import Period, build_report_figures

REVIEW_DEPARTMENT = "quality_supervision"
MAX_REMARKS = 4000


def can_view_reports(user) -> bool:
    """Supervisors and quality-supervision staff read the reports of their scope."""
    return bool(user and (user.has_role("supervisor") or REVIEW_DEPARTMENT in user.department_codes))


def can_generate(user) -> bool:
    """Quality-supervision staff generate their own bureau's reports."""
    return bool(user and (REVIEW_DEPARTMENT in user.department_codes or user.has_role("system_admin")))


def can_review(user, report: Report) -> bool:
    """Quality-supervision staff of the report's own bureau regenerate it and add remarks."""
    return bool(report.org_unit_id == getattr(user, "org_unit_id", None) and can_generate(user))


def can_submit(user, report: Report) -> bool:
    """The quality-supervision head of the report's own bureau submits it."""
    return can_review(user, report) and user.has_role("supervisor")


def find_report(kind, org_unit_id, period: Period) -> Report | None:
    """The stored report of a unit for a period, if any."""
    return db.scalar(select(Report).where(Report.kind == kind, Report.org_unit_id == org_unit_id,
                                          Report.period_start == period.start, Report.period_end == period.end))


def ensure_report(kind, unit: OrgUnit, period: Period, user_id=None, campaign=None) -> tuple[Report, bool]:
    """The unit's report for the period, generated as a draft when missing; (report, created).

    With a campaign the report carries its due time and counts its cumulative column from the campaign's start.
    """
    if kind not in REPORT_KINDS:
        raise InvalidInput("报表类型无效")
    if period.end < period.start:
        raise InvalidInput("统计期结束日期不能早于开始日期")
    existing = find_report(kind, unit.id, period)
    if existing is not None:
        return existing, False
    now = utcnow()
    due = since = None
    if campaign is not None:
        from app.campaigns.schedule import report_due

        due, since = report_due(campaign, kind, period), campaign.start_date
    report = Report(kind=kind, org_unit_id=unit.id, period_start=period.start, period_end=period.end,
                    figures=build_report_figures(kind, unit, period, since), remarks="", status="draft",
                    generated_at=now, generated_by_id=user_id, campaign_id=getattr(campaign, "id", None),
                    due_at=due, returned_reason="")
    try:
        with db.begin_nested():  # two requests (or schedulers) generating the same report: one wins
            db.add(report)
            db.flush()
    except IntegrityError:
        return find_report(kind, unit.id, period), False
    record_event("report_generated", actor_id=user_id, summary=f"{kind} {unit.code} {period.start}~{period.end}",
                 data={"report_id": report.id, "kind": kind, "org_unit_id": unit.id}, at=now)
    return report, True


def create_report(user, kind, period: Period, campaign=None) -> Report:
    """A reviewer asks for a report of their own bureau (returns the existing one if already there)."""
    if not can_generate(user):
        raise Forbidden("只有质量监督科室可以生成报表")
    report, _created = ensure_report(kind, user.org_unit, period, user.id, campaign)
    return report


def get_report(user, report_id) -> Report:
    """A report the user may read (their unit or below)."""
    report = db.get(Report, report_id)
    if report is None:
        raise NotFound("报表不存在")
    if not can_view_reports(user) or not is_in_scope(user, report.org_unit_id):
        raise Forbidden("无权查看该报表")
    return report


def list_reports(user, kind=None, limit=200) -> list[Report]:
    """Reports of the user's unit and the units below it, newest period first."""
    if not can_view_reports(user):
        raise Forbidden("无权查看报表")
    # The list shows each report's bureau but never its figures (an annual report's JSON holds
    # whole hazard and case lists): load the units with the page and leave the figures unread.
    stmt = (select(Report).options(defer(Report.figures), selectinload(Report.org_unit))
            .where(Report.org_unit_id.in_(unit_ids_in_scope(user.org_unit))))
    if kind:
        stmt = stmt.where(Report.kind == kind)
    stmt = stmt.order_by(Report.period_end.desc(), Report.kind, Report.org_unit_id).limit(limit)
    return list(db.scalars(stmt))


def _editable(user, report_id, check) -> Report:
    report = get_report(user, report_id)
    if not check(user, report):
        raise Forbidden("只有本单位质量监督科室可以审核、报送该报表")
    if report.status != "draft":
        raise Conflict("报表已报送，不能再修改")
    return report


def regenerate_report(user, report_id) -> Report:
    """Recompute a draft's figures from the current data."""
    report = _editable(user, report_id, can_review)
    now = utcnow()
    since = report.figures.get("since") if isinstance(report.figures, dict) else None
    report.figures = build_report_figures(report.kind, report.org_unit, Period(report.period_start, report.period_end),
                                          date.fromisoformat(since) if since else None)
    report.generated_at, report.generated_by_id = now, user.id
    db.flush()
    record_event("report_regenerated", actor_id=user.id, summary=_summary(report),
                 data={"report_id": report.id}, at=now)
    return report


def save_remarks(user, report_id, remarks) -> Report:
    """Store the reviewer's remarks on a draft."""
    report = _editable(user, report_id, can_review)
    remarks = (remarks or "").strip()
    if len(remarks) > MAX_REMARKS:
        raise InvalidInput(f"说明不能超过 {MAX_REMARKS} 字")
    report.remarks = remarks
    db.flush()
    record_event("report_remarks_saved", actor_id=user.id, summary=_summary(report),
                 data={"report_id": report.id}, at=utcnow())
    return report


def submit_report(user, report_id) -> Report:
    """Submit a reviewed draft; afterwards it is read-only."""
    report = _editable(user, report_id, can_submit)
    now = utcnow()
    if local_today(now) <= report.period_end:
        raise Conflict(f"统计期至 {report.period_end} 结束，结束后才能报送")
    report.status, report.submitted_by_id, report.submitted_at = "submitted", user.id, now
    from app.reports.upward import children_breakdown

    # What the bureaus below had submitted is frozen with the report (a later return does not change it).
    snapshot = children_breakdown(report)
    if snapshot is not None:
        report.figures = {**report.figures, "children": snapshot}
    db.flush()
    record_event("report_submitted", actor_id=user.id, summary=_summary(report),
                 data={"report_id": report.id, "kind": report.kind}, at=now)
    return report


def _summary(report):
    return f"{report.kind} {report.org_unit.code} {report.period_start}~{report.period_end}"
