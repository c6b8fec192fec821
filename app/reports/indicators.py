"""Dashboard indicators (DOMAIN.md section 6) over the supervisor's scope, each with its drill-down filter.

Definitions (also shown on the dashboard):
- key-product share: sampling batches marked key product / all batches of the sampling tasks opened
  in the range (target >= 30%);
- disposal rate: failed-sample disposal cases opened in the range and closed / those opened and not
  cancelled (closed + still open; target 100%);
- on-time rate: human tasks with a due date completed in the range by their due time / all such
  completed tasks (target 100%);
- hazard close-out rate: hazard rows fixed / hazard rows found on the investigation cases opened in
  the range.
Every count that is a number of cases carries `params`: the case-list filter (cases.search) whose
result has exactly that many cases.
"""
from datetime import timedelta

from sqlalchemy import select

from app.auth.services import unit_ids_in_scope
from app.cases.models import Case
from app.db import db
from app.engine.models import HumanTask
from app.reports.scope import (Period, category_label, child_units, local_date, rows_of, scoped_cases,
                               unit_index)

KEY_SHARE_TARGET = 0.30
TREND_WEEKS = 12


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _params(unit, period: Period | None = None, **extra):
    if extra.get("category") == "":
        return None  # the case list cannot filter "no category": such figures are shown without a link
    params = {"org": unit.code, **{k: v for k, v in extra.items() if v not in (None, "")}}
    if period is not None:
        params.update(opened_from=period.start.isoformat(), opened_to=period.end.isoformat())
    return params


def _group(cases, period, unit, **filters):
    """The four indicators over one group of cases (all of the scope, one region or one category)."""
    in_range = [c for c in cases if period.holds(local_date(c.opened_at))]
    failed = [c for c in in_range if c.kind == "failed_sample_disposal"]
    f_open = sum(1 for c in failed if c.status == "open")
    f_closed = sum(1 for c in failed if c.status == "closed")
    f_key = sum(1 for c in failed if c.is_key_product)
    sampling = [c for c in in_range if c.kind == "supervision_sampling"]
    batches = [b for c in sampling for b in rows_of((c.facts or {}).get("batches"))]
    key_batches = sum(1 for b in batches if b.get("is_key_product") in (True, "true", "1", 1))
    hazard_cases = [c for c in in_range if c.kind == "hazard_investigation"]
    hazards = [r for c in hazard_cases for r in rows_of((c.facts or {}).get("hazards"))]
    fixed = sum(1 for r in hazards if r.get("status") == "fixed")
    major = [r for r in hazards if r.get("severity") == "major"]
    fs = dict(kind="failed_sample_disposal", **filters)
    return {
        "key_share": {"batches": len(batches), "key_batches": key_batches,
                      "rate": _rate(key_batches, len(batches)), "target": KEY_SHARE_TARGET,
                      "sampling_cases": len(sampling),
                      "sampling_params": _params(unit, period, kind="supervision_sampling", **filters),
                      "failed_cases": len(failed), "failed_key_cases": f_key,
                      "failed_key_params": _params(unit, period, is_key="1", **fs)},
        "disposal": {"open": f_open, "closed": f_closed, "opened": f_open + f_closed,
                     "rate": _rate(f_closed, f_open + f_closed),
                     "open_params": _params(unit, period, status="open", **fs),
                     "closed_params": _params(unit, period, status="closed", **fs)},
        "hazards": {"found": len(hazards), "fixed": fixed, "rate": _rate(fixed, len(hazards)),
                    "major_found": len(major), "major_fixed": sum(1 for r in major if r.get("status") == "fixed"),
                    "cases": len(hazard_cases),
                    "cases_params": _params(unit, period, kind="hazard_investigation", **filters)},
    }


def _task_rows(unit, period: Period):
    """(case org unit id, category, completed_at, due_at) of tasks with a due date completed in range."""
    stmt = (select(Case.org_unit_id, Case.product_category, HumanTask.completed_at, HumanTask.due_at)
            .join(Case, Case.id == HumanTask.case_id)
            .where(Case.org_unit_id.in_(unit_ids_in_scope(unit)), HumanTask.status == "completed",
                   HumanTask.due_at.is_not(None), HumanTask.completed_at >= period.start_at,
                   HumanTask.completed_at < period.end_at))
    return list(db.execute(stmt))


def _on_time(rows):
    done = len(rows)
    on_time = sum(1 for r in rows if r.completed_at <= r.due_at)
    return {"completed": done, "on_time": on_time, "late": done - on_time, "rate": _rate(on_time, done)}


def overdue_case_ids(unit, now) -> set[int]:
    """Cases in scope holding a ready task past its due time (the case list's overdue=1)."""
    stmt = (select(Case.id).join(HumanTask, HumanTask.case_id == Case.id)
            .where(Case.org_unit_id.in_(unit_ids_in_scope(unit)), HumanTask.status == "ready",
                   HumanTask.due_at < now))
    return set(db.scalars(stmt))


def _region_of(index, region_ids):
    """Map a case's unit id to the child region containing it (None: the unit itself)."""
    def region(unit_id):
        node = index.get(unit_id)
        while node is not None and node.id not in region_ids:
            node = index.get(node.parent_id)
        return node.id if node is not None else None
    return region


def dashboard(unit, period: Period, now) -> dict:
    """Every dashboard figure of `unit` and below for the date range, plus 12 ISO-week trends."""
    # Every dashboard figure counts cases by opening date, so older cases need not be loaded.
    earliest = min(period.start, iso_weeks(now)[0].start)
    cases = scoped_cases(unit, opened_from=Period(earliest, earliest).start_at, opened_before=max(period.end_at, now))
    tasks = _task_rows(unit, period)
    total = _group(cases, period, unit)
    total["on_time"] = _on_time(tasks)
    overdue = overdue_case_ids(unit, now)
    total["overdue"] = {"cases": len(overdue), "params": {"org": unit.code, "overdue": "1"}}
    regions = child_units(unit)
    region_of = _region_of(unit_index(unit), {r.id for r in regions})
    by_region = []
    for r in regions:
        group = _group([c for c in cases if region_of(c.org_unit_id) == r.id], period, r)
        group["on_time"] = _on_time([t for t in tasks if region_of(t.org_unit_id) == r.id])
        by_region.append({"code": r.code, "name": r.name, **group})
    by_category = []
    for code in sorted({c.product_category or "" for c in cases if period.holds(local_date(c.opened_at))}):
        group = _group([c for c in cases if (c.product_category or "") == code], period, unit, category=code)
        group["on_time"] = _on_time([t for t in tasks if (t.product_category or "") == code])
        by_category.append({"code": code, "label": category_label(code), **group})
    return {"unit": {"code": unit.code, "name": unit.name}, "period": {"start": period.start.isoformat(),
            "end": period.end.isoformat()}, "total": total, "by_region": by_region,
            "by_category": by_category, "trend": weekly_trend(unit, cases, now)}


def iso_weeks(now, count=TREND_WEEKS) -> list[Period]:
    """The last `count` ISO weeks (Monday to Sunday, Beijing dates), the current one last."""
    today = local_date(now)
    monday = today - timedelta(days=today.weekday())
    return [Period(monday - timedelta(weeks=i), monday - timedelta(weeks=i) + timedelta(days=6))
            for i in range(count - 1, -1, -1)]


def weekly_trend(unit, cases, now) -> list[dict]:
    """Per ISO week: failed-sample cases opened/closed, on-time rate, hazards found/fixed."""
    weeks = iso_weeks(now)
    span = Period(weeks[0].start, weeks[-1].end)
    tasks = _task_rows(unit, span)
    # Closing dates straight from SQL: a case closed in these weeks may have been opened long before.
    closed_days = [local_date(at) for at in db.scalars(select(Case.closed_at).where(
        Case.org_unit_id.in_(unit_ids_in_scope(unit)), Case.kind == "failed_sample_disposal",
        Case.status == "closed", Case.closed_at >= span.start_at, Case.closed_at < span.end_at))]
    out = []
    for week in weeks:
        iso = week.start.isocalendar()
        group = _group(cases, week, unit)
        closed = sum(1 for day in closed_days if week.holds(day))
        week_tasks = [t for t in tasks if week.holds(local_date(t.completed_at))]
        out.append({"label": f"{iso.year}-W{iso.week:02d}", "start": week.start.isoformat(),
                    "end": week.end.isoformat(), "failed_opened": group["disposal"]["opened"] + sum(
                        1 for c in cases if c.kind == "failed_sample_disposal" and c.status == "cancelled"
                        and week.holds(local_date(c.opened_at))),
                    "failed_params": _params(unit, week, kind="failed_sample_disposal"),
                    "failed_closed": closed, "on_time": _on_time(week_tasks),
                    "hazards_found": group["hazards"]["found"], "hazards_fixed": group["hazards"]["fixed"]})
    return out
