"""Report pages of the chain upward: remind a bureau below, return its report, download a report package."""
import zipfile
from io import BytesIO

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.reports import services, upward
from app.reports.views import bp


@bp.post("/remind/<int:campaign_id>/<code>")
@login_required
def remind(campaign_id, code):
    """Remind a bureau below that its weekly report is not in."""
    upward.remind(current_user, campaign_id, code)
    flash(_("已催报"), "success")
    return redirect(request.referrer or url_for("campaigns.show", campaign_id=campaign_id)), 303


@bp.post("/<int:report_id>/return")
@login_required
def return_report(report_id):
    """Return a submitted report of a bureau below, with the reason."""
    upward.return_report(current_user, report_id, request.form.get("reason", ""))
    flash(_("报表已退回"), "success")
    return redirect(url_for("reports.show", report_id=report_id)), 303


def cover_workbook(report, breakdown) -> bytes:
    """The cover sheet of a report package: who reports what for which period, and its status."""
    from openpyxl import Workbook

    from app.reports.export import KIND_TITLES

    wb = Workbook()
    ws = wb.active
    ws.title = "报送封面"
    rows = [("报送单位", report.org_unit.name), ("报表", KIND_TITLES.get(report.kind, report.kind)),
            ("统计期", f"{report.period_start} ～ {report.period_end}"),
            ("状态", "已报送" if report.status == "submitted" else "草稿"),
            ("报送时间", report.submitted_at.isoformat(timespec="minutes") if report.submitted_at else ""),
            ("报送人", report.submitted_by.display_name if report.submitted_by else ""),
            ("截止时间", report.due_at.isoformat(timespec="minutes") if report.due_at else ""),
            ("说明", report.remarks or "")]
    if breakdown:
        rows.append(("下级已报送", "、".join(r["name"] for r in breakdown["rows"] if r["submitted"]) or "—"))
        rows.append(("下级未报送", "、".join(r["name"] for r in breakdown["rows"] if not r["submitted"]) or "—"))
    for row in rows:
        ws.append(list(row))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 60
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@bp.get("/<int:report_id>/package.zip")
@login_required
def package(report_id):
    """The report as a package for the integrated platform's file transfer: the XLSX and a cover sheet."""
    from app.reports.export import report_workbook

    report = services.get_report(current_user, report_id)
    stem = f"{report.org_unit.code}-{report.kind}-{report.period_end.isoformat()}"
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{stem}-报送封面.xlsx", cover_workbook(report, upward.report_breakdown(report)))
        zf.writestr(f"{stem}-报表.xlsx", report_workbook(report))
    return Response(out.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={stem}.zip"})
