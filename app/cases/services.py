"""Cases: opening (with numbers), follow-up cases, closing when their process ends."""
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import signals
from app.audit.services import record_event
from app.cases.models import Case, CaseNumberCounter, Enterprise
from app.cases.tally import TALLY_COLUMNS, store_facts
from app.db import db, is_postgres, utcnow

KIND_PREFIX = {
    "hazard_investigation": "PC",
    "failed_sample_disposal": "BH",
    "penalty_case": "AJ",
    "listed_supervision": "GP",
    "supervision_sampling": "CC",
    "risk_monitoring": "FX",
    "recall": "ZH",
    "assist_request": "XC",
}

KIND_LABELS = {
    "hazard_investigation": "重点产品隐患排查",
    "failed_sample_disposal": "不合格产品后处理",
    "penalty_case": "行政处罚案件",
    "listed_supervision": "挂牌督办",
    "supervision_sampling": "监督抽查任务",
    "risk_monitoring": "风险监测预警",
    "recall": "缺陷产品召回",
    "assist_request": "协查函办理",
}


# Kinds that run in the bureau of the enterprise's registered region (DOMAIN.md section 7).
TERRITORIAL_KINDS = frozenset({"failed_sample_disposal"})
# Kinds about another party than the parent case's enterprise (the producer an assist request is about).
OTHER_PARTY_KINDS = frozenset({"assist_request"})


def next_case_number(kind, org_code, year) -> str:
    """Allocate the next number of a series, e.g. BH-350100-2026-00012 (row-locked on PostgreSQL)."""
    prefix = f"{KIND_PREFIX.get(kind, 'QS')}-{org_code}"
    stmt = select(CaseNumberCounter).where(CaseNumberCounter.prefix == prefix, CaseNumberCounter.year == year)
    if is_postgres():
        stmt = stmt.with_for_update()
    counter = db.scalar(stmt)
    if counter is None:
        counter = CaseNumberCounter(prefix=prefix, year=year, last_value=0)
        db.add(counter)
    counter.last_value += 1
    db.flush()
    return f"{prefix}-{year}-{counter.last_value:05d}"


def open_case(kind, org_unit, *, title, enterprise=None, product_category="", product_name="",
              is_key_product=False, facts=None, user_id=None, start_process=True) -> Case:
    """Open a case in `org_unit` and (by default) start its lifecycle process."""
    from app.engine.service import start_instance

    now = utcnow()
    case = Case(number=next_case_number(kind, org_unit.code, now.year), kind=kind, title=title[:200],
                enterprise_id=enterprise.id if enterprise else None, org_unit_id=org_unit.id,
                product_category=product_category, product_name=product_name, is_key_product=is_key_product,
                status="open", facts=facts or {}, opened_at=now, created_by_id=user_id)
    db.add(case)
    db.flush()
    record_event("case_opened", case_id=case.id, actor_id=user_id, summary=case.number,
                 data={"kind": kind, "org_unit_id": org_unit.id}, at=now)
    if start_process:
        start_instance(kind, case.id, process_data(case), user_id)
    return case


def process_data(case: Case) -> dict:
    """The variables a lifecycle process starts with: case identity plus its record fields."""
    data = {"case_id": case.id, "case_number": case.number, "case_kind": case.kind,
            "org_level": case.org_unit.level if case.org_unit else "",
            "product_category": case.product_category, "product_name": case.product_name,
            "is_key_product": case.is_key_product,
            # DOMAIN.md: whether a county/city dishonesty listing needs the upper bureau's consent is configurable.
            "upper_consent_required": current_app.config["DISHONESTY_LISTING_NEEDS_UPPER_CONSENT"]}
    if case.enterprise is not None:
        data.update(enterprise_uscc=case.enterprise.uscc, enterprise_name=case.enterprise.name)
    if case.kind == "supervision_sampling":
        # Production-side sampling is quality supervision's; consumer protection issues circulation-side sampling.
        data["issuing_department"] = "quality_supervision"
    if case.kind == "failed_sample_disposal":
        # A repeated failure leads to an interview (约谈) of the enterprise.
        data["earlier_failures"] = _earlier_failures(case)
    if case.kind == "listed_supervision":
        # Entry step of the listing: a proposal still to be made unless the starter's facts say it was
        # already made (proposed) or made and confirmed by the deciding bureau (confirmed).
        data["listing_stage"] = "new"
    data.update(case.facts or {})
    return data


def _earlier_failures(case) -> int:
    """Failed-sample cases of the same enterprise opened before this one."""
    if case.enterprise_id is None:
        return 0
    return db.scalar(select(func.count()).select_from(Case).where(
        Case.kind == "failed_sample_disposal", Case.enterprise_id == case.enterprise_id, Case.id < case.id)) or 0


def case_unit_id(case_id) -> int | None:
    """The org unit of a case's bureau (the engine routes its tasks from it)."""
    case = db.get(Case, case_id, options=_with_bureau())  # the routing reads the bureau next
    return case.org_unit_id if case is not None else None


@cache
def _with_bureau():
    # Built once (not at import: the mappers are configured only when every model is known); an option
    # made per call cost more than the identity-map lookup it rides on.
    return (joinedload(Case.org_unit),)


def lock_companions(instances):
    """What a task completion reads with its lock besides the instance: the case and its bureau with the
    bureau's ancestors (county, city, province: the routing walks up to the acting level). The tally columns
    are only written by a step (store_facts), never read: left out."""
    from app.auth.models import OrgUnit
    from app.engine.lockread import Companion

    cases, units = Case.__table__, OrgUnit.__table__
    bureau, city, province = units.alias("bureau"), units.alias("bureau_parent"), units.alias("bureau_top")
    return [Companion(Case, cases, cases.c.id == instances.c.case_id, unread=TALLY_COLUMNS),
            Companion(OrgUnit, bureau, bureau.c.id == cases.c.org_unit_id, link=(0, "org_unit")),
            Companion(OrgUnit, city, city.c.id == bureau.c.parent_id, link=(1, "parent")),
            Companion(OrgUnit, province, province.c.id == city.c.parent_id, link=(2, "parent"))]


def open_follow_up_case(parent_case_id, kind, payload, user_id) -> int:
    """A case started by another case's process (e.g. one disposal case per failed sample)."""
    parent = db.get(Case, parent_case_id) if parent_case_id else None
    if parent is None:
        raise ValueError("follow-up case needs a parent case")
    enterprise = None
    if payload.get("enterprise_uscc"):
        enterprise = db.scalar(select(Enterprise).where(Enterprise.uscc == payload["enterprise_uscc"]))
    if enterprise is None and kind not in OTHER_PARTY_KINDS:
        enterprise = parent.enterprise
    facts = {k: v for k, v in payload.items() if k not in ("title",)}
    facts["parent_case_number"] = parent.number
    unit = follow_up_unit(kind, payload, parent, enterprise)
    if unit.id != parent.org_unit_id:
        # The bureau that organised the sampling (or sent the assist request) follows the case.
        facts.update(organising_unit_code=parent.org_unit.code, organising_unit_name=parent.org_unit.name)
    title = payload.get("title") or f"{KIND_LABELS.get(kind, kind)}（{parent.number}）"
    case = open_case(kind, unit, title=title, enterprise=enterprise,
                     product_category=payload.get("product_category", parent.product_category),
                     product_name=payload.get("product_name", parent.product_name),
                     is_key_product=bool(payload.get("is_key_product", parent.is_key_product)),
                     facts=facts, user_id=user_id)
    return case.id


def follow_up_unit(kind, payload, parent, enterprise):
    """The bureau a follow-up case runs in: the payload's region (an assist request goes to the producer's
    bureau), a failed sample's disposal in the enterprise's registered region, else the parent's bureau."""
    from app.cases.jurisdiction import territorial_unit

    region = payload.get("region_code") or ""
    if not region and kind in TERRITORIAL_KINDS and enterprise is not None:
        region = enterprise.region_code
    return (territorial_unit(region) if region else None) or parent.org_unit


def on_process_ended(case_id, process_key, outcome, at):
    """Close (or cancel) the case when its lifecycle process ends."""
    now = at
    case = db.get(Case, case_id)
    if case is None or case.kind != process_key or case.status != "open":
        return
    case.status = "closed" if outcome == "completed" else "cancelled"
    case.closed_at = now
    signals.case_ended.send(case.id, process_key=process_key, outcome=outcome, at=now)
    record_event("case_closed" if outcome == "completed" else "case_cancelled", case_id=case.id,
                 summary=case.number, at=now)


def merge_case_facts(case_id, sender=None, *, data, **_kw):
    """Keep the case's record fields current: every completed form's data is merged in."""
    # With its bureau: the engine routes the next tasks from it in the same transaction.
    case = db.get(Case, case_id, options=_with_bureau())
    if case is not None and data:
        store_facts(case, {**(case.facts or {}), **data})


def _on_follow_up_requested(parent_case_id, *, process_key, payload, user_id, **_kw):
    return open_follow_up_case(parent_case_id, process_key, payload, user_id)


def _on_case_ended(case_id, *, outcome, at, **_kw):
    # The bureau that sent an assist request (协查函) sees the reply in its own case's timeline.
    case = db.get(Case, case_id)
    if case is None or case.kind not in OTHER_PARTY_KINDS or outcome != "completed":
        return
    parent = db.scalar(select(Case).where(Case.number == (case.facts or {}).get("parent_case_number", "")))
    if parent is not None:
        facts = case.facts or {}
        record_event("assist_replied", case_id=parent.id, summary=f"{case.org_unit.name}（{case.number}）",
                     data={"assist_case_id": case.id, "findings": facts.get("assist_findings", ""),
                           "reply_date": facts.get("assist_reply_date", "")}, at=at)


signals.task_completed.connect(merge_case_facts)
signals.case_ended.connect(_on_case_ended)
signals.instance_ended.connect(on_process_ended)
signals.follow_up_requested.connect(_on_follow_up_requested)


def get_or_create_enterprise(uscc, name, **fields) -> Enterprise:
    """The enterprise with this USCC, created when new (callers validate the code first)."""
    ent = db.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if ent is None:
        ent = Enterprise(uscc=uscc, name=name, **fields)
        db.add(ent)
        db.flush()
    return ent
