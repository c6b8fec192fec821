"""Administrative-penalty disclosures (行政处罚信息公示) with the national publicity system's fields.

A disclosure is made when the credit office completes the disclosure task (form cd_disclosure) of a
penalty case; its fields come from the case record. It stays on the public page for the display period
(DISCLOSURE_DISPLAY_YEARS, 3 by default) and is withdrawn when the decision is revoked or changed: at once
when the revocation is registered, so always inside the 3 working days the rules allow (withdraw_due).
"""
import csv
import io
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, or_, select

from app import signals
from app.audit.services import record_event
from app.auth.services import unit_ids_in_scope
from app.calendar.helpers import add_working_days
from app.cases.models import Case
from app.clock import local_today
from app.db import db, utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.exchange.models import CreditDisclosure

DISCLOSURE_FORM_KEY = "cd_disclosure"
WITHDRAW_WORKING_DAYS = 3
EXPORT_LIMIT = 10000
PENALTY_WORDS = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得、非法财物",
                 "suspension": "责令停产停业", "revocation": "吊销许可证件"}
# The national publicity system's columns, in its order (CSV export header and JSON keys).
EXPORT_FIELDS = (
    ("decision_no", "行政处罚决定书文号"), ("party_name", "当事人名称"), ("uscc", "统一社会信用代码"),
    ("legal_representative", "法定代表人"), ("violation", "违法行为类型及事实"), ("legal_basis", "处罚依据"),
    ("penalty_content", "处罚内容"), ("fine_amount", "罚款金额（元）"), ("confiscation_amount", "没收金额（元）"),
    ("decision_date", "处罚决定日期"), ("authority", "处罚机关"), ("published_on", "公示日期"),
    ("display_until", "公示截止日期"), ("status", "状态"), ("withdrawn_on", "撤销公示日期"),
)


def _display_until(decided: date) -> date:
    years = int(current_app.config.get("DISCLOSURE_DISPLAY_YEARS", 3))
    try:
        return decided.replace(year=decided.year + years)
    except ValueError:  # 29 February
        return decided.replace(year=decided.year + years, day=28)


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return Decimal("0.00")


def penalty_content(facts) -> str:
    """The penalty in words, e.g. "警告；罚款 5000.00 元"."""
    parts = []
    for kind in facts.get("penalty_types") or []:
        word = PENALTY_WORDS.get(kind, kind)
        if kind == "fine":
            word = f"{word} {_amount(facts.get('fine_amount'))} 元"
        elif kind == "confiscation":
            word = f"{word} {_amount(facts.get('confiscation_amount'))} 元"
        parts.append(word)
    return "；".join(parts)


def publish_from_case(case_id, *, published_on: date, user_id=None) -> CreditDisclosure:
    """Create (or refresh) the disclosure of a penalty case from its record; audited."""
    case = db.get(Case, case_id)
    if case is None:
        raise NotFound("案件不存在")
    facts = case.facts or {}
    if not facts.get("decision_no") or not facts.get("decision_date"):
        raise InvalidInput("案件尚无处罚决定书文号或决定日期，不能公示")
    decided = date.fromisoformat(str(facts["decision_date"])[:10])
    ent = case.enterprise
    values = {
        "decision_no": str(facts["decision_no"])[:60], "party_name": (ent.name if ent else case.title)[:200],
        "uscc": ent.uscc if ent else "", "legal_representative": ent.legal_representative if ent else "",
        "violation": str(facts.get("violation") or facts.get("case_cause") or facts.get("investigation_findings")
                         or ""),
        "legal_basis": str(facts.get("legal_basis") or ""), "penalty_content": penalty_content(facts),
        "fine_amount": _amount(facts.get("fine_amount")),
        "confiscation_amount": _amount(facts.get("confiscation_amount")), "decision_date": decided,
        "authority": case.org_unit.name, "org_unit_id": case.org_unit_id, "published_on": published_on,
        "display_until": _display_until(decided)}
    item = db.scalar(select(CreditDisclosure).where(CreditDisclosure.case_id == case.id))
    if item is None:
        item = CreditDisclosure(case_id=case.id, status="published", created_at=utcnow(), **values)
        db.add(item)
    else:
        for key, value in values.items():
            setattr(item, key, value)
    db.flush()
    record_event("disclosure_published", case_id=case.id, actor_id=user_id, summary=item.decision_no,
                 data={"disclosure_id": item.id, "display_until": item.display_until.isoformat()})
    return item


def withdraw_disclosure(disclosure_id, user, *, revoked_on: date, reason: str) -> CreditDisclosure:
    """The decision was revoked or changed: take the disclosure off the public page now; audited."""
    item = db.get(CreditDisclosure, disclosure_id)
    if item is None or item.org_unit_id not in unit_ids_in_scope(user.org_unit):
        raise NotFound("公示信息不存在或不在您的辖区内")
    if item.status == "withdrawn":
        raise Conflict("该公示信息已撤下")
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 300:
        raise InvalidInput("请填写 2-300 字的撤销理由", field="reason")
    if revoked_on > local_today():
        raise InvalidInput("撤销决定日期不能晚于今天", field="revoked_on")
    item.status, item.revoked_on, item.withdrawn_at, item.withdraw_reason = "withdrawn", revoked_on, utcnow(), reason
    item.withdraw_due = date.fromisoformat(add_working_days(revoked_on.isoformat(), WITHDRAW_WORKING_DAYS))
    record_event("disclosure_withdrawn", case_id=item.case_id, actor_id=user.id, summary=item.decision_no,
                 data={"disclosure_id": item.id, "reason": reason, "revoked_on": revoked_on.isoformat(),
                       "withdraw_due": item.withdraw_due.isoformat()})
    return item


def _search(stmt, q):
    if q:
        text = q.strip()
        stmt = stmt.where(or_(CreditDisclosure.uscc == text.upper(),
                              CreditDisclosure.party_name.icontains(text, autoescape=True)))
    return stmt


def public_disclosures(q="", *, page=1, per_page=20) -> tuple[list[CreditDisclosure], int]:
    """What the public page shows: published, inside the display period, matching a name or USCC."""
    stmt = _search(select(CreditDisclosure).where(CreditDisclosure.status == "published",
                                                  CreditDisclosure.display_until >= local_today()), q)
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.scalars(stmt.order_by(CreditDisclosure.decision_date.desc(), CreditDisclosure.id.desc())
                      .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def disclosures_in_scope(user, q="", *, page=1, per_page=20) -> tuple[list[CreditDisclosure], int]:
    """Every disclosure of the user's bureau subtree (withdrawn and expired ones too), for staff and export."""
    stmt = _search(select(CreditDisclosure).where(
        CreditDisclosure.org_unit_id.in_(unit_ids_in_scope(user.org_unit))), q)
    total = db.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.scalars(stmt.order_by(CreditDisclosure.decision_date.desc(), CreditDisclosure.id.desc())
                      .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def export_record(item: CreditDisclosure) -> dict:
    """One disclosure in the national system's fields (JSON-ready)."""
    out = {}
    for key, _label in EXPORT_FIELDS:
        value = item.withdrawn_at.date() if key == "withdrawn_on" and item.withdrawn_at else getattr(item, key, None)
        out[key] = value.isoformat() if isinstance(value, date) else (str(value) if isinstance(value, Decimal)
                                                                        else value)
    return out


def csv_text(items) -> str:
    """The disclosures as CSV for the national system: UTF-8 with a BOM (Excel reads the Chinese), fields in order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _key, label in EXPORT_FIELDS])
    for item in items:
        record = export_record(item)
        writer.writerow(["" if record[key] is None else record[key] for key, _label in EXPORT_FIELDS])
    return "\ufeff" + out.getvalue()


def _on_task_completed(case_id, *, form_key=None, data=None, user_id=None, **_kw):
    if form_key != DISCLOSURE_FORM_KEY or not (data or {}).get("disclosure_date"):
        return
    facts = (db.get(Case, case_id).facts or {}) if db.get(Case, case_id) else {}
    # A case without a decision on record (a hand-built process, an older case) is not a disclosure to
    # publish; completing its task must still succeed.
    if facts.get("decision_no") and facts.get("decision_date"):
        publish_from_case(case_id, published_on=date.fromisoformat(str(data["disclosure_date"])[:10]),
                          user_id=user_id)


signals.task_completed.connect(_on_task_completed)
