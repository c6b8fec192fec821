"""Inbox pages: my tasks, department tasks, done; the task page; claim/release/assign/delegate."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.calendar.deadlines import parse_due_rule
from app.cases.categories import category_label
from app.db import db, utcnow
from app.errors import Conflict
from app.formdefs.task_forms import TaskFormUnavailable, form_for_task, make_blueprint
from app.inbox import handoff, queries, services, suspension, waiting
from app.inbox.schemas import HandOverSchema, InboxQuerySchema, parse
from app.inbox.summary import deadline_info, key_facts

bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates")
# The form macros (app/formdefs/templates) come with the inbox, their first user.
bp.register_blueprint(make_blueprint())

TAB_TITLES = {"mine": "我的待办", "department": "科室待办", "done": "已办"}


@bp.app_template_global()
def inbox_category_label(code):
    """Product category code -> Chinese name, for templates."""
    return category_label(code)


@bp.app_template_global()
def wait_text(wait):
    """A waiting state in words, for templates."""
    return waiting.wait_text(wait)


@bp.app_template_global()
def inbox_deadline(due_at):
    """Deadline facts of a due time, for templates."""
    return deadline_info(due_at, utcnow())


@bp.app_template_filter("due_rule_label")
def due_rule_label(rule):
    """A task's due rule in words ("15个工作日"); empty for a computed rule, whose date says it all."""
    try:
        parsed = parse_due_rule(rule)
    except ValueError:
        return ""
    words = {"WD": _("%(n)s 个工作日", n=parsed.amount), "D": _("%(n)s 日", n=parsed.amount),
             "H": _("%(n)s 小时", n=parsed.amount)}
    return words[parsed.unit]


def _list(tab):
    filters, errors = parse(InboxQuerySchema(), request.args)
    page = queries.list_tasks(current_user, tab, queries.InboxFilters(**filters))
    return render_template("inbox/list.html", tab=tab, tab_titles=TAB_TITLES, page=page, filters=filters,
                           errors=errors, counts=queries.tab_counts(current_user),
                           choices=queries.filter_choices(current_user),
                           waiting_cases=waiting.waiting_cases(current_user) if tab == "mine" else [],
                           suspended=suspension.suspended_instance_ids(r.task.instance_id for r in page.rows),
                           is_supervisor=current_user.has_role("supervisor")), (400 if errors else 200)


@bp.get("/")
@login_required
def mine():
    """Tasks assigned to me."""
    return _list("mine")


@bp.get("/department")
@login_required
def department():
    """Unassigned tasks of my departments (heads: also of the bureaus below)."""
    return _list("department")


@bp.get("/done")
@login_required
def done():
    """Tasks I completed."""
    return _list("done")


def _task_page(task, form_def=None, values=None, errors=None, form_problem="", status=200):
    view = services.task_view(task, current_user)
    reason = suspension.suspension_reason(task.instance_id) if task.status == "ready" else None
    if reason is not None:
        # Nothing can be claimed or completed until an administrator resumes the process.
        view.perms.claim = view.perms.complete = False
    if values is None:
        values = view.draft.data if view.draft is not None else view.submitted
    return render_template(
        "inbox/task.html", task=task, view=view, case=view.case, perms=view.perms, draft=view.draft,
        form_def=form_def, values=values, errors=errors or {}, form_problem=form_problem,
        facts=key_facts(view.case_facts), deadline=deadline_info(task.due_at, utcnow()),
        suspended=suspension.suspension_message(reason) if reason is not None else "",
    ), status


def _form(task):
    try:
        return form_for_task(task), ""
    except TaskFormUnavailable as exc:
        return None, exc.message


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id):
    """The task page: case summary, deadline, the form (with any saved draft)."""
    row = services.get_visible_task(task_id, current_user)
    form_def, problem = _form(row)
    return _task_page(row, form_def, form_problem=problem)


def _posted_form(task_id):
    row = services.get_visible_task(task_id, current_user)
    form_def, problem = _form(row)
    if form_def is None:
        flash(problem, "error")
        abort(redirect(url_for("inbox.task", task_id=row.id)))
    return row, form_def


@bp.post("/tasks/<int:task_id>/draft")
@login_required
def save_draft(task_id):
    """Save the form as a draft (checked loosely: format problems are shown, not blocking)."""
    row, form_def = _posted_form(task_id)
    values, problems = services.save_draft(row.id, current_user, form_def, request.form)
    if problems:
        flash(_("草稿已保存，但有 %(n)s 处格式需要在提交前更正", n=len(problems)), "warning")
        return _task_page(row, form_def, values, problems)
    flash(_("草稿已保存"), "success")
    return redirect(url_for("inbox.task", task_id=row.id))


@bp.post("/tasks/<int:task_id>/draft/discard")
@login_required
def discard_draft(task_id):
    """Throw the saved draft away."""
    services.discard_draft(task_id, current_user)
    flash(_("草稿已删除"), "info")
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete(task_id):
    """Validate and complete the task; back to the inbox naming the next task(s)."""
    row, form_def = _posted_form(task_id)
    if row.status == "ready" and suspension.suspension_reason(row.instance_id) is not None:
        # Refused with the reason, what was typed kept; not a form error ("1 处需要更正").
        from app.formdefs.schema import unflatten_form

        return _task_page(row, form_def, unflatten_form(request.form, form_def), status=409)
    outcome = services.submit_task(row.id, current_user, form_def, request.form)
    if not outcome.ok:
        db.rollback()
        return _task_page(row, form_def, outcome.values, outcome.errors, status=400)
    message = _completion_message(row, outcome)
    if request.form.get("then") == "continue" and not outcome.engine_error:
        following = handoff.continue_with(current_user, [n.id for n in outcome.next_tasks])
        if following is not None:
            flash(_("「%(t)s」已办结，已为您打开下一步「%(n)s」", t=row.title, n=following.title), "success")
            for warning in outcome.warnings:
                flash(warning, "warning")
            return redirect(url_for("inbox.task", task_id=following.id))
    flash(message, "warning" if outcome.engine_error else "success")
    for warning in outcome.warnings:
        flash(warning, "warning")
    return redirect(url_for("inbox.mine"))


def _completion_message(row, outcome):
    from app.engine.waits import waits_of_instance_id

    title = row.title
    if outcome.engine_error:
        return _("「%(t)s」已办结，但流程后续步骤执行出错（%(e)s），已记录并等待流程管理员处理",
                 t=title, e=outcome.engine_error)
    if outcome.next_tasks:
        nxt = "；".join(_("「%(t)s」（%(u)s%(d)s）", t=n.title, u=n.org_unit, d=n.department)
                       for n in outcome.next_tasks)
        return _("「%(t)s」已办结，下一步：%(n)s", t=title, n=nxt)
    if outcome.status == "completed":
        return _("「%(t)s」已办结，流程已全部完成", t=title)
    waits = waits_of_instance_id(row.instance_id)
    if waits:
        return _("「%(t)s」已办结，案件正在等待：%(w)s", t=title, w=waiting.waits_text(waits))
    return _("「%(t)s」已办结", t=title)


def _hand_over(task_id, action, data):
    from app.engine import tasks

    if action == "claim":
        tasks.claim_task(task_id, current_user)
        return _("已签收，任务已进入我的待办")
    if action == "release":
        tasks.release_task(task_id, current_user)
        return _("已退回科室待办")
    if action == "assign":
        tasks.assign_task(task_id, current_user, data["assignee_id"], data["reason"])
        return _("已分派给 %(u)s", u=services.user_name(data["assignee_id"]))
    tasks.delegate_task(task_id, current_user, data["assignee_id"], data["reason"])
    return _("已转办给 %(u)s", u=services.user_name(data["assignee_id"]))


@bp.post("/tasks/<int:task_id>/<any(claim, release, assign, delegate):action>")
@login_required
def hand_over(task_id, action):
    """Claim, release, assign (heads) or delegate a task; back to where the user came from."""
    row = services.get_visible_task(task_id, current_user)
    data, errors = ({}, {}) if action in ("claim", "release") else parse(HandOverSchema(), request.form)
    if errors:
        flash("；".join(m for msgs in errors.values() for m in msgs), "error")
        form_def, problem = _form(row)
        return _task_page(row, form_def, form_problem=problem, status=400)
    try:
        if action == "claim":
            suspension.refuse_if_suspended(row)
        message = _hand_over(task_id, action, data)
    except Conflict as exc:
        # Someone else was faster, or the process is suspended: say so on the task page, not a bare 409.
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inbox.task", task_id=task_id))
    flash(message, "success")
    back = request.form.get("next", "")
    if back == "task" and action in ("claim", "assign", "delegate"):
        return redirect(url_for("inbox.task", task_id=task_id))
    return redirect(url_for("inbox.mine" if action == "claim" else "inbox.department"))
