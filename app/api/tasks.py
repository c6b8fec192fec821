"""/api/v1/tasks: mine, my department's, read, claim, complete (validated as the web form)."""
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from app.api.auth import current_api_user, requires
from app.api.core import ApiBlueprint
from app.api.paging import LINK_HEADERS, link_headers
from app.api.schemas import CompleteIn, CompletionOut, TaskDetailOut, TaskOut
from app.db import db
from app.engine import tasks as engine_tasks
from app.engine.models import HumanTask
from app.errors import AppError, Conflict, NotFound
from app.formdefs.task_forms import TaskFormUnavailable, form_for_task
from app.inbox import queries, services

blp = ApiBlueprint("api_tasks", __name__, url_prefix="/api/v1/tasks", description="任务：待办、签收、办结")


class FormRejected(AppError):
    """The form data did not pass the task form's validation (the web form's own)."""

    status = 422
    code = "invalid_input"


class TaskListArgs(Schema):
    """?tab=mine|department&page= (20 per page, as in the inbox)."""

    tab = fields.Str(load_default="mine", validate=validate.OneOf(("mine", "department", "done"),
                                                                  error="请选择有效的选项"))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000, error="页码无效"))


def _visible_task(task_id) -> HumanTask:
    # Another region's task answers 404, as if it did not exist (no hint across bureaus).
    task = db.get(HumanTask, task_id)
    if task is None or not services.can_view(current_api_user(), task):
        raise NotFound("任务不存在或不在您的辖区内")
    return task


def _form_def(task):
    try:
        return form_for_task(task)
    except TaskFormUnavailable as exc:
        raise Conflict(exc.message) from exc


def _form_fields(form_def):
    return [{"name": f.name, "label": f.label, "type": f.type, "required": bool(f.required),
             "options": f.option_values(), "columns": [c.name for c in f.columns]}
            for f in form_def.editable_fields()]


def as_form_data(form_def, data: dict) -> dict:
    """JSON form data in the web form's shape (tables as "<table>-<row>-<column>"), for the same validation."""
    out = {}
    tables = {f.name for f in form_def.editable_fields() if f.type == "table"}
    for key, value in data.items():
        if key in tables and isinstance(value, list):
            for n, row in enumerate(value):
                for column, cell in (row.items() if isinstance(row, dict) else ()):
                    out[f"{key}-{n}-{column}"] = cell
        else:
            out[key] = value
    return out


@blp.route("")
class Tasks(MethodView):
    @requires("tasks:work")
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskOut(many=True), headers=LINK_HEADERS)
    @blp.doc(summary="待办任务列表（我的待办、科室待办、已办）")
    def get(self, args):
        """The token account's tasks: mine (claimed), department (to claim) or done; 20 per page."""
        page = queries.list_tasks(current_api_user(), args["tab"], queries.InboxFilters(page=args["page"]))
        return [row.task for row in page.rows], 200, link_headers(page.page, page.per_page, page.total)


@blp.route("/<int:task_id>")
class TaskItem(MethodView):
    @requires("tasks:work")
    @blp.response(200, TaskDetailOut)
    @blp.doc(summary="读取任务及其表单字段")
    def get(self, task_id):
        """One task with the fields its form accepts."""
        task = _visible_task(task_id)
        out = {name: getattr(task, name) for name in TaskOut().fields}
        out["form_fields"] = _form_fields(_form_def(task)) if task.form_key else []
        return out


@blp.route("/<int:task_id>/claim", methods=["POST"])
@requires("tasks:work")
@blp.response(200, TaskOut)
@blp.doc(summary="签收任务")
def claim(task_id):
    """Claim a department task for the token's account."""
    task = _visible_task(task_id)
    return engine_tasks.claim_task(task.id, current_api_user())


@blp.route("/<int:task_id>/complete", methods=["POST"])
@requires("tasks:work")
@blp.arguments(CompleteIn)
@blp.response(200, CompletionOut)
@blp.doc(summary="办结任务（与网页表单相同的校验）")
def complete(body, task_id):
    """Complete a task with its form data, validated exactly as the web form; 422 with field messages."""
    task = _visible_task(task_id)
    form_def = _form_def(task)
    outcome = services.submit_task(task.id, current_api_user(), form_def, as_form_data(form_def, body["data"]))
    if not outcome.ok:
        raise FormRejected("表单数据未通过校验", errors=outcome.errors)
    return {"task_id": task.id, "process_status": outcome.status, "engine_error": outcome.engine_error or "",
            "next_tasks": [vars(n) for n in outcome.next_tasks]}
