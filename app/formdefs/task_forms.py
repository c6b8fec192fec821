"""Which form a human task shows: the registry form of its form key, or the form generated from the
camunda:formData a Camunda Modeler BPMN declares (kept by the engine in the definition's meta)."""
from .checks import FormDefError
from .loader import UnknownFormKey
from .model import FormDef


class TaskFormUnavailable(Exception):
    """The task names a form that cannot be shown; `message` is Chinese for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _definition(task):
    # Straight to the definition: the instance row carries the whole workflow state, not needed here.
    from sqlalchemy import select

    from app.db import db
    from app.engine.models import ProcessDefinition, ProcessInstance

    return db.scalar(select(ProcessDefinition)
                     .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
                     .where(ProcessInstance.id == task.instance_id))


def task_properties(task, definition=None) -> dict:
    """The user-task properties the engine stored at deploy time (called processes included)."""
    definition = definition or _definition(task)
    meta = (definition.meta or {}) if definition is not None else {}
    props = meta.get("user_tasks", {}).get(task.spec_name)
    if props is None:
        # Tasks inside a call activity belong to the called process's meta.
        for called in (meta.get("called") or {}).values():
            props = (called or {}).get("user_tasks", {}).get(task.spec_name)
            if props is not None:
                break
    return props or {}


def form_for_task(task) -> FormDef:
    """The FormDef to render and validate for a HumanTask; TaskFormUnavailable when there is none."""
    from .registry import get_registry

    registry = get_registry()
    if task.form_key and task.form_key in registry:
        try:
            return registry.get(task.form_key)
        except FormDefError as exc:
            raise TaskFormUnavailable(f"表单「{task.form_key}」定义有误，请联系流程管理员：{exc}") from None
    definition = _definition(task)
    props = task_properties(task, definition)
    if props.get("formFields"):
        try:
            return _camunda_form(task, definition, props["formFields"])
        except FormDefError as exc:
            raise TaskFormUnavailable(f"任务「{task.title}」的表单字段无法生成：{exc}") from None
    if task.form_key:
        raise TaskFormUnavailable(str(UnknownFormKey(task.form_key, registry.forms_dir)))
    # A task without any form is a plain confirmation ("办结") step.
    return FormDef(key="", title=task.title, fields=[])


_camunda_cache: dict = {}


def _camunda_form(task, definition, form_fields) -> FormDef:
    # Built once per definition version and task; the hash guards against a reused id (SQLite).
    from .camunda import form_from_camunda

    key = (definition.id, definition.sha256, task.spec_name)
    form = _camunda_cache.get(key)
    if form is None:
        form = _camunda_cache[key] = form_from_camunda(task.spec_name, form_fields, task.title)
    return form


def make_blueprint():
    """A route-less blueprint that puts formdefs/fields.html on the template path, with its filter."""
    from flask import Blueprint

    bp = Blueprint("formdefs", __name__, template_folder="templates")
    bp.add_app_template_filter(local_datetime_input, "formdefs_local_datetime")
    return bp


def local_datetime_input(value) -> str:
    """A stored UTC ISO datetime as a Beijing-time datetime-local value; other input is shown back as typed."""
    import datetime as dt

    from app.clock import LOCAL_TZ

    if value is None or value == "":
        return ""
    text = str(value)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if parsed.tzinfo is None:
        return parsed.strftime("%Y-%m-%dT%H:%M")
    return parsed.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
