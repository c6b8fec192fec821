"""Overdue board and listed-supervision board (department heads only), with their actions."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from app.auth.guards import restrict_blueprint_to_role
from app.cases.services import KIND_LABELS
from app.db import db
from app.errors import InvalidInput, first_error
from app.supervision import services
from app.supervision.schemas import BoardArgs, ListedArgs, ListingForm, ReassignForm, RemindForm

bp = Blueprint("supervision", __name__, url_prefix="/supervision", template_folder="templates")


# Every page and action here is for department heads; others get a plain 403.
restrict_blueprint_to_role(bp, "supervisor")


def _board_url():
    # Back to the board with the filters the head was using (only our own query string).
    args = {k: v for k, v in request.form.items() if k in ("group", "state", "department", "kind") and v}
    return url_for("supervision.overdue", **args)


def _query_args(schema):
    """The page's filters, or its defaults with a warning and a 400 when they are invalid."""
    try:
        return schema.load(request.args), 200
    except ValidationError as exc:
        flash(_("筛选条件无效：%(m)s，已显示默认视图", m=first_error(exc.messages)), "warning")
        return schema.load({}), 400


def _own_department(user):
    # A head first sees their own department's tasks (an enforcement head is not shown quality
    # supervision's); "all" (全部科室) stays one choice away. Admins and multi-department heads see all.
    own = sorted(user.department_codes)
    return own[0] if len(own) == 1 and not user.has_role("system_admin") else "all"


@bp.get("/overdue")
def overdue():
    """Overdue and due-soon tasks of my scope, grouped by region, department, case kind or category."""
    args, status = _query_args(BoardArgs())
    if "department" not in request.args:
        args["department"] = _own_department(current_user)
    board = services.overdue_board(current_user, **{**args, "department": "" if args["department"] == "all"
                                                    else args["department"]})
    return render_template("supervision/overdue.html", board=board, args=args, groupings=services.GROUPINGS,
                           kinds=KIND_LABELS), status


@bp.post("/tasks/<int:task_id>/remind")
def remind(task_id):
    """Urge the holder(s) of a task; audited."""
    try:
        form = RemindForm().load(request.form)
        count = services.remind_task(task_id, current_user, form["note"])
    except ValidationError as exc:
        flash(first_error(exc.messages), "error")
        return redirect(_board_url())
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(_board_url())
    flash(_("已向 %(n)s 名承办人员发送督办提醒", n=count), "success")
    return redirect(_board_url())


@bp.route("/tasks/<int:task_id>/reassign", methods=["GET", "POST"])
def reassign(task_id):
    """Choose a colleague of the task's bureau and department to take it over."""
    task, choices = services.reassign_choices(task_id, current_user)
    error, form, status = "", {}, 200
    if request.method == "POST":
        try:
            form = ReassignForm().load(request.form)
            services.reassign_task(task_id, current_user, form["assignee_id"], form["reason"])
            flash(_("任务已改派"), "success")
            return redirect(url_for("supervision.overdue"))
        except ValidationError as exc:
            error, form, status = first_error(exc.messages), request.form.to_dict(), 400
        except InvalidInput as exc:
            db.rollback()
            error, form, status = exc.message, request.form.to_dict(), 400
    return render_template("supervision/reassign.html", task=task, choices=choices, error=error,
                           form=form), status


@bp.route("/cases/<int:case_id>/list", methods=["GET", "POST"])
def list_case(case_id):
    """Put a case under listed supervision (挂牌督办): opens a listed_supervision case."""
    error, form, status = "", request.form.to_dict(), 200
    if request.method == "POST":
        try:
            data = ListingForm().load(request.form)
            new_id = services.open_listed_supervision(case_id, current_user, data["reason"], data["due_date"])
            flash(_("已挂牌督办"), "success")
            return redirect(url_for("supervision.listed", new=new_id))
        except ValidationError as exc:
            error, status = first_error(exc.messages), 400
        except InvalidInput as exc:
            db.rollback()
            error, status = exc.message, 400
    case = services.listing_target(case_id, current_user)
    return render_template("supervision/list_case.html", case=case, error=error, form=form,
                           level=services.LISTING_LEVELS[services.listing_level_for(current_user)],
                           proposes=current_user.org_unit.level not in services.LISTING_LEVELS), status


@bp.get("/listed")
def listed():
    """Listed-supervision cases of my scope: level, status, open tasks and deadlines."""
    args, status = _query_args(ListedArgs())
    board = services.listed_board(current_user, **args)
    return render_template("supervision/listed.html", board=board,
                           new_id=request.args.get("new", type=int)), status
