"""Reports up the chain: the children's status (已报送 / 未报送 / 逾期), reminders, returns, and the sum of
what the children submitted beside the bureau's own recomputed figures."""
from decimal import Decimal

from sqlalchemy import select

from app.audit.services import record_event
from app.auth.models import OrgUnit
from app.cases.tally import as_amount
from app.db import db, utcnow
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.reports.models import Report
from app.reports.scope import Period
from app.reports.services import REVIEW_DEPARTMENT, get_report
from app.reports.statutory import FIGURE_ROWS, weekly_period

STATUS_LABELS = {"submitted": "已报送", "missing": "未报送", "overdue": "逾期", "returned": "已退回"}
MAX_REASON = 1000


def _status(report, due, now) -> str:
    if report is not None and report.status == "submitted":
        return "submitted"
    if report is not None and report.returned_reason:
        return "returned" if due is None or now <= due else "overdue"
    return "overdue" if due is not None and now > due else "missing"


def children_status(campaign, unit: OrgUnit, now) -> dict | None:
    """The latest weekly report of each bureau directly below `unit` in the campaign, with its status."""
    from app.campaigns.progress import regions
    from app.campaigns.schedule import due_at, last_report_day
    from app.clock import local_today

    day = last_report_day(campaign, local_today(now))
    children = [u for u in regions(campaign, unit) if u.id != unit.id]
    if day is None or not children:
        return None
    period, due = weekly_period(day), due_at(campaign, day)
    reports = {r.org_unit_id: r for r in db.scalars(select(Report).where(
        Report.kind == "weekly", Report.period_start == period.start, Report.period_end == period.end,
        Report.org_unit_id.in_([u.id for u in children])))}
    rows = [{"unit": u, "report": reports.get(u.id), "status": _status(reports.get(u.id), due, now)} for u in children]
    return {"period": period, "due": due, "rows": rows,
            "missing": [r["unit"].name for r in rows if r["status"] != "submitted"]}


def _upper_staff(user, child: OrgUnit):
    if child.parent_id != user.org_unit_id or REVIEW_DEPARTMENT not in user.department_codes:
        raise Forbidden("只有上一级单位的质量监督科室可以催报或退回")


def remind(user, campaign_id, child_code) -> int:
    """Remind a bureau below that its weekly report is not in; returns how many users were notified."""
    from app.campaigns.services import notify_quality_staff, visible_campaign

    campaign = visible_campaign(user, campaign_id)
    child = db.scalar(select(OrgUnit).where(OrgUnit.code == child_code))
    if child is None:
        raise NotFound("单位不存在")
    _upper_staff(user, child)
    status = children_status(campaign, user.org_unit, utcnow())
    row = next((r for r in (status or {}).get("rows", []) if r["unit"].id == child.id), None)
    if row is None or row["status"] == "submitted":
        raise Conflict("该单位本期周报已报送，无需催报")
    period = status["period"]
    notify_quality_staff([child], "周报催报", f"{user.org_unit.name}提醒：{period.start}～{period.end} 周报尚未报送",
                         "/reports/", f"remind:{campaign.id}:{period.end}:{utcnow().isoformat(timespec='minutes')}")
    record_event("report_reminded", actor_id=user.id, summary=f"{child.code} {period.start}~{period.end}",
                 data={"campaign_id": campaign.id, "org_unit_id": child.id})
    return 1


def return_report(user, report_id, reason) -> Report:
    """The bureau above returns a submitted report with a reason; it becomes a draft again."""
    report = get_report(user, report_id)
    _upper_staff(user, report.org_unit)
    if not user.has_role("supervisor"):
        raise Forbidden("只有科室负责人可以退回报表")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写退回原因", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"退回原因不能超过 {MAX_REASON} 字", field="reason")
    if report.status != "submitted":
        raise Conflict("只有已报送的报表可以退回")
    now = utcnow()
    report.status, report.submitted_at, report.submitted_by_id = "draft", None, None
    report.returned_reason, report.returned_at, report.returned_by_id = reason, now, user.id
    db.flush()
    record_event("report_returned", actor_id=user.id, summary=f"{report.org_unit.code} {report.period_end}",
                 data={"report_id": report.id, "reason": reason}, at=now)
    from app.campaigns.services import notify_quality_staff

    notify_quality_staff([report.org_unit], "报表被退回", f"{user.org_unit.name}退回：{reason}",
                         f"/reports/{report.id}", f"returned:{report.id}:{now.isoformat()}")
    return report


def _add(total, figures):
    for key, _label, kind in FIGURE_ROWS:
        if kind == "amount":
            total[key] = as_amount(total.get(key)) + as_amount(figures.get(key))
        else:
            total[key] = int(total.get(key) or 0) + int(figures.get(key) or 0)


def children_breakdown(report) -> dict | None:
    """Per child bureau its submitted figures, their sum, and the figures where the sum and the bureau's own
    recomputed figures differ (None when the bureau has no children in the report's campaign)."""
    from app.campaigns.models import Campaign
    from app.campaigns.progress import regions

    if report.campaign_id is None:
        return None
    campaign = db.get(Campaign, report.campaign_id)
    children = [u for u in regions(campaign, report.org_unit) if u.id != report.org_unit_id]
    if not children:
        return None
    column = "period" if report.kind == "weekly" else "cumulative"
    reports = {r.org_unit_id: r for r in db.scalars(select(Report).where(
        Report.kind == report.kind, Report.period_start == report.period_start,
        Report.period_end == report.period_end, Report.org_unit_id.in_([u.id for u in children])))}
    rows, total = [], {}
    for unit in children:
        child = reports.get(unit.id)
        submitted = child is not None and child.status == "submitted"
        figures = (child.figures or {}).get(column, {}) if submitted else {}
        if submitted:
            _add(total, figures)
        rows.append({"code": unit.code, "name": unit.name, "submitted": submitted, "figures": figures,
                     "report_id": child.id if child else None})
    own = (report.figures or {}).get(column, {})
    summed = {key: (f"{total.get(key, Decimal(0)):.2f}" if kind == "amount" else int(total.get(key, 0)))
              for key, _label, kind in FIGURE_ROWS}
    differs = [key for key, _label, kind in FIGURE_ROWS
               if (as_amount(summed[key]) != as_amount(own.get(key)) if kind == "amount"
                   else summed[key] != int(own.get(key) or 0))]
    return {"column": column, "rows": rows, "sum": summed, "differs": differs,
            "all_submitted": all(r["submitted"] for r in rows)}


def period_of(report) -> Period:
    """The report's period."""
    return Period(report.period_start, report.period_end)


def report_breakdown(report) -> dict | None:
    """The breakdown a report shows: frozen at submission, else computed from the children's reports now."""
    frozen = (report.figures or {}).get("children") if report.status == "submitted" else None
    return frozen or children_breakdown(report)
