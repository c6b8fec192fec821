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

from sqlalchemy import and_, bindparam, func, select, text
from sqlalchemy import case as sql_case

from app.auth.services import scope_subquery, unit_ids_in_scope
from app.cases.models import Case
from app.clock import local_date
from app.db import UTCDateTime, db, is_postgres
from app.engine.models import HumanTask
from app.reports.scope import Period, category_label, child_units, rows_of, unit_index

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
    """What the indicators need of one case: its columns, opening date, and table facts summed up."""

    kind: str
    status: str
    is_key: bool
    category: str
    unit_id: int
    day: date
    batches: int = 0
    key_batches: int = 0
    hazards: int = 0
    fixed: int = 0
    major: int = 0
    major_fixed: int = 0


# Only these kinds carry the table facts the indicators count: the others' JSON is never read.
_TABLE_KINDS = ("supervision_sampling", "hazard_investigation")


def _table_sums(f) -> tuple:
    """(batches, key batches, hazards, fixed, major, major fixed) of one case's table facts."""
    batches = rows_of(f.get("batches"))
    hazards = rows_of(f.get("hazards"))
    major = [r for r in hazards if r.get("severity") == "major"]
    return (len(batches), sum(1 for b in batches if b.get("is_key_product") in (True, "true", "1", 1)),
            len(hazards), sum(1 for r in hazards if r.get("status") == "fixed"), len(major),
            sum(1 for r in major if r.get("status") == "fixed"))


# The same sums on PostgreSQL (jsonb): rows that are objects only, as rows_of() keeps them.
_TABLE_SUMS_SQL = """
SELECT c.id,
  (SELECT count(*) FROM jsonb_array_elements(b.arr) e WHERE jsonb_typeof(e) = 'object'),
  (SELECT count(*) FROM jsonb_array_elements(b.arr) e WHERE jsonb_typeof(e) = 'object'
     AND e->'is_key_product' IN ('true'::jsonb, '"true"'::jsonb, '"1"'::jsonb, '1'::jsonb)),
  (SELECT count(*) FROM jsonb_array_elements(h.arr) e WHERE jsonb_typeof(e) = 'object'),
  (SELECT count(*) FROM jsonb_array_elements(h.arr) e WHERE jsonb_typeof(e) = 'object'
     AND e->>'status' = 'fixed' AND jsonb_typeof(e->'status') = 'string'),
  (SELECT count(*) FROM jsonb_array_elements(h.arr) e WHERE jsonb_typeof(e) = 'object'
     AND e->>'severity' = 'major' AND jsonb_typeof(e->'severity') = 'string'),
  (SELECT count(*) FROM jsonb_array_elements(h.arr) e WHERE jsonb_typeof(e) = 'object'
     AND e->>'severity' = 'major' AND jsonb_typeof(e->'severity') = 'string'
     AND e->>'status' = 'fixed' AND jsonb_typeof(e->'status') = 'string')
FROM "case" c,
  LATERAL (SELECT CASE WHEN jsonb_typeof(c.facts->'batches') = 'array' THEN c.facts->'batches'
           ELSE '[]'::jsonb END AS arr) b,
  LATERAL (SELECT CASE WHEN jsonb_typeof(c.facts->'hazards') = 'array' THEN c.facts->'hazards'
           ELSE '[]'::jsonb END AS arr) h
WHERE c.kind IN ('supervision_sampling', 'hazard_investigation') AND c.org_unit_id IN :ids
  AND c.opened_at >= :start AND c.opened_at < :end
"""


def case_figures(unit, opened_from, opened_before) -> list[CaseFigures]:
    """The scope's cases opened in [opened_from, opened_before) as CaseFigures, oldest first."""
    where = (Case.org_unit_id.in_(unit_ids_in_scope(unit)), Case.opened_at >= opened_from,
             Case.opened_at < opened_before)
    if is_postgres():
        # Summed in SQL: shipping and parsing the JSON of tens of thousands of cases dominated the page.
        facts = {row[0]: row[1:] for row in db.execute(
            text(_TABLE_SUMS_SQL).bindparams(bindparam("ids", expanding=True), bindparam("start", type_=UTCDateTime()),
                                             bindparam("end", type_=UTCDateTime())),
            {"ids": unit_ids_in_scope(unit), "start": opened_from, "end": opened_before})}
    else:
        facts = {case_id: _table_sums(f or {}) for case_id, f in db.execute(
            select(Case.id, Case.facts).where(*where, Case.kind.in_(_TABLE_KINDS))).all()}
    out = []
    for row in db.execute(select(Case.id, Case.kind, Case.status, Case.is_key_product, Case.product_category,
                                 Case.org_unit_id, Case.opened_at).where(*where)
                          .order_by(Case.opened_at, Case.id)):
        fig = CaseFigures(row.kind, row.status, bool(row.is_key_product), row.product_category or "",
                          row.org_unit_id, local_date(row.opened_at))
        sums = facts.get(row.id)
        if sums is not None and row.kind == "supervision_sampling":
            fig.batches, fig.key_batches = sums[0], sums[1]
        elif sums is not None and row.kind == "hazard_investigation":
            fig.hazards, fig.fixed, fig.major, fig.major_fixed = sums[2], sums[3], sums[4], sums[5]
        out.append(fig)
    return out


def _group(cases, period, unit, **filters):
    """The four indicators over one group of cases (all of the scope, one region or one category)."""
    in_range = [c for c in cases if period.start <= c.day <= period.end]
    failed = [c for c in in_range if c.kind == "failed_sample_disposal"]
    f_open = sum(1 for c in failed if c.status == "open")
    f_closed = sum(1 for c in failed if c.status == "closed")
    f_key = sum(1 for c in failed if c.is_key)
    sampling = [c for c in in_range if c.kind == "supervision_sampling"]
    batches = sum(c.batches for c in sampling)
    key_batches = sum(c.key_batches for c in sampling)
    hazard_cases = [c for c in in_range if c.kind == "hazard_investigation"]
    found = sum(c.hazards for c in hazard_cases)
    fixed = sum(c.fixed for c in hazard_cases)
    fs = dict(kind="failed_sample_disposal", **filters)
    return {
        "key_share": {"batches": batches, "key_batches": key_batches,
                      "rate": _rate(key_batches, batches), "target": KEY_SHARE_TARGET,
                      "sampling_cases": len(sampling),
                      "sampling_params": _params(unit, period, kind="supervision_sampling", **filters),
                      "failed_cases": len(failed), "failed_key_cases": f_key,
                      "failed_key_params": _params(unit, period, is_key="1", **fs)},
        "disposal": {"open": f_open, "closed": f_closed, "opened": f_open + f_closed,
                     "rate": _rate(f_closed, f_open + f_closed),
                     "open_params": _params(unit, period, status="open", **fs),
                     "closed_params": _params(unit, period, status="closed", **fs)},
        "hazards": {"found": found, "fixed": fixed, "rate": _rate(fixed, found),
                    "major_found": sum(c.major for c in hazard_cases),
                    "major_fixed": sum(c.major_fixed for c in hazard_cases),
                    "cases": len(hazard_cases),
                    "cases_params": _params(unit, period, kind="hazard_investigation", **filters)},
    }


@dataclass(slots=True)
class TaskTally:
    """Completed tasks with a due date, counted in SQL per case bureau and category."""

    org_unit_id: int
    product_category: str
    completed: int
    on_time: int


def _task_rows(unit, period: Period) -> list[TaskTally]:
    """Per (case org unit, category): tasks with a due date completed in range, and those on time."""
    # Counted in SQL: a province's year is close to a million task rows.
    on_time = sql_case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0)
    stmt = (select(Case.org_unit_id, Case.product_category, func.count(), func.sum(on_time))
            .join(Case, Case.id == HumanTask.case_id)
            .where(Case.org_unit_id.in_(scope_subquery(unit)), HumanTask.status == "completed",
                   HumanTask.due_at.is_not(None), HumanTask.completed_at >= period.start_at,
                   HumanTask.completed_at < period.end_at)
            .group_by(Case.org_unit_id, Case.product_category))
    return [TaskTally(uid, cat or "", n, int(good or 0)) for uid, cat, n, good in db.execute(stmt)]


def _weekly_on_time(unit, weeks) -> list[dict]:
    """The on-time figures of each week, from one SQL statement (a pair of conditional sums per week)."""
    columns = []
    for week in weeks:
        in_week = and_(HumanTask.completed_at >= week.start_at, HumanTask.completed_at < week.end_at)
        columns += [func.sum(sql_case((in_week, 1), else_=0)),
                    func.sum(sql_case((and_(in_week, HumanTask.completed_at <= HumanTask.due_at), 1), else_=0))]
    stmt = (select(*columns).select_from(HumanTask).join(Case, Case.id == HumanTask.case_id)
            .where(Case.org_unit_id.in_(scope_subquery(unit)), HumanTask.status == "completed",
                   HumanTask.due_at.is_not(None), HumanTask.completed_at >= weeks[0].start_at,
                   HumanTask.completed_at < weeks[-1].end_at))
    sums = [int(v or 0) for v in db.execute(stmt).one()]
    return [_on_time([TaskTally(0, "", sums[2 * n], sums[2 * n + 1])]) for n in range(len(weeks))]


def _on_time(rows):
    done = sum(r.completed for r in rows)
    on_time = sum(r.on_time for r in rows)
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
    cases = case_figures(unit, Period(earliest, earliest).start_at, max(period.end_at, now))
    tasks = _task_rows(unit, period)
    total = _group(cases, period, unit)
    total["on_time"] = _on_time(tasks)
    overdue = overdue_case_ids(unit, now)
    total["overdue"] = {"cases": len(overdue), "params": {"org": unit.code, "overdue": "1"}}
    regions = child_units(unit)
    region_of = _region_of(unit_index(unit), {r.id for r in regions})
    # Each case and task is placed in its region and category once, not once per breakdown row.
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
    for code in sorted({c.category for c in cases if period.holds(c.day)}):
        group = _group(cases_by_cat[code], period, unit, category=code)
        group["on_time"] = _on_time(tasks_by_cat.get(code, []))
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
    on_time = _weekly_on_time(unit, weeks)
    # Closing dates straight from SQL: a case closed in these weeks may have been opened long before.
    closed_days = [local_date(at) for at in db.scalars(select(Case.closed_at).where(
        Case.org_unit_id.in_(unit_ids_in_scope(unit)), Case.kind == "failed_sample_disposal",
        Case.status == "closed", Case.closed_at >= span.start_at, Case.closed_at < span.end_at))]
    cases = [c for c in cases if span.holds(c.day)]
    out = []
    for week, week_on_time in zip(weeks, on_time, strict=True):
        iso = week.start.isocalendar()
        group = _group(cases, week, unit)
        closed = sum(1 for day in closed_days if week.holds(day))
        out.append({"label": f"{iso.year}-W{iso.week:02d}", "start": week.start.isoformat(),
                    "end": week.end.isoformat(), "failed_opened": group["disposal"]["opened"] + sum(
                        1 for c in cases if c.kind == "failed_sample_disposal" and c.status == "cancelled"
                        and week.holds(c.day)),
                    "failed_params": _params(unit, week, kind="failed_sample_disposal"),
                    "failed_closed": closed, "on_time": week_on_time,
                    "hazards_found": group["hazards"]["found"], "hazards_fixed": group["hazards"]["fixed"]})
    return out
