"""/api/v1/cases: list, filter, read, start (with the start forms' own schemas), outside events."""
from flask.views import MethodView

from app.api.auth import current_api_user, requires
from app.api.core import ApiBlueprint
from app.api.paging import LINK_HEADERS, link_headers
from app.api.schemas import CaseDetailOut, CaseIdsOut, CaseListItem, EventResultOut, MessageOut
from app.cases import external, intake, queries
from app.cases.schemas import (
    CampaignSchema,
    CaseFilterSchema,
    ExternalEventSchema,
    FailedSampleSchema,
    RiskSignalSchema,
    SamplingSchema,
)

blp = ApiBlueprint("api_cases", __name__, url_prefix="/api/v1/cases",
                   description="案件：查询、发起、登记外部事项（异议、听证申请、企业报告等）")


class CaseQueryArgs(CaseFilterSchema):
    """The case list's filters (the web list's own schema), with page sizes up to 100."""


@blp.route("")
class Cases(MethodView):
    @requires("cases:read")
    @blp.arguments(CaseQueryArgs, location="query", as_kwargs=False)
    @blp.response(200, CaseListItem(many=True), headers=LINK_HEADERS)
    @blp.doc(summary="查询案件列表（与网页案件查询相同的筛选条件）")
    def get(self, filters):
        """Cases in the token's bureau subtree, filtered as on the web list (paged, Link header)."""
        page = queries.search_cases(current_api_user(), filters)
        return page.items, 200, link_headers(page.page, page.per_page, page.total)


@blp.route("/<int:case_id>")
class CaseItem(MethodView):
    @requires("cases:read")
    @blp.response(200, CaseDetailOut)
    @blp.doc(summary="读取案件（含记录字段）")
    def get(self, case_id):
        """One case with its record fields; 404 outside the token's bureau subtree."""
        return queries.get_case_for(current_api_user(), case_id)


@blp.route("/failed-sample", methods=["POST"])
@requires("tasks:work")
@blp.arguments(FailedSampleSchema)
@blp.response(201, CaseDetailOut)
@blp.doc(summary="登记不合格样品（启动不合格产品后处理）")
def start_failed_sample(data):
    """Register a failed sample (starts failed_sample_disposal), validated as the web start form."""
    return intake.register_failed_sample(current_api_user(), data)


@blp.route("/risk-signal", methods=["POST"])
@requires("tasks:work")
@blp.arguments(RiskSignalSchema)
@blp.response(201, CaseDetailOut)
@blp.doc(summary="登记风险信号（启动风险监测预警）")
def start_risk_signal(data):
    """Register a risk signal (starts risk_monitoring)."""
    return intake.register_risk_signal(current_api_user(), data)


@blp.route("/sampling-task", methods=["POST"])
@requires("tasks:work")
@blp.arguments(SamplingSchema)
@blp.response(201, CaseDetailOut)
@blp.doc(summary="发起监督抽查任务")
def start_sampling(data):
    """Start a supervision sampling task (supervision_sampling)."""
    return intake.start_sampling_task(current_api_user(), data)


@blp.route("/campaign", methods=["POST"])
@requires("tasks:work")
@blp.arguments(CampaignSchema)
@blp.response(201, CaseIdsOut)
@blp.doc(summary="发起重点产品自查（每家企业一个隐患排查案件）")
def start_campaign(data):
    """Launch a self-inspection campaign: one hazard_investigation case per enterprise (all or nothing)."""
    cases = intake.launch_campaign(current_api_user(), data)
    return {"ids": [c.id for c in cases], "numbers": [c.number for c in cases]}


@blp.route("/<int:case_id>/events")
class CaseEvents(MethodView):
    @requires("cases:read")
    @blp.response(200, MessageOut(many=True))
    @blp.doc(summary="案件流程可接收的外部事项")
    def get(self, case_id):
        """The outside events the case's process can receive now or later (awaited ones first)."""
        case = queries.get_case_for(current_api_user(), case_id)
        return external.external_messages(case.id)

    @requires("tasks:work")
    @blp.arguments(ExternalEventSchema)
    @blp.response(201, EventResultOut)
    @blp.doc(summary="登记外部事项（异议、听证申请、企业报告等）")
    def post(self, data, case_id):
        """Hand an outside event (objection, hearing request, an enterprise's report) to the waiting process."""
        case = queries.get_case_for(current_api_user(), case_id)
        return external.register_external_event(case, current_api_user(), message=data["message"],
                                                received_date=data["received_date"], note=data["note"],
                                                attachment_ids=data.get("attachment_ids") or ())
