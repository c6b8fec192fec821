"""Campaign pages (blueprint "campaigns"): list and create, issue, acknowledge, register, progress, case lists."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import OrgUnit
from app.auth.services import scope_subquery
from app.campaigns import register, services
from app.campaigns.progress import FIGURE_LABELS, FIGURE_LIST_LIMIT, FIGURES, figure_cases, progress
from app.campaigns.schemas import AcknowledgeForm, CampaignForm, EnterpriseForm
from app.cases.categories import category_label, class_choices
from app.clock import local_today
from app.db import db, utcnow
from app.errors import InvalidInput, NotFound, first_error

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns", template_folder="templates")
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def _require_reader():
    if not (services.can_manage(current_user) or current_user.has_role("supervisor")):
        abort(403)


@bp.get("/")
@login_required
def index():
    """Campaigns the user's bureau issued or received; heads of provinces and cities create new ones."""
    _require_reader()
    today = local_today()
    return render_template("campaigns/index.html", campaigns=services.visible_campaigns(current_user),
                           can_issue=services.can_issue(current_user), weekdays=WEEKDAYS, today=today,
                           classes=class_choices(current_user.org_unit, today.year), form={}, error="")


@bp.post("/")
@login_required
def create():
    """Create a campaign (a draft until issued)."""
    _require_reader()
    try:
        data = CampaignForm().load(request.form)
        campaign = services.create_campaign(current_user, data)
    except (ValidationError, InvalidInput) as exc:
        error = first_error(exc.messages) if isinstance(exc, ValidationError) else exc.message
        today = local_today()
        return render_template("campaigns/index.html", campaigns=services.visible_campaigns(current_user),
                               can_issue=services.can_issue(current_user), weekdays=WEEKDAYS, today=today,
                               classes=class_choices(current_user.org_unit, today.year), form=request.form,
                               error=error), 400
    flash(_("专项行动已创建，核对后请下发"), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id)), 303


def _viewed_unit(campaign):
    """The bureau whose progress is shown: the user's own, or one below it (?unit=code)."""
    code = request.args.get("unit")
    if not code:
        return current_user.org_unit
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or not unit.is_within(current_user.org_unit):
        raise NotFound("单位不存在或不在辖区内")
    return unit


@bp.get("/<int:campaign_id>")
@login_required
def show(campaign_id, status=200, **extra):
    """The campaign: phases, issue status, own register and progress by region, phase and class."""
    from app.campaigns.sampling import sampling_batches
    from app.reports.important import important_reports
    from app.reports.upward import children_status

    _require_reader()
    campaign = services.visible_campaign(current_user, campaign_id)
    unit = _viewed_unit(campaign)
    today = local_today()
    entry = services.own_entry(current_user, campaign)
    data = progress(campaign, unit, today)
    return render_template(
        "campaigns/show.html", campaign=campaign, unit=unit, data=data, entry=entry, today=today,
        figures=FIGURES, figure_labels=FIGURE_LABELS, weekdays=WEEKDAYS, category_label=category_label,
        units=services.issued_units(campaign),
        own_register=register.register_rows(campaign, [current_user.org_unit_id]),
        can_issue=services.can_issue(current_user) and campaign.org_unit_id == current_user.org_unit_id,
        can_manage=services.can_manage(current_user), report_status=children_status(campaign, unit, utcnow()),
        classes=class_choices(current_user.org_unit, today.year), important=important_reports(campaign, unit),
        batches=sampling_batches(campaign), **extra), status


@bp.post("/<int:campaign_id>/issue")
@login_required
def issue(campaign_id):
    """Issue the campaign to the bureaus below."""
    units = services.issue_campaign(current_user, campaign_id)
    flash(_("已下发至 %(n)s 个单位", n=len(units)), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id)), 303


@bp.post("/<int:campaign_id>/acknowledge")
@login_required
def acknowledge(campaign_id):
    """Acknowledge, add local classes, pass it on below."""
    try:
        form = AcknowledgeForm().load(request.form)
    except ValidationError as exc:
        raise InvalidInput(first_error(exc.messages)) from exc
    services.acknowledge(current_user, campaign_id, form["local_class_codes"], form["note"])
    flash(_("已签收"), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id)), 303


@bp.post("/<int:campaign_id>/register/import")
@login_required
def import_register(campaign_id):
    """Import the bureau's enterprise register from an XLSX or CSV file; bad rows are listed."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("请选择要导入的文件", field="file")
    result = register.import_register(current_user, campaign_id, upload.filename, upload.read())
    flash(_("导入完成：新增 %(a)s 家，合并 %(m)s 条，%(e)s 行有误", a=result.added, m=result.merged,
            e=len(result.errors)), "success" if not result.errors else "error")
    # The good rows are kept (200 commits them); the rejected ones are listed for correction.
    return show(campaign_id, import_errors=result.errors)


@bp.post("/<int:campaign_id>/register/add")
@login_required
def add_enterprise(campaign_id):
    """Add one enterprise by hand."""
    try:
        form = EnterpriseForm().load(request.form)
    except ValidationError as exc:
        raise InvalidInput(first_error(exc.messages)) from exc
    register.add_by_hand(current_user, campaign_id, form["uscc"], form["name"], form["product_class"],
                         form["products"])
    flash(_("企业已加入名录"), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id)), 303


@bp.post("/<int:campaign_id>/launch")
@login_required
def launch(campaign_id):
    """Launch self-inspection for every registered enterprise without a case yet."""
    cases = register.launch_self_inspection(current_user, campaign_id)
    flash(_("已为 %(n)s 家企业发起自查", n=len(cases)), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id)), 303


@bp.post("/<int:campaign_id>/sampling")
@login_required
def sampling(campaign_id):
    """Issue the next batch of sampling tasks to the bureaus below."""
    from datetime import date

    from app.campaigns.sampling import issue_sampling_batch

    counts = {}
    for key, value in request.form.items():
        if key.startswith("count_") and value.strip():
            try:
                counts[key[len("count_"):]] = int(value)
            except ValueError as exc:
                raise InvalidInput("批次数应为整数", field="counts") from exc
    try:
        due = date.fromisoformat(request.form.get("due", ""))
    except ValueError:
        due = None
    cases = issue_sampling_batch(current_user, campaign_id, request.form.get("product_class", ""),
                                 request.form.get("product_name", ""), due, counts)
    flash(_("抽查任务已下达至 %(n)s 个单位", n=len(cases)), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id) + "#sampling"), 303


@bp.post("/<int:campaign_id>/important")
@login_required
def important(campaign_id):
    """Send a 重要情况专报 up the chain at once."""
    from app.reports.important import send_important_report

    send_important_report(current_user, campaign_id, request.form.get("title"), request.form.get("body"))
    flash(_("重要情况专报已报送上级"), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id) + "#important"), 303


@bp.get("/<int:campaign_id>/cases")
@login_required
def cases(campaign_id):
    """The cases behind one progress figure of a region (and class)."""
    _require_reader()
    campaign = services.visible_campaign(current_user, campaign_id)
    unit = _viewed_unit(campaign)
    figure = request.args.get("figure", "")
    if figure not in FIGURES:
        raise InvalidInput("指标无效", field="figure")
    klass = request.args.get("class")
    rows, total = figure_cases(campaign, unit, figure, klass, FIGURE_LIST_LIMIT)
    # "Registered" also counts enterprises whose self-inspection is not launched yet: list the register too.
    enterprises, enterprise_total = [], 0
    if figure == "registered":
        enterprises, enterprise_total = register.register_page(campaign, scope_subquery(unit), klass,
                                                               FIGURE_LIST_LIMIT)
    return render_template("campaigns/cases.html", campaign=campaign, unit=unit, figure=figure,
                           figure_label=FIGURE_LABELS[figure], klass=klass, rows=rows, total=total,
                           category_label=category_label, enterprises=enterprises, enterprise_total=enterprise_total,
                           limit=FIGURE_LIST_LIMIT)
