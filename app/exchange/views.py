"""Exchange pages: upload e-CQS results or 12315 complaints (preview with per-row errors, then import),
the leads list, the disclosure list with withdrawal, and the public disclosure page (no login)."""
import io
import json
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook

from app.cases.categories import category_label
from app.cases.intake import can_start
from app.errors import InvalidInput
from app.exchange import complaints, disclosures, ecqs
from app.exchange.sheets import MAX_ROWS, read_rows

bp = Blueprint("exchange", __name__, url_prefix="/exchange", template_folder="templates")
public_bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")

KINDS = {
    "sampling": {"title": "导入抽检结果（e-CQS）", "module": ecqs, "preview": ecqs.preview_results,
                 "run": ecqs.import_results, "key": "report_no"},
    "complaints": {"title": "导入投诉举报（12315）", "module": complaints, "preview": complaints.preview_complaints,
                   "run": complaints.import_complaints, "key": "number"},
}
COMPLAINT_DEPARTMENTS = {"consumer_protection", "enforcement", "quality_supervision"}


def may_import(user, kind) -> bool:
    """Sampling results: those who may register a failed sample; complaints: consumer protection, enforcement."""
    if kind == "sampling":
        return can_start(user, "failed_sample")
    return bool(COMPLAINT_DEPARTMENTS & user.department_codes) or user.has_role("system_admin")


def _kind(kind):
    if kind not in KINDS:
        abort(404)
    if not may_import(current_user, kind):
        abort(403)
    return KINDS[kind]


def _page(kind, status=200, **values):
    spec = KINDS[kind]
    return render_template("exchange/import.html", kind=kind, title=spec["title"], key=spec["key"],
                           headers=spec["module"].TEMPLATE_HEADERS, **values), status


@bp.get("/")
@login_required
def index():
    """What this user may do here: imports, leads, disclosures."""
    allowed = {kind: may_import(current_user, kind) for kind in KINDS}
    return render_template("exchange/index.html", allowed=allowed, kinds=KINDS)


@bp.get("/import/<kind>")
@login_required
def import_page(kind):
    """The upload form."""
    _kind(kind)
    return _page(kind)


@bp.post("/import/<kind>")
@login_required
def import_post(kind):
    """step=preview: read the file and show what each row would do; step=import: import the previewed rows."""
    spec = _kind(kind)
    try:
        rows = _uploaded_rows(spec) if request.form.get("step") != "import" else _posted_rows()
    except InvalidInput as exc:
        return _page(kind, 400, error=exc.message)
    if request.form.get("step") == "import":
        outcomes = spec["run"](current_user, rows)
        flash(_("导入完成：%(summary)s", summary=_summary(outcomes)), "success")
        return _page(kind, outcomes=outcomes, done=True)
    outcomes = spec["preview"](current_user, rows)
    return _page(kind, outcomes=outcomes, rows_json=json.dumps(rows, ensure_ascii=False),
                 importable=any(o.outcome in ("created", "updated") for o in outcomes))


def _uploaded_rows(spec):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("请选择要上传的文件", field="file")
    cells = read_rows(upload.filename, upload.read(), spec["module"].COLUMNS)
    return [spec["module"].row_from_sheet(c) for c in cells]


def _posted_rows():
    # The previewed rows come back from the page: parsed again and validated again by the import itself.
    try:
        rows = json.loads(request.form.get("rows_json") or "[]")
    except ValueError as exc:
        raise InvalidInput("预览数据已失效，请重新上传文件") from exc
    if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
        raise InvalidInput("预览数据已失效，请重新上传文件")
    return rows


def _summary(outcomes) -> str:
    words = {"created": _("新增"), "updated": _("更正"), "unchanged": _("未变化"), "duplicate": _("重复"),
             "error": _("有误")}
    counts = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    return "，".join(f"{words.get(k, k)} {n}" for k, n in counts.items())


@bp.get("/import/<kind>/template.xlsx")
@login_required
def template(kind):
    """An empty workbook with the expected column headers."""
    spec = _kind(kind)
    book = Workbook()
    book.active.append(list(spec["module"].TEMPLATE_HEADERS))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"{kind}-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/leads")
@login_required
def leads():
    """12315 leads for my departments in my bureau and below."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = complaints.list_leads(current_user, page=min(page, 100000))
    return render_template("exchange/leads.html", rows=rows, total=total, page=page,
                           category_label=category_label)


@bp.get("/disclosures")
@login_required
def disclosure_list():
    """The penalty disclosures of my bureau and below, with withdrawal for the credit office."""
    q = request.args.get("q", "")[:100]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100000))
    rows, total = disclosures.disclosures_in_scope(current_user, q, page=page)
    return render_template("exchange/disclosures.html", rows=rows, total=total, page=page, q=q,
                           may_withdraw="credit" in current_user.department_codes)


@bp.get("/disclosures.csv")
@login_required
def disclosure_csv():
    """The same list as CSV in the national publicity system's fields."""
    q = request.args.get("q", "")[:100]
    rows, _total = disclosures.disclosures_in_scope(current_user, q, per_page=disclosures.EXPORT_LIMIT)
    return Response(disclosures.csv_text(rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=disclosures.csv"})


@bp.post("/disclosures/<int:disclosure_id>/withdraw")
@login_required
def withdraw(disclosure_id):
    """Register that the decision was revoked: the disclosure leaves the public page at once."""
    if "credit" not in current_user.department_codes:
        abort(403)
    try:
        revoked_on = date.fromisoformat(request.form.get("revoked_on", ""))
    except ValueError:
        flash(_("请输入有效的撤销决定日期"), "error")
        return redirect(url_for("exchange.disclosure_list"))
    try:
        item = disclosures.withdraw_disclosure(disclosure_id, current_user, revoked_on=revoked_on,
                                               reason=request.form.get("reason", ""))
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for("exchange.disclosure_list"))
    flash(_("已撤下公示：%(no)s", no=item.decision_no), "success")
    return redirect(url_for("exchange.disclosure_list"))


@public_bp.get("/disclosures")
def public_disclosures():
    """Public page (no login): penalty disclosures within their display period, by name or USCC."""
    q = request.args.get("q", "")[:100]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100000))
    rows, total = disclosures.public_disclosures(q, page=page)
    return render_template("exchange/public_disclosures.html", rows=rows, total=total, page=page, q=q)
