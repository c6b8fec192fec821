"""The case page's "登记外部事项" section: what the process can receive, and registering it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.cases import external, queries
from app.cases.schemas import ExternalEventSchema, flat_errors
from app.cases.views import _scoped_case, bp
from app.clock import local_today
from app.errors import InvalidInput


@bp.app_template_global("case_external_messages")
def case_external_messages(case):
    """Catchable messages of the case and whether the current user may register them (for the partial)."""
    return {"messages": external.external_messages(case.id),
            "may_register": external.may_register(current_user, case), "today": local_today()}


def _form_input():
    return {"message": request.form.get("message", ""), "received_date": request.form.get("received_date", ""),
            "note": request.form.get("note", ""), "attachment_ids": request.form.getlist("attachment_ids")}


def _again(case_id, typed, errors):
    # Bad input: the case page again, with the messages and everything typed kept, answered 400.
    page = queries.case_page(current_user, case_id, str(get_locale()))
    return render_template("cases/detail.html", **page, external_typed=typed, external_errors=errors), 400


@bp.post("/<int:case_id>/external")
@login_required
def register_external(case_id):
    """Register an objection, a hearing request... received by the bureau; the process takes it up."""
    case = _scoped_case(case_id)
    typed = _form_input()
    try:
        data = ExternalEventSchema().load(typed)
    except ValidationError as err:
        # A bad list item comes back as "attachment_ids[0]": shown beside the list as a whole.
        errors = {}
        for key, msgs in flat_errors(err.messages).items():
            errors.setdefault(key.split("[", 1)[0], []).extend(msgs)
        return _again(case.id, typed, errors)
    try:
        result = external.register_external_event(case, current_user, **data)
    except InvalidInput as exc:  # refused before anything was written
        return _again(case.id, typed, {exc.details.get("field") or "message": [exc.message]})
    if result.is_delivered:
        flash(_("已登记%(label)s，流程已据此继续办理", label=_(result.label)), "success")
    else:
        flash(_("已登记%(label)s；流程尚未到达受理环节，事项已暂存，届时自动送达", label=_(result.label)), "info")
    return redirect(url_for("cases.detail", case_id=case.id) + "#external")
