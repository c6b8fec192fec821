"""12315 complaints and reports: deduplicated by the 12315 number, each routed as a lead to consumer
protection (complaints) or enforcement (reports) of the territorial bureau, with its product class.

A report also opens a penalty case whose first task, 立案审查, is enforcement's lead check (15 WD)."""
from dataclasses import dataclass, field

from marshmallow import ValidationError, fields, validate
from sqlalchemy import func, select

from app.audit.services import record_event
from app.auth.services import is_in_scope, unit_ids_in_scope
from app.cases.categories import class_code, is_key_class
from app.cases.jurisdiction import territorial_unit
from app.cases.schemas import BAD_DATE, DATE_RANGE, REQUIRED, Uscc, _Base, flat_errors, known_class
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, utcnow
from app.errors import AppError
from app.exchange.models import ComplaintLead
from app.exchange.regions import enterprise_region

COLUMNS = {
    "12315编号": "number", "登记编号": "number", "工单编号": "number", "编号": "number",
    "类型": "kind", "诉求类型": "kind",
    "登记日期": "received_date", "受理日期": "received_date", "接收日期": "received_date",
    "被投诉举报对象": "enterprise_name", "经营者名称": "enterprise_name", "企业名称": "enterprise_name",
    "统一社会信用代码": "uscc",
    "行政区划代码": "region_code", "所在地区划代码": "region_code",
    "产品类别": "product_category", "产品名称": "product_name", "商品名称": "product_name",
    "诉求内容": "description", "问题描述": "description", "内容": "description",
}
TEMPLATE_HEADERS = ("12315编号", "类型", "登记日期", "被投诉举报对象", "统一社会信用代码", "行政区划代码", "产品类别",
                    "产品名称", "诉求内容")
KINDS = {"投诉": "complaint", "举报": "report", "complaint": "complaint", "report": "report"}
# Where a lead goes (DOMAIN.md section 3): a report alleges a violation -> enforcement; a complaint is a
# consumer's dispute -> consumer protection. The product class travels with the lead for their lists.
DEPARTMENT_BY_KIND = {"report": "enforcement", "complaint": "consumer_protection"}


class ComplaintSchema(_Base):
    """One 12315 complaint or report."""

    number = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    kind = fields.Str(required=True, error_messages=REQUIRED,
                      validate=validate.OneOf(("complaint", "report"), error="类型应为“投诉”或“举报”"))
    received_date = fields.Date(required=True, error_messages=BAD_DATE, validate=DATE_RANGE)
    enterprise_name = fields.Str(load_default="", validate=validate.Length(max=200))
    uscc = Uscc()
    region_code = fields.Str(load_default="",
                             validate=validate.Regexp(r"^(\d{6})?$", error="行政区划代码应为 6 位数字"))
    product_category = fields.Str(load_default="other",
                                  validate=known_class)
    product_name = fields.Str(load_default="", validate=validate.Length(max=200))
    description = fields.Str(required=True, error_messages=REQUIRED,
                             validate=validate.Length(min=2, max=4000, error="请填写 2-4000 字的内容"))


@dataclass
class LeadOutcome:
    """What one complaint row did (or would do)."""

    row: int
    number: str
    outcome: str  # created / duplicate / error
    errors: dict = field(default_factory=dict)
    department_code: str = ""
    org_unit_name: str = ""
    case_id: int | None = None


def row_from_sheet(cells: dict) -> dict:
    """A spreadsheet row in the JSON shape (kind and category words to codes)."""
    row = dict(cells)
    row["kind"] = KINDS.get(cells.get("kind", "").strip(), cells.get("kind", ""))
    category = cells.get("product_category", "").strip()
    row["product_category"] = class_code(category)
    return row


def _route(user, clean):
    region = clean.get("region_code") or enterprise_region(clean.get("uscc") or "")
    unit = territorial_unit(region) if region else user.org_unit
    return DEPARTMENT_BY_KIND[clean["kind"]], unit


def _plan(user, n, raw, seen):
    try:
        clean = ComplaintSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as err:
        number = raw.get("number", "") if isinstance(raw, dict) else ""
        return LeadOutcome(n, str(number)[:60], "error", flat_errors(err.messages)), None
    department, unit = _route(user, clean)
    if unit is None or not is_in_scope(user, unit.id):
        return LeadOutcome(n, clean["number"], "error", {"region_code": ["所在地区不在本账号辖区内"]}), None
    existing = db.scalar(select(ComplaintLead.id).where(ComplaintLead.number == clean["number"]))
    if existing is not None or clean["number"] in seen:
        return LeadOutcome(n, clean["number"], "duplicate", department_code=department, org_unit_name=unit.name), None
    seen.add(clean["number"])
    return LeadOutcome(n, clean["number"], "created", department_code=department, org_unit_name=unit.name), (
        clean, department, unit)


def preview_complaints(user, rows) -> list[LeadOutcome]:
    """What importing these rows would do; nothing is written."""
    seen = set()
    return [_plan(user, n, raw, seen)[0] for n, raw in enumerate(rows, start=1)]


def import_complaints(user, rows) -> list[LeadOutcome]:
    """Store each new complaint as a lead (a known 12315 number changes nothing); audited."""
    seen, out = set(), []
    for n, raw in enumerate(rows, start=1):
        outcome, plan = _plan(user, n, raw, seen)
        if plan is not None:
            try:
                with db.begin_nested():  # one row that cannot go in must not sink the batch
                    outcome.case_id = _store(user, *plan)
            except AppError as exc:
                seen.discard(plan[0]["number"])
                outcome.outcome, outcome.errors = "error", {"_row": [exc.message]}
        out.append(outcome)
    return out


def _store(user, clean, department, unit) -> int | None:
    now = utcnow()
    lead = ComplaintLead(**{k: v for k, v in clean.items() if k != "uscc"}, uscc=clean.get("uscc") or "",
                         department_code=department, org_unit_id=unit.id, imported_by_id=user.id, imported_at=now)
    db.add(lead)
    db.flush()
    if department == "enforcement":
        lead.case_id = _open_lead_check(user, lead, unit).id
    record_event("complaint_lead_received", case_id=lead.case_id, actor_id=user.id, at=now,
                 summary=f"12315 {lead.number} → {unit.name}",
                 data={"lead_id": lead.id, "number": lead.number, "department": department})
    return lead.case_id


def _open_lead_check(user, lead, unit):
    # A report is checked and the decision to open a case taken within 15 WD (DOMAIN.md section 10): that is
    # the penalty case's first task, 立案审查, in the territorial bureau's enforcement office.
    enterprise = None
    if lead.uscc:
        enterprise = get_or_create_enterprise(lead.uscc, lead.enterprise_name or lead.uscc,
                                              region_code=lead.region_code or unit.code)
    subject = lead.enterprise_name or lead.product_name or lead.number
    facts = {"lead_source": "complaint", "lead_summary": lead.description, "reason": lead.description,
             "complaint_no": lead.number, "complaint_received_date": lead.received_date.isoformat()}
    return open_case("penalty_case", unit, title=f"12315举报：{subject}（{lead.number}）", enterprise=enterprise,
                     product_category=lead.product_category, product_name=lead.product_name,
                     is_key_product=is_key_class(lead.product_category), facts=facts, user_id=user.id)


def list_leads(user, *, page=1, per_page=20) -> tuple[list[ComplaintLead], int]:
    """Leads for the user's departments in the user's bureau subtree, newest first; (rows, total)."""
    stmt = select(ComplaintLead).where(ComplaintLead.org_unit_id.in_(unit_ids_in_scope(user.org_unit)),
                                       ComplaintLead.department_code.in_(sorted(user.department_codes) or [""]))
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.scalars(stmt.order_by(ComplaintLead.received_date.desc(), ComplaintLead.id.desc())
                      .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
