"""Start page for any deployed process that has a start form (imported ones too), for the departments it names.

The built-in kinds keep their own pages (start_views.py); every other process whose plain start event declares a
form (spiff formKey, Camunda formKey or formData) can be started here: the form is shown, validated, and the
case opens in the user's bureau with the answers as its facts.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases.services import KIND_LABELS, open_case
from app.cases.views import bp
from app.engine.deploy import latest_definition, latest_definitions
from app.errors import InvalidInput
from app.formdefs.checks import FormDefError
from app.formdefs.schema import validate_submission


def process_departments(definition) -> set:
    """Departments the process (and the processes it calls) routes user tasks to."""
    meta = definition.meta or {}
    metas = [meta, *(meta.get("called") or {}).values()]
    return {t.get("department") for m in metas for t in (m or {}).get("user_tasks", {}).values()
            if t.get("department")}


def may_start(user, definition) -> bool:
    """A user of a department the process names (or a system admin) may start it."""
    return bool(process_departments(definition) & user.department_codes) or user.has_role("system_admin")


def startable_processes(user) -> list:
    """Deployed processes other than the built-in kinds with a start form this user may start."""
    return [d for d in latest_definitions()
            if d.key not in KIND_LABELS and (d.meta or {}).get("start_form") and may_start(user, d)]


def start_form_def(definition):
    """The FormDef of a definition's start event; InvalidInput when it cannot be shown."""
    from app.formdefs.camunda import form_from_camunda
    from app.formdefs.registry import get_registry

    form = definition.meta["start_form"]
    try:
        if form.get("formFields"):
            return form_from_camunda(form["element_id"], form["formFields"], definition.name)
        registry = get_registry()
        if form.get("formKey") in registry:
            return registry.get(form["formKey"])
    except FormDefError as exc:
        raise InvalidInput(f"流程 {definition.key} 的开始表单无法生成：{exc}") from None
    raise InvalidInput(f"流程 {definition.key} 的开始表单 {form.get('formKey')} 不存在，请联系流程管理员")


@bp.route("/start/process/<key>", methods=["GET", "POST"])
@login_required
def start_process(key):
    """Show a deployed process's start form; on POST validate it and open the case."""
    definition = latest_definition(key)
    if definition is None or key in KIND_LABELS or not (definition.meta or {}).get("start_form"):
        abort(404)
    if not may_start(current_user, definition):
        abort(403)
    form_def = start_form_def(definition)
    values, errors = {}, {}
    if request.method == "POST":
        values, errors = validate_submission(form_def, request.form)
        if not errors:
            case = open_case(key, current_user.org_unit, title=definition.name[:200], facts=values,
                             user_id=current_user.id)
            flash(_("已登记：%(number)s", number=case.number), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
        values = request.form.to_dict()
    return render_template("cases/start_process.html", definition=definition, form_def=form_def, values=values,
                           errors=errors), (400 if errors else 200)
