"""Staff pages of official documents: issue, regenerate, download, print, record service, upload templates."""
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import attachments as case_files
from app.cases.queries import get_case_for
from app.clock import local_today
from app.db import db
from app.documents import labels as _labels  # noqa: F401  (timeline names of our audit events)
from app.documents import rendering, service_of, services
from app.documents.context import PLACEHOLDERS
from app.documents.kinds import KINDS, get_kind
from app.documents.models import SERVICE_METHODS, CaseDocument
from app.errors import Forbidden, InvalidInput, NotFound

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="templates")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_global("case_official_documents")
def case_official_documents(case):
    """The case's documents and what the current user may do with them (for the case page section)."""
    return {"documents": services.list_documents(case.id), "may_issue": services.may_issue(current_user, case),
            "kinds": KINDS, "methods": SERVICE_METHODS, "method_labels": service_of.METHOD_LABELS,
            "today": local_today()}


def _staff_document(document_id):
    """The document if its case is in the staff user's scope (NotFound otherwise)."""
    doc = db.get(CaseDocument, document_id)
    if doc is None:
        raise NotFound("文书不存在")
    case = get_case_for(current_user, doc.case_id)
    return case, doc


def _back(case_id):
    return redirect(url_for("cases.detail", case_id=case_id) + "#official-documents")


def _version_arg():
    raw = request.args.get("version", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise InvalidInput("版本号无效", field="version")
    return int(raw)


def docx_response(doc, version):
    """The DOCX of one version as a download named after the document."""
    kind = get_kind(doc.kind)
    name = f"{kind.title}-{doc.number or doc.id}-v{version.version}.docx".replace("/", "_")
    resp = Response(version.content, mimetype=DOCX_TYPE)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    resp.headers["X-Content-SHA256"] = version.sha256
    return resp


@bp.post("/case/<int:case_id>")
@login_required
def issue(case_id):
    """Number and generate a document of the case."""
    case = get_case_for(current_user, case_id)
    doc = services.issue_document(case, current_user, request.form.get("kind", ""), request.form.get("content", ""))
    flash(_("已制作%(title)s %(number)s", title=_(get_kind(doc.kind).title), number=doc.number), "success")
    return _back(case.id)


@bp.post("/<int:document_id>/regenerate")
@login_required
def regenerate(document_id):
    """Generate a new version of the document under the same number."""
    case, doc = _staff_document(document_id)
    content = request.form.get("content")
    version = services.regenerate_document(case, current_user, doc, content)
    flash(_("已生成第 %(n)s 版", n=version.version), "success")
    return _back(case.id)


@bp.get("/<int:document_id>/docx")
@login_required
def download(document_id):
    """Download a version's DOCX (the newest by default)."""
    _case, doc = _staff_document(document_id)
    return docx_response(doc, services.get_version(doc, _version_arg()))


@bp.get("/<int:document_id>/print")
@login_required
def printable(document_id):
    """The printable HTML view of a version."""
    _case, doc = _staff_document(document_id)
    version = services.get_version(doc, _version_arg())
    kind = get_kind(doc.kind)
    return render_template("documents/print.html", doc=doc, kind=kind, version=version,
                           paragraphs=rendering.render_paragraphs(kind, version.context), ctx=version.context)


def _served_on():
    raw = request.form.get("served_on", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput("送达日期格式不正确", field="served_on") from exc


@bp.post("/<int:document_id>/service")
@login_required
def record_service(document_id):
    """Record how and when the document was served (electronic: the enterprise acknowledges in the portal)."""
    case, doc = _staff_document(document_id)
    receipt_id = None
    upload = request.files.get("receipt")
    if upload is not None and upload.filename:
        if not services.may_issue(current_user, case):
            raise InvalidInput("只有承办过本案环节的科室人员可以登记送达", field="receipt")
        receipt_id = case_files.save_attachment(case, upload, current_user, description="送达回证").id
    svc = service_of.record_service(case, current_user, doc, method=request.form.get("method", ""),
                                    served_on=_served_on(), recipient=request.form.get("recipient", ""),
                                    note=request.form.get("note", ""), receipt_attachment_id=receipt_id)
    if svc.status == "pending":
        flash(_("已电子送达，等待企业在企业端签收"), "info")
    else:
        flash(_("已登记送达（%(day)s）", day=svc.served_on.isoformat()), "success")
    return _back(case.id)


@bp.route("/templates", methods=["GET", "POST"])
@login_required
def templates():
    """Admins upload DOCX templates; placeholders outside the known list are refused with the list."""
    if not (current_user.has_role("process_admin") or current_user.has_role("system_admin")):
        raise Forbidden("只有流程管理员可以管理文书模板")
    error, status = "", 200
    if request.method == "POST":
        upload = request.files.get("file")
        content = upload.read(services.MAX_TEMPLATE_BYTES + 1) if upload else b""
        try:
            tpl = services.upload_template(current_user, request.form.get("kind", ""),
                                           upload.filename if upload else "", content)
        except InvalidInput as exc:
            error, status = exc.message, 400
        else:
            flash(_("已上传%(title)s模板", title=_(KINDS[tpl.kind].title)), "success")
            return redirect(url_for("documents.templates"))
    return render_template("documents/templates.html", kinds=KINDS, uploaded=services.list_templates(),
                           placeholders=PLACEHOLDERS, error=error), status
