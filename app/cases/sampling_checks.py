"""Warnings on a sampling record (DOMAIN.md sections 1 and 4): they do not stop the submission, the clerk sees
them after completing the task and they stay in the case's record."""
from datetime import timedelta

from sqlalchemy import select

from app.calendar.helpers import add_working_days
from app.cases.models import Case
from app.db import db, utcnow

REPEAT_WINDOW = timedelta(days=183)  # "same product not sampled twice by one bureau within 6 months" [V]
FOOD_TO_LAB_WD = 5  # food samples reach the lab within 5 working days [V]


def sampling_warnings(case_id, form_key, clean) -> list[str]:
    """Chinese warnings for a completed sampling form (repeat sampling, late food samples)."""
    if form_key != "ss_sampling":
        return []
    case = db.get(Case, case_id) if case_id else None
    if case is None:
        return []
    warnings = _repeats(case, clean.get("samples") or [])
    if clean.get("is_food_sample") and clean.get("sampling_date") and clean.get("lab_received_date"):
        latest = add_working_days(clean["sampling_date"], FOOD_TO_LAB_WD)
        if str(clean["lab_received_date"]) > latest:
            warnings.append(f"食品样品应在抽样后{FOOD_TO_LAB_WD}个工作日内（{latest}前）送达检验机构，"
                            f"本次于{clean['lab_received_date']}送达")
    return warnings


def _key(row):
    who = (row.get("enterprise_uscc") or row.get("enterprise_name") or "").strip()
    return who, (row.get("product_name") or "").strip()


def _repeats(case, rows) -> list[str]:
    wanted = {_key(r): r for r in rows if all(_key(r))}
    if not wanted:
        return []
    earlier = db.scalars(select(Case).where(Case.kind == "supervision_sampling", Case.id != case.id,
                                            Case.org_unit_id == case.org_unit_id,
                                            Case.opened_at >= utcnow() - REPEAT_WINDOW).order_by(Case.id))
    out = []
    for other in earlier:
        facts = other.facts or {}
        for row in [*(facts.get("samples") or []), *(facts.get("batches") or [])]:
            hit = wanted.get(_key(row))
            if hit is not None:
                out.append(f"本局6个月内已抽查过{hit.get('enterprise_name') or _key(hit)[0]}的"
                           f"{_key(hit)[1]}（{other.number}），同一产品不宜重复抽查")
                wanted.pop(_key(row))
    return out
