"""Case pages: scoped search and export, the case page, its diagram data, documents and comments."""
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.auth.guards import local_path
from app.auth.services import user_display_name
from app.cases import attachments as docs
from app.cases import queries
from app.cases.categories import class_choices
from app.cases.diagram import diagram_data
from app.cases.exports import cases_csv, cases_xlsx
from app.cases.models import CASE_STATUSES
from app.cases.schemas import CaseFilterSchema, flat_errors
from app.cases.services import KIND_LABELS
from app.clock import LOCAL_TZ
from app.db import MAX_ID, utcnow
from app.errors import InvalidInput, NotFound

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")

STATUS_LABELS = {"open": "在办", "closed": "办结", "cancelled": "撤销"}


@bp.app_template_global("user_name")
def user_name(user_id):
    """A user's display name for lists of notes and documents."""
    return user_display_name(user_id)


@bp.app_template_global("can_start_work")
def can_start_work(what):
    """True when the current user's departments may start this work (home page shortcuts)."""
    from app.cases.intake import can_start

    return current_user.is_authenticated and can_start(current_user, what)


@bp.app_template_global("case_attachments")
def case_attachments(case_id):
    """The case's documents, for the partial when the including page passes none."""
    return docs.list_attachments(case_id)


@bp.app_template_global("case_notes")
def case_notes(case_id):
    """The case's comments, for the partial when the including page passes none."""
    return docs.list_notes(case_id)


@bp.app_template_filter("filesize")
def filesize(n):
    """Bytes as a short human size."""
    n = n or 0
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} KB"


@bp.context_processor
def _labels():
    return {"KIND_LABELS": KIND_LABELS, "STATUS_LABELS": STATUS_LABELS, "CATEGORY_LABELS": class_choices()}


def local_next(target, fallback):
    """`target` if it is a path on this site, else `fallback` (no open redirects)."""
    return local_path(target) or fallback


def _scoped_case(case_id):
    return queries.get_case_for(current_user, case_id)


def _load_filters():
    try:
        return CaseFilterSchema().load(request.args), {}
    except ValidationError as err:
        return None, flat_errors(err.messages)


@bp.get("/")
@login_required
def search():
    """The case list of the user's scope, filtered, sorted and paged."""
    filters, errors = _load_filters()
    result = queries.search_cases(current_user, filters) if filters is not None else None
    # The export links set their own format; a stray one in the query must not clash with it.
    args = {k: v for k, v in request.args.items() if k not in ("page", "format")}
    return render_template("cases/search.html", result=result, errors=errors, args=args,
                           units=queries.units_in_scope(current_user), statuses=CASE_STATUSES), \
        (400 if errors else 200)


@bp.get("/export")
@login_required
def export():
    """The filtered case list as an XLSX (default) or CSV download."""
    fmt = request.args.get("format", "xlsx")
    filters, errors = _load_filters()
    if errors or fmt not in ("xlsx", "csv"):
        message = "；".join("、".join(v) for v in errors.values()) or _("不支持的导出格式")
        return render_template("error.html", status=400, message=message), 400
    items = queries.export_rows(current_user, filters)
    stamp = utcnow().astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M")  # the user's clock, not UTC
    if fmt == "csv":
        return Response(cases_csv(items), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename=cases-{stamp}.csv"})
    return Response(cases_xlsx(items),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=cases-{stamp}.xlsx"})


@bp.get("/<int:case_id>")
@login_required
def detail(case_id):
    """The case page: facts, parties, deadlines, timeline, documents, comments, diagram."""
    _scoped_case(case_id)
    from app.cases.stages import STAGES, case_task_forms, group_facts, tag_events
    from app.engine.waits import case_waits

    page = queries.case_page(current_user, case_id, str(get_locale()))
    forms = case_task_forms(case_id)
    return render_template("cases/detail.html", waits=case_waits(case_id),
                           fact_groups=group_facts(page["facts"], forms),
                           event_stages=[(code, str(STAGES[code])) for code in tag_events(page["events"], forms)],
                           **page)


@bp.get("/<int:case_id>/diagram.json")
@login_required
def diagram(case_id):
    """The instance's BPMN XML with the current and completed elements, for bpmn-js."""
    case = _scoped_case(case_id)
    return jsonify(diagram_data(case))


def _optional_task_id():
    raw = (request.form.get("human_task_id") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput("任务编号无效", field="human_task_id")
    if len(raw) > 10 or int(raw) > MAX_ID:  # beyond any id the database can hold
        raise NotFound("任务不存在")
    return int(raw)


def _retry_page(case, message, *, body="", upload=False):
    # Bad input answers 400 with the message and what was typed (a comment, an upload's description),
    # in a form to submit again, so nothing is lost.
    back = local_next(request.form.get("next"), url_for("cases.detail", case_id=case.id))
    return render_template("cases/retry.html", case=case, message=message, back=back, body=body, upload=upload,
                           description=request.form.get("description", "") if upload else "",
                           task_id=request.form.get("human_task_id", "")), 400


@bp.post("/<int:case_id>/attachments")
@login_required
def upload_attachment(case_id):
    """File a document on the case (optionally for one of its tasks)."""
    case = _scoped_case(case_id)
    # The task page uploads with fetch, so what is typed in its form stays on the page.
    in_place = request.headers.get("X-Requested-With") == "fetch"
    try:
        att = docs.save_attachment(case, request.files.get("file"), current_user, human_task_id=_optional_task_id(),
                                   description=request.form.get("description", ""))
    except InvalidInput as exc:
        if in_place:
            return jsonify({"error": exc.message}), 400
        return _retry_page(case, exc.message, upload=True)
    if in_place:
        return jsonify({"id": att.id, "filename": att.filename, "description": att.description or "",
                        "message": _("已上传附件：%(name)s", name=att.filename),
                        "url": url_for("cases.download_attachment", case_id=case.id, attachment_id=att.id)})
    flash(_("已上传附件：%(name)s", name=att.filename), "success")
    return redirect(local_next(request.form.get("next"), url_for("cases.detail", case_id=case.id) + "#documents"))


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(case_id, attachment_id):
    """Download a document of a case in the user's scope."""
    case = _scoped_case(case_id)
    att = docs.get_attachment(case.id, attachment_id)
    path = docs.attachment_path(att)
    if not path.is_file():
        return render_template("error.html", status=404, message=_("附件文件已丢失，请联系管理员")), 404
    response = send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:case_id>/notes")
@login_required
def add_note(case_id):
    """Add a comment to the case (optionally on one of its tasks)."""
    case = _scoped_case(case_id)
    body = request.form.get("body", "")
    try:
        docs.add_note(case, current_user, body, human_task_id=_optional_task_id())
    except InvalidInput as exc:
        return _retry_page(case, exc.message, body=body)
    return redirect(local_next(request.form.get("next"), url_for("cases.detail", case_id=case.id) + "#notes"))


# The outside-events and start-work pages register their routes on this blueprint.
from app.cases import external_views, process_start, start_views  # noqa: E402,F401


@bp.app_context_processor
def _start_helpers():
    # The start page lists other deployed processes the user may start (process_start.py).
    return {"startable_processes": lambda: process_start.startable_processes(current_user)}
