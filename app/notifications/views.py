"""Notification centre: list, open (marks read), mark read, mark all read; the header's unread count."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.routing import BuildError

from app.auth.guards import local_path, local_referrer
from app.notifications import services, wording

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
bp.add_app_template_filter(wording.notice_title, "notice_title")
bp.add_app_template_filter(wording.notice_body, "notice_body")

# Where a notification about a task or a case leads; the inbox and case pages live in other
# packages, so a page that is not installed falls through to the next.
TASK_TARGETS = (("inbox.task", "task_id"),)
CASE_TARGETS = (("cases.detail", "case_id"),)


class ListArgs(Schema):
    """Query string of the list page."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    unread = fields.Boolean(load_default=False)


@bp.app_template_global()
def unread_notification_count():
    """The current user's unread count for the header bell (0 when logged out)."""
    if not current_user.is_authenticated:
        return 0
    return services.unread_count(current_user.id)


@bp.get("/")
@login_required
def index():
    """The current user's notifications, newest first."""
    try:
        args = ListArgs().load(request.args.to_dict())
    except ValidationError:
        args = ListArgs().load({})
    rows, total = services.list_notifications(current_user.id, unread_only=args["unread"], page=args["page"])
    pages = max(1, -(-total // services.PAGE_SIZE))
    return render_template("notifications/index.html", rows=rows, total=total, page=args["page"],
                           pages=pages, unread=args["unread"])


def _target(row):
    # A stored link is followed only when it stays on this site (no open redirect via a notification).
    if local_path(row.link):
        return row.link
    for candidates, value in ((TASK_TARGETS, row.human_task_id), (CASE_TARGETS, row.case_id)):
        if value is None:
            continue
        for endpoint, arg in candidates:
            try:
                return url_for(endpoint, **{arg: value})
            except BuildError:
                continue
    return url_for("notifications.index")


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id):
    """Mark the notification read and go to what it is about."""
    row = services.mark_read(current_user.id, notification_id)
    target = _target(row)
    return redirect(target)


@bp.post("/<int:notification_id>/read")
@login_required
def read_one(notification_id):
    """Mark one notification read."""
    services.mark_read(current_user.id, notification_id)
    return redirect(local_referrer(url_for("notifications.index")))


@bp.post("/read-all")
@login_required
def read_all():
    """Mark every unread notification of the current user read."""
    count = services.mark_all_read(current_user.id)
    flash(_("已将 %(n)s 条消息标为已读", n=count), "success")
    return redirect(url_for("notifications.index"))
