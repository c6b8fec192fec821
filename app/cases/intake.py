"""Start work: register a failed sample, launch a self-inspection campaign, a risk signal, a sampling task."""
import re
from decimal import Decimal

from sqlalchemy import select

from app.cases.categories import is_key_class
from app.cases.jurisdiction import territorial_unit
from app.cases.models import Enterprise
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db
from app.errors import Forbidden, InvalidInput
from app.formdefs.uscc import normalize_uscc, uscc_problem

# Who may start what (DOMAIN.md section 3): sampling and disposal are quality supervision's work;
# consumer protection receives 12315 complaint leads, so it may register risk signals too, and it issues
# circulation-side sampling; enforcement opens penalty cases from leads (线索) with no failed sample behind them.
START_RIGHTS = {
    "failed_sample": ("quality_supervision",),
    "campaign": ("quality_supervision",),
    "sampling": ("quality_supervision", "consumer_protection"),
    "lead": ("enforcement",),
    "risk_signal": ("quality_supervision", "consumer_protection"),
}
MAX_CAMPAIGN_ENTERPRISES = 500
_LINE_SPLIT = re.compile(r"[,，\t;；]+")


def can_start(user, what) -> bool:
    """True when the user's departments may start this kind of work."""
    return bool(set(START_RIGHTS[what]) & set(user.department_codes)) or user.has_role("system_admin")


def _require(user, what):
    if not can_start(user, what):
        raise Forbidden("您所在科室无权发起此项工作")


def region_prefix(unit) -> str:
    """The leading digits of a unit's region code that its whole area shares (35 / 3501 / 350121)."""
    code = unit.code
    if unit.level == "province":
        return code[:2]
    if unit.level == "city":
        return code[:4]
    return code


def register_enterprises(user, limit=500) -> list[Enterprise]:
    """Enterprises registered in the user's area, for pick lists."""
    stmt = (select(Enterprise).where(Enterprise.region_code.startswith(region_prefix(user.org_unit)))
            .order_by(Enterprise.name).limit(limit))
    return list(db.scalars(stmt))


def _enterprise(user, data, *, required=True):
    if data.get("enterprise_id"):
        ent = db.get(Enterprise, data["enterprise_id"])
        if ent is None:
            raise InvalidInput("所选企业不存在", field="enterprise_id")
        return ent
    if not data.get("enterprise_uscc"):
        if required:
            raise InvalidInput("请选择企业或填写统一社会信用代码", field="enterprise_uscc")
        return None
    return get_or_create_enterprise(data["enterprise_uscc"], data["enterprise_name"],
                                    region_code=user.org_unit.code)


def _number(value):
    # JSON has no Decimal: whole amounts stay integers, others become floats rounded to cents.
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def register_failed_sample(user, data, *, org_unit=None):
    """Open a failed_sample_disposal case in the enterprise's territorial bureau (or the given `org_unit`)."""
    _require(user, "failed_sample")
    ent = _enterprise(user, data)
    items = [{"item": r["item"], "limit": r["limit"], "measured": r["measured"], "is_safety": bool(r["is_safety"])}
             for r in data["failed_items"]]
    facts = {"sample_no": data["sample_no"], "test_report_no": data["test_report_no"], "test_lab": data["test_lab"],
             "test_date": data["test_date"].isoformat(), "failed_items": items, "is_food": data["is_food"],
             "is_consumer_product": data["is_consumer_product"], "goods_value": _number(data["goods_value"])}
    title = f"{data['product_name']}抽检不合格后处理（{data['sample_no']}）"
    # The disposal belongs to the bureau of the enterprise's registered region (DOMAIN.md section 7).
    unit = org_unit or territorial_unit(ent.region_code) or user.org_unit
    if unit.id != user.org_unit_id:
        facts.update(organising_unit_code=user.org_unit.code, organising_unit_name=user.org_unit.name)
    return open_case("failed_sample_disposal", unit, title=title, enterprise=ent,
                     product_category=data["product_category"], product_name=data["product_name"],
                     is_key_product=is_key_class(data["product_category"]), facts=facts, user_id=user.id)


def parse_enterprise_lines(text) -> tuple[list[tuple[str, str]], dict]:
    """Lines of "USCC,名称" as [(uscc, name)] plus {line number: Chinese problem}."""
    found, problems = [], {}
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in _LINE_SPLIT.split(line, maxsplit=1)]
        if len(parts) < 2 or not parts[1]:
            problems[n] = "格式应为“统一社会信用代码,企业名称”"
            continue
        code, name = normalize_uscc(parts[0]), parts[1][:200]
        problem = uscc_problem(code)
        if problem:
            problems[n] = f"{problem}（{parts[0]}）"
            continue
        found.append((code, name))
    return found, problems


def launch_campaign(user, data) -> list:
    """Open one hazard_investigation case per enterprise (picked or pasted); all or nothing."""
    _require(user, "campaign")
    pasted, problems = parse_enterprise_lines(data.get("enterprise_lines", ""))
    if problems:
        detail = "；".join(f"第 {n} 行：{msg}" for n, msg in sorted(problems.items()))
        raise InvalidInput(f"企业名单有误：{detail}", field="enterprise_lines", lines=problems)
    if len(set(data.get("enterprise_ids") or [])) + len(pasted) > MAX_CAMPAIGN_ENTERPRISES:
        raise InvalidInput(f"一次最多发起 {MAX_CAMPAIGN_ENTERPRISES} 家企业", field="enterprise_lines")
    enterprises, seen = [], set()
    for ent_id in data.get("enterprise_ids") or []:
        ent = db.get(Enterprise, ent_id)
        if ent is None:
            raise InvalidInput("所选企业不存在", field="enterprise_ids")
        if ent.uscc not in seen:
            seen.add(ent.uscc)
            enterprises.append(ent)
    for code, name in pasted:
        if code not in seen:
            seen.add(code)
            enterprises.append(get_or_create_enterprise(code, name, region_code=user.org_unit.code))
    if not enterprises:
        raise InvalidInput("请至少选择或填写一家企业", field="enterprise_lines")
    facts = {"campaign_name": data["campaign_name"], "self_inspection_due": data["self_inspection_due"].isoformat(),
             "inspection_due": data["inspection_due"].isoformat()}
    return [open_case("hazard_investigation", user.org_unit, title=f"{data['campaign_name']}·{ent.name}",
                      enterprise=ent, product_category=data["product_category"], product_name=data["product_name"],
                      is_key_product=is_key_class(data["product_category"]), facts=dict(facts), user_id=user.id)
            for ent in enterprises]


def register_risk_signal(user, data):
    """Open a risk_monitoring case for a risk signal (the enterprise is optional)."""
    _require(user, "risk_signal")
    ent = _enterprise(user, data, required=False)
    facts = {"signal_source": data["signal_source"], "signal_description": data["signal_description"]}
    return open_case("risk_monitoring", user.org_unit, title=data["title"], enterprise=ent,
                     product_category=data.get("product_category") or "other",
                     product_name=data.get("product_name") or "",
                     is_key_product=is_key_class(data.get("product_category")), facts=facts, user_id=user.id)


def register_lead(user, data):
    """Open a penalty_case in the user's bureau from a lead (线索): enforcement's lead check comes first."""
    _require(user, "lead")
    ent = _enterprise(user, data)
    facts = {"reason": data["reason"], "lead_source": data["lead_source"]}
    return open_case("penalty_case", user.org_unit, title=data["title"], enterprise=ent,
                     product_category=data.get("product_category") or "other",
                     product_name=data.get("product_name") or "",
                     is_key_product=is_key_class(data.get("product_category")), facts=facts, user_id=user.id)


def start_sampling_task(user, data):
    """Open a supervision_sampling case for a sampling plan of the user's bureau."""
    _require(user, "sampling")
    facts = {"plan_name": data["plan_name"], "sample_count": data["sample_count"],
             "sampling_due": data["sampling_due"].isoformat()}
    if "quality_supervision" not in user.department_codes and "consumer_protection" in user.department_codes:
        # Circulation-side sampling (流通领域): consumer protection plans and reports it.
        facts.update(issuing_department="consumer_protection", sampling_link="circulation")
    return open_case("supervision_sampling", user.org_unit, title=f"{data['plan_name']}·{data['product_name']}",
                     product_category=data["product_category"], product_name=data["product_name"],
                     is_key_product=is_key_class(data["product_category"]), facts=facts, user_id=user.id)
