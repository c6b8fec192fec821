"""Instance operations for process admins: list, incidents, detail and the audited actions."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.auth.guards import local_referrer, restrict_blueprint_to_role
from app.db import MAX_ID, db
from app.engine import service
from app.engine.instance_ops import reset_to_task
from app.engine.migration import check_migration, migrate_instance
from app.errors import AppError, NotFound, first_error
from app.inbox.services import department_name
from app.operations import services
from app.operations.schemas import (
    BulkMigrateSchema,
    CancelSchema,
    MigrateQuerySchema,
    MigrateSchema,
    ReasonSchema,
    ResetSchema,
    RetrySchema,
    load_filters,
    parse_data,
)

bp = Blueprint("operations", __name__, url_prefix="/admin/instances", template_folder="templates")


# These pages change running cases of the whole jurisdiction.
restrict_blueprint_to_role(bp, "process_admin")


def _detail_page(instance_id, *, status=200, error="", form=None, panel=""):
    detail = services.instance_detail(current_user, instance_id)
    return render_template("operations/detail.html", d=detail, error=error, form=form or {}, panel=panel,
                           status_labels=services.STATUS_LABELS, department_name=department_name), status


@bp.errorhandler(AppError)
def _engine_error(exc):
    # A refused action is shown on the instance page, with what the admin typed kept.
    db.rollback()
    instance_id = (request.view_args or {}).get("instance_id")
    if request.method == "POST" and instance_id and not isinstance(exc, NotFound):
        if request.endpoint == "operations.migrate":
            page = _migrate_refused(instance_id, exc)
            if page is not None:
                return page
        panel = request.endpoint.rsplit(".", 1)[-1]
        return _detail_page(instance_id, status=exc.status, error=exc.message, form=request.form, panel=panel)
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


@bp.get("")
def instances():
    """Instance list with filters and pagination."""
    try:
        filters = load_filters(request.args)
    except ValidationError as exc:
        return render_template("operations/instances.html", page=None, filters=request.args,
                               error=first_error(exc.messages), keys=services.process_keys(),
                               status_labels=services.STATUS_LABELS), 400
    return render_template("operations/instances.html", page=services.list_instances(current_user, filters),
                           filters=filters, error="", keys=services.process_keys(),
                           status_labels=services.STATUS_LABELS,
                           versions=services.versions_of(filters["key"]) if filters.get("key") else [])


@bp.post("/migrate")
def bulk_migrate():
    """Migrate the ticked instances to one version; refused ones stay and are listed with the reason."""
    payload = {k: request.form.get(k) for k in ("target", "reason") if k in request.form}
    if "instance_ids" in request.form:
        payload["instance_ids"] = request.form.getlist("instance_ids")
    try:
        form = BulkMigrateSchema().load(payload)
    except ValidationError as exc:
        return render_template("operations/bulk_result.html", outcomes=[], error=first_error(exc.messages),
                               back=local_referrer("")), 400
    outcomes = services.migrate_instances(current_user, form["instance_ids"], form["target"], form["reason"])
    return render_template("operations/bulk_result.html", outcomes=outcomes, error="")


@bp.get("/incidents")
def incidents():
    """Instances in error, with message and element."""
    return render_template("operations/incidents.html", rows=services.list_incidents(current_user))


@bp.get("/<int:instance_id>")
def detail(instance_id):
    """One instance: status, version, error, open tasks, history and the actions."""
    return _detail_page(instance_id)


def _act(instance_id, schema, panel, action, done_message):
    """Validate the form, check jurisdiction, run one engine service, commit, back to the detail page."""
    try:
        form = schema.load(request.form)
    except ValidationError as exc:
        return _detail_page(instance_id, status=400, error=first_error(exc.messages), form=request.form, panel=panel)
    services.get_instance_for(current_user, instance_id)
    action(form)
    flash(done_message, "success")
    return redirect(url_for("operations.detail", instance_id=instance_id))


@bp.post("/<int:instance_id>/suspend")
def suspend(instance_id):
    """Suspend: no task can be completed and no timer fires."""
    return _act(instance_id, ReasonSchema(), "suspend",
                lambda f: service.suspend_instance(instance_id, current_user.id, f["reason"].strip()),
                _("流程实例已挂起"))


@bp.post("/<int:instance_id>/resume")
def resume(instance_id):
    """Resume a suspended instance."""
    return _act(instance_id, ReasonSchema(), "resume",
                lambda f: service.resume_instance(instance_id, current_user.id, f["reason"].strip()),
                _("流程实例已恢复运行"))


@bp.post("/<int:instance_id>/cancel")
def cancel(instance_id):
    """Cancel with a required reason; open tasks are withdrawn."""
    return _act(instance_id, CancelSchema(), "cancel",
                lambda f: service.cancel_instance(instance_id, current_user.id, f["reason"].strip()),
                _("流程实例已撤销"))


@bp.post("/<int:instance_id>/retry")
def retry(instance_id):
    """Re-run the failed step, optionally with corrected data."""
    return _act(instance_id, RetrySchema(), "retry",
                lambda f: service.retry_instance(instance_id, current_user.id, parse_data(f["data"])),
                _("已重试，请查看流程实例当前状态"))


@bp.post("/<int:instance_id>/reset")
def reset(instance_id):
    """Move the token back to an earlier completed task."""
    return _act(instance_id, ResetSchema(), "reset",
                lambda f: reset_to_task(instance_id, f["spec_name"], current_user.id, f["reason"]),
                _("已退回到所选任务"))


@bp.get("/<int:instance_id>/migrate")
def migrate_preview(instance_id):
    """Dry run of a migration: what differs and why it would be refused."""
    services.get_instance_for(current_user, instance_id)
    try:
        target = MigrateQuerySchema().load(request.args)["target"]
    except ValidationError as exc:
        return _detail_page(instance_id, status=400, error=first_error(exc.messages), panel="migrate")
    return _migrate_page(instance_id, check_migration(instance_id, target))


def _migrate_page(instance_id, check, *, status=200, error="", form=None):
    detail = services.instance_detail(current_user, instance_id)
    return render_template("operations/migrate.html", d=detail, check=check, error=error,
                           form=form or {}), status


def _posted_target():
    """The posted target version id when it is a usable id (for re-showing the dry run), else None."""
    target = request.form.get("target", "")
    return int(target) if target.isdigit() and 0 < int(target) <= MAX_ID else None


def _migrate_refused(instance_id, exc):
    """The migration page again, with the fresh dry-run reasons, when the move was refused."""
    target = _posted_target()
    if target is None:
        return None
    try:
        check = check_migration(instance_id, target)
    except AppError:
        return None
    return _migrate_page(instance_id, check, status=exc.status, error=exc.message, form=request.form)


@bp.post("/<int:instance_id>/migrate")
def migrate(instance_id):
    """Move the instance to the chosen version (refused with the reasons when unsafe)."""
    services.get_instance_for(current_user, instance_id)
    try:
        form = MigrateSchema().load(request.form)
    except ValidationError as exc:
        target = _posted_target()
        if target is None:
            return _detail_page(instance_id, status=400, error=first_error(exc.messages), panel="migrate")
        return _migrate_page(instance_id, check_migration(instance_id, target), status=400,
                             error=first_error(exc.messages), form=request.form)
    migrate_instance(instance_id, form["target"], current_user.id, form["reason"])
    flash(_("流程实例已迁移到新版本"), "success")
    return redirect(url_for("operations.detail", instance_id=instance_id))
