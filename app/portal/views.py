"""The enterprise portal (/portal): its own login and layout; an enterprise user reaches nothing else."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.accounts import authenticate
from app.db import commit_before_refusal
from app.documents import service_of
from app.documents.kinds import KINDS
from app.documents.services import get_version
from app.documents.views import docx_response
from app.errors import AppError, InvalidInput
from app.portal import accounts, queries, submissions

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")
OPEN_ENDPOINTS = ("portal.login", "portal.activate")
# Staff pages that live here because they manage the portal's accounts.
STAFF_ENDPOINTS = ("portal.manage", "portal.manage_enterprise", "portal.set_account_active")


def register_guard(app):
    """Keep enterprise users inside the portal (staff pages, API and admin are not theirs)."""

    @app.before_request
    def _enterprise_users_stay_in_the_portal():
        endpoint = request.endpoint or ""
        if endpoint == "static" or (endpoint.startswith("portal.") and endpoint not in STAFF_ENDPOINTS):
            return None
        if current_user.is_authenticated and getattr(current_user, "is_enterprise", False):
            if endpoint in ("auth.logout", "home.set_locale"):
                return None
            if request.method == "GET":
                return redirect(url_for("portal.index"))
            abort(403)
        return None


@bp.before_request
def _portal_users_only():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.endpoint in STAFF_ENDPOINTS:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        return None  # enterprise users were sent back to the portal by the app-wide guard
    if current_user.is_authenticated and not current_user.is_active:
        logout_user()  # disabled by its bureau while signed in
    if not current_user.is_authenticated:
        return redirect(url_for("portal.login"))
    if not current_user.is_enterprise:
        abort(403)
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The enterprise login."""
    error, username = "", request.form.get("username", "").strip()
    if request.method == "POST":
        outcome = authenticate(username, request.form.get("password", ""))
        if outcome.user is not None and outcome.user.is_enterprise:
            login_user(outcome.user)
            return redirect(url_for("portal.index"))
        commit_before_refusal()
        error = outcome.message if outcome.user is None else "请使用监管人员登录入口"
    return render_template("portal/login.html", error=error, username=username), (401 if error else 200)


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """First login: the invitation code and the password the enterprise chooses."""
    error, code = "", request.form.get("code", "").strip()
    if request.method == "POST":
        try:
            user = accounts.activate(code, request.form.get("password", ""), request.form.get("password_again", ""))
        except AppError as exc:
            error = exc.message
        else:
            login_user(user)
            flash(_("账户已启用，欢迎使用企业端"), "success")
            return redirect(url_for("portal.index"))
    return render_template("portal/activate.html", error=error, code=code), (400 if error else 200)


@bp.post("/logout")
def logout():
    """End the enterprise session."""
    logout_user()
    return redirect(url_for("portal.login"))


@bp.get("/")
def index():
    """The enterprise's cases and what is asked of it now."""
    return render_template("portal/index.html", cases=queries.my_cases(current_user))


@bp.get("/cases/<int:case_id>")
def case(case_id):
    """One case: what to submit (with the deadline) and the documents served."""
    c = queries.enterprise_case(current_user, case_id)
    return _case_page(c)


def _case_page(c, error="", status=200, typed=None):
    return render_template("portal/case.html", case=c, asked=submissions.open_submissions(c.id),
                           deadline=queries.deadline_of(c.id), served=queries.served_documents(c.id), kinds=KINDS,
                           checklist=submissions.checklist_for(c.product_category), error=error,
                           typed=typed or {}), status


@bp.post("/cases/<int:case_id>/services/<int:service_id>/acknowledge")
def acknowledge(case_id, service_id):
    """Acknowledge receipt of an electronically served document (the service date is today)."""
    c = queries.enterprise_case(current_user, case_id)
    svc = service_of.acknowledge_service(c, current_user, service_id)
    flash(_("已签收，送达日期为 %(day)s", day=svc.served_on.isoformat()), "success")
    return redirect(url_for("portal.case", case_id=c.id))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
def document(case_id, document_id):
    """Download a document served on the enterprise (its newest version)."""
    c = queries.enterprise_case(current_user, case_id)
    doc = queries.served_document(c, document_id)
    return docx_response(doc, get_version(doc))


@bp.post("/cases/<int:case_id>/submit/<message>")
def submit(case_id, message):
    """Submit a report or application; the case's process takes it up."""
    c = queries.enterprise_case(current_user, case_id)
    checklist = {item: request.form.get(f"check-{i}") == "1"
                 for i, item in enumerate(submissions.checklist_for(c.product_category))}
    try:
        sub = submissions.submit(c, current_user, message, note=request.form.get("note", ""),
                                 files=request.files.getlist("files"), checklist=checklist,
                                 commitment=request.form.get("commitment") == "1")
    except InvalidInput as exc:
        return _case_page(c, exc.message, 400, {"message": message, "note": request.form.get("note", "")})
    flash(_("已提交%(label)s", label=_(sub.label)), "success")
    return redirect(url_for("portal.case", case_id=c.id))
