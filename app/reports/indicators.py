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
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import distinct, func, select

from app.auth.services import scope_subquery
from app.cases.models import Case
from app.clock import local_date
from app.db import db
from app.engine.models import HumanTask
from app.reports import ontime
from app.reports.scope import Period, category_label, child_units, unit_index

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


@dataclass(slots=True)
class CaseFigures:
    """One group of cases alike in what the indicators read: how many, and their table facts summed up."""

    kind: str
    status: str
    is_key: bool
    category: str
    unit_id: int | None
    day: date | None
    n: int = 1
    batches: int = 0
    key_batches: int = 0
    hazards: int = 0
    fixed: int = 0
    major: int = 0
    major_fixed: int = 0


def _summed(*keys):
    """Cases grouped by `keys` with their tally columns summed (app/cases/tally.py keeps them per case)."""
    zero = lambda column: func.coalesce(func.sum(column), 0)  # noqa: E731
    return [*keys, func.count(), zero(Case.tally_batches), zero(Case.tally_batches_key),
            zero(Case.tally_hz_general + Case.tally_hz_major),
            zero(Case.tally_hz_general_fixed + Case.tally_hz_major_fixed), zero(Case.tally_hz_major),
            zero(Case.tally_hz_major_fixed)]


def case_figures(unit, period: Period) -> list[CaseFigures]:
    """The scope's cases opened in the period, grouped by bureau, class, kind, status and key mark (in SQL)."""
    stmt = (select(*_summed(Case.org_unit_id, Case.product_category, Case.kind, Case.status, Case.is_key_product))
            .where(Case.org_unit_id.in_(scope_subquery(unit)), Case.tally_opened_day >= period.start,
                   Case.tally_opened_day <= period.end)
            .group_by(Case.org_unit_id, Case.product_category, Case.kind, Case.status, Case.is_key_product))
    return [CaseFigures(kind, status, bool(key), category or "", unit_id, None, *map(int, sums))
            for unit_id, category, kind, status, key, *sums in db.execute(stmt)]


def daily_case_figures(unit, period: Period) -> list[CaseFigures]:
    """The scope's cases opened in the period, grouped by opening day, kind and status (for the trend)."""
    stmt = (select(*_summed(Case.tally_opened_day, Case.kind, Case.status))
            .where(Case.org_unit_id.in_(scope_subquery(unit)), Case.tally_opened_day >= period.start,
                   Case.tally_opened_day <= period.end)
            .group_by(Case.tally_opened_day, Case.kind, Case.status))
    return [CaseFigures(kind, status, False, "", None, day, *map(int, sums))
            for day, kind, status, *sums in db.execute(stmt)]


def _group(cases, period, unit, **filters):
    """The four indicators over one group of cases (all of the scope, one region or one category)."""
    failed = [c for c in cases if c.kind == "failed_sample_disposal"]
    f_open = sum(c.n for c in failed if c.status == "open")
    f_closed = sum(c.n for c in failed if c.status == "closed")
    f_key = sum(c.n for c in failed if c.is_key)
    sampling = [c for c in cases if c.kind == "supervision_sampling"]
    batches = sum(c.batches for c in sampling)
    key_batches = sum(c.key_batches for c in sampling)
    hazard_cases = [c for c in cases if c.kind == "hazard_investigation"]
    found = sum(c.hazards for c in hazard_cases)
    fixed = sum(c.fixed for c in hazard_cases)
    fs = dict(kind="failed_sample_disposal", **filters)
    return {
        "key_share": {"batches": batches, "key_batches": key_batches,
                      "rate": _rate(key_batches, batches), "target": KEY_SHARE_TARGET,
                      "sampling_cases": sum(c.n for c in sampling),
                      "sampling_params": _params(unit, period, kind="supervision_sampling", **filters),
                      "failed_cases": sum(c.n for c in failed), "failed_key_cases": f_key,
                      "failed_key_params": _params(unit, period, is_key="1", **fs)},
        "disposal": {"open": f_open, "closed": f_closed, "opened": f_open + f_closed,
                     "rate": _rate(f_closed, f_open + f_closed),
                     "open_params": _params(unit, period, status="open", **fs),
                     "closed_params": _params(unit, period, status="closed", **fs)},
        "hazards": {"found": found, "fixed": fixed, "rate": _rate(fixed, found),
                    "major_found": sum(c.major for c in hazard_cases),
                    "major_fixed": sum(c.major_fixed for c in hazard_cases),
                    "cases": sum(c.n for c in hazard_cases),
                    "cases_params": _params(unit, period, kind="hazard_investigation", **filters)},
    }


def _on_time(rows):
    done = sum(r.completed for r in rows)
    on_time = sum(r.on_time for r in rows)
    return {"completed": done, "on_time": on_time, "late": done - on_time, "rate": _rate(on_time, done)}


def overdue_case_count(unit, now) -> int:
    """Cases in scope holding a ready task past its due time (the case list's overdue=1)."""
    return db.scalar(select(func.count(distinct(HumanTask.case_id))).join(Case, Case.id == HumanTask.case_id)
                     .where(Case.org_unit_id.in_(scope_subquery(unit)), HumanTask.status == "ready",
                            HumanTask.due_at < now)) or 0


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
    # Aggregated in SQL by bureau, class, kind, status and key mark: a few hundred groups, not 100,000 cases.
    cases = case_figures(unit, period)
    tasks = ontime.tallies(unit, period)
    total = _group(cases, period, unit)
    total["on_time"] = _on_time(tasks)
    total["overdue"] = {"cases": overdue_case_count(unit, now), "params": {"org": unit.code, "overdue": "1"}}
    regions = child_units(unit)
    region_of = _region_of(unit_index(unit), {r.id for r in regions})
    # Each group is placed in its region and category once, not once per breakdown row.
    by_unit = {uid: region_of(uid) for uid in {c.unit_id for c in cases} | {t.org_unit_id for t in tasks}}
    cases_by_region, cases_by_cat, tasks_by_region, tasks_by_cat = {}, {}, {}, {}
    for c in cases:
        cases_by_region.setdefault(by_unit[c.unit_id], []).append(c)
        cases_by_cat.setdefault(c.category, []).append(c)
    for t in tasks:
        tasks_by_region.setdefault(by_unit[t.org_unit_id], []).append(t)
        tasks_by_cat.setdefault(t.product_category or "", []).append(t)
    by_region = []
    for r in regions:
        group = _group(cases_by_region.get(r.id, []), period, r)
        group["on_time"] = _on_time(tasks_by_region.get(r.id, []))
        by_region.append({"code": r.code, "name": r.name, **group})
    by_category = []
    for code in sorted({c.category for c in cases}):
        group = _group(cases_by_cat[code], period, unit, category=code)
        group["on_time"] = _on_time(tasks_by_cat.get(code, []))
        by_category.append({"code": code, "label": category_label(code), **group})
    return {"unit": {"code": unit.code, "name": unit.name}, "period": {"start": period.start.isoformat(),
            "end": period.end.isoformat()}, "total": total, "by_region": by_region,
            "by_category": by_category, "trend": weekly_trend(unit, now)}


def iso_weeks(now, count=TREND_WEEKS) -> list[Period]:
    """The last `count` ISO weeks (Monday to Sunday, Beijing dates), the current one last."""
    today = local_date(now)
    monday = today - timedelta(days=today.weekday())
    return [Period(monday - timedelta(weeks=i), monday - timedelta(weeks=i) + timedelta(days=6))
            for i in range(count - 1, -1, -1)]


def weekly_trend(unit, now) -> list[dict]:
    """Per ISO week: failed-sample cases opened/closed, on-time rate, hazards found/fixed."""
    weeks = iso_weeks(now)
    span = Period(weeks[0].start, weeks[-1].end)
    on_time = [_on_time([ontime.TaskTally(0, "", done, good)]) for done, good in ontime.weekly(unit, weeks)]
    # Closing dates straight from SQL: a case closed in these weeks may have been opened long before.
    closed_days = [local_date(at) for at in db.scalars(select(Case.closed_at).where(
        Case.org_unit_id.in_(scope_subquery(unit)), Case.kind == "failed_sample_disposal",
        Case.status == "closed", Case.closed_at >= span.start_at, Case.closed_at < span.end_at))]
    days = daily_case_figures(unit, span)
    out = []
    for week, week_on_time in zip(weeks, on_time, strict=True):
        iso = week.start.isocalendar()
        cases = [c for c in days if week.holds(c.day)]
        group = _group(cases, week, unit)
        closed = sum(1 for day in closed_days if week.holds(day))
        out.append({"label": f"{iso.year}-W{iso.week:02d}", "start": week.start.isoformat(),
                    "end": week.end.isoformat(), "failed_opened": group["disposal"]["opened"] + sum(
                        c.n for c in cases if c.kind == "failed_sample_disposal" and c.status == "cancelled"),
                    "failed_params": _params(unit, week, kind="failed_sample_disposal"),
                    "failed_closed": closed, "on_time": week_on_time,
                    "hazards_found": group["hazards"]["found"], "hazards_fixed": group["hazards"]["fixed"]})
    return out
