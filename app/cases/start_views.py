"""Start-work pages: failed sample, self-inspection campaign, risk signal, sampling task."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app.cases import intake
from app.cases.categories import class_choices
from app.cases.schemas import (
    LEAD_SOURCES,
    SIGNAL_SOURCES,
    CampaignSchema,
    FailedSampleSchema,
    LeadSchema,
    RiskSignalSchema,
    SamplingSchema,
    flat_errors,
)
from app.cases.views import bp
from app.clock import local_today
from app.errors import InvalidInput

_ROW_KEY = re.compile(r"^failed_items-(\d{1,3})-(item|limit|measured|is_safety)$")

PAGES = {
    "failed_sample": ("cases/start_failed_sample.html", FailedSampleSchema, intake.register_failed_sample),
    "campaign": ("cases/start_campaign.html", CampaignSchema, intake.launch_campaign),
    "risk_signal": ("cases/start_risk_signal.html", RiskSignalSchema, intake.register_risk_signal),
    "sampling": ("cases/start_sampling.html", SamplingSchema, intake.start_sampling_task),
    "lead": ("cases/start_lead.html", LeadSchema, intake.register_lead),
}


def _failed_item_rows(form):
    """The failed-items table from "failed_items-<row>-<column>" inputs; blank rows dropped."""
    rows = {}
    for key in form:
        m = _ROW_KEY.match(key)
        if m:
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = form.get(key, "").strip()
    out = []
    for n in sorted(rows):
        row = rows[n]
        if any(row.get(k) for k in ("item", "limit", "measured")):
            out.append({"item": row.get("item", ""), "limit": row.get("limit", ""),
                        "measured": row.get("measured", ""), "is_safety": row.get("is_safety") == "1"})
    return out


def _submission(what):
    data = {k: v for k, v in request.form.items() if not k.startswith("failed_items-") and k != "csrf_token"}
    if what == "failed_sample":
        data["failed_items"] = _failed_item_rows(request.form)
    if what == "campaign":
        data["enterprise_ids"] = [v for v in request.form.getlist("enterprise_ids") if v]
    return data


@bp.get("/start")
@login_required
def start_index():
    """The start-work entry page: what this user's departments may start."""
    allowed = {what: intake.can_start(current_user, what) for what in PAGES}
    return render_template("cases/start_index.html", allowed=allowed)


@bp.route("/start/<what>", methods=["GET", "POST"])
@login_required
def start(what):
    """Show a start form; on POST validate, open the case(s) and go to the result."""
    if what not in PAGES:
        abort(404)
    template, schema_cls, service = PAGES[what]
    if not intake.can_start(current_user, what):
        abort(403)
    errors, form = {}, {}
    if request.method == "POST":
        form = _submission(what)
        try:
            clean = schema_cls().load(form)
        except ValidationError as err:
            errors = flat_errors(err.messages)
        else:
            try:
                result = service(current_user, clean)
            except InvalidInput as exc:
                errors = {exc.details.get("field", "_form"): [exc.message]}
            else:
                return _after_start(what, result, clean)
    categories = class_choices(current_user.org_unit, local_today().year, include=[form.get("product_category")])
    return render_template(template, what=what, form=form, errors=errors, categories=categories,
                           sources=SIGNAL_SOURCES, lead_sources=LEAD_SOURCES,
                           register=intake.register_enterprises(current_user)), (400 if errors else 200)


def _after_start(what, result, clean):
    if what == "campaign":
        flash(_("已为 %(n)s 家企业发起自查任务", n=len(result)), "success")
        return redirect(url_for("cases.search", kind="hazard_investigation", q=clean["campaign_name"]))
    from app.inbox.handoff import take_up_first_task

    first = take_up_first_task(current_user, result)
    if first is not None:
        flash(_("已登记：%(number)s。第一步「%(t)s」已签收到您的待办，已填写的内容已带入表单",
                number=result.number, t=first.title), "success")
        return redirect(url_for("inbox.task", task_id=first.id))
    flash(_("已登记：%(number)s", number=result.number), "success")
    return redirect(url_for("cases.detail", case_id=result.id))
