"""On-time figures: tasks with a due date completed in a range, and how many by their due time.

A province's year is close to a million task rows, so past days are summed once (task_day_tally, by the
scheduler's tick and `flask reports rollup`); the days not rolled up yet (today, or every day while no
scheduler has run) are counted live from human_task. The figures are the same either way, only faster.
A day is rolled up once it has ended in Beijing time: completions carry the time they happen, so a past
day's rows no longer change (moving a case to another bureau afterwards: `flask reports rollup --rebuild`).
"""
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy import case as sql_case
from sqlalchemy.exc import IntegrityError

from app.auth.services import scope_subquery
from app.cases.models import Case
from app.clock import local_date, local_today
from app.db import db, unit_of_work, utcnow
from app.engine.models import HumanTask
from app.reports.models import TaskDayRolled, TaskDayTally
from app.reports.scope import Period

log = logging.getLogger(__name__)
# Days rolled up per transaction when catching up (a fresh install rolls up its whole history once).
DAYS_PER_COMMIT = 31


@dataclass(slots=True)
class TaskTally:
    """Completed tasks with a due date, per case bureau and category."""

    org_unit_id: int
    product_category: str
    completed: int
    on_time: int


def _done_with_due(start_at, end_at):
    return [HumanTask.status == "completed", HumanTask.due_at.is_not(None), HumanTask.completed_at >= start_at,
            HumanTask.completed_at < end_at]


def _live_by_unit(start_at, end_at, unit=None) -> list[TaskTally]:
    on_time = sql_case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0)
    stmt = (select(Case.org_unit_id, Case.product_category, func.count(), func.sum(on_time))
            .select_from(HumanTask).join(Case, Case.id == HumanTask.case_id)
            .where(*_done_with_due(start_at, end_at)).group_by(Case.org_unit_id, Case.product_category))
    if unit is not None:
        stmt = stmt.where(Case.org_unit_id.in_(scope_subquery(unit)))
    return [TaskTally(uid, cat or "", n, int(good or 0)) for uid, cat, n, good in db.execute(stmt)]


def _rolled(period: Period) -> set[date]:
    return set(db.scalars(select(TaskDayRolled.day).where(TaskDayRolled.day >= period.start,
                                                         TaskDayRolled.day <= period.end)))


def _unrolled_runs(period: Period, rolled: set[date]) -> list[Period]:
    """The maximal runs of days in the period that are not rolled up (usually just today)."""
    runs, day, start = [], period.start, None
    while day <= period.end:
        if day in rolled:
            if start is not None:
                runs.append(Period(start, day - timedelta(days=1)))
                start = None
        elif start is None:
            start = day
        day += timedelta(days=1)
    if start is not None:
        runs.append(Period(start, period.end))
    return runs


def tallies(unit, period: Period) -> list[TaskTally]:
    """Per (case bureau, category) of the scope: tasks with a due date completed in the period, and on time."""
    rolled = _rolled(period)
    out = []
    if rolled:
        stmt = (select(TaskDayTally.org_unit_id, TaskDayTally.product_category, func.sum(TaskDayTally.completed),
                       func.sum(TaskDayTally.on_time))
                .where(TaskDayTally.org_unit_id.in_(scope_subquery(unit)), TaskDayTally.day >= period.start,
                       TaskDayTally.day <= period.end)
                .group_by(TaskDayTally.org_unit_id, TaskDayTally.product_category))
        out += [TaskTally(uid, cat or "", int(n), int(good)) for uid, cat, n, good in db.execute(stmt)]
    for run in _unrolled_runs(period, rolled):
        out += _live_by_unit(run.start_at, run.end_at, unit)
    return out


def weekly(unit, weeks: list[Period]) -> list[tuple[int, int]]:
    """(completed, on time) of the scope's tasks with a due date, per week of `weeks` (consecutive)."""
    span = Period(weeks[0].start, weeks[-1].end)
    rolled = _rolled(span)
    sums = [[0, 0] for _ in weeks]
    week_of = {week.start + timedelta(days=d): n for n, week in enumerate(weeks) for d in range(7)}
    if rolled:
        for day, n, good in db.execute(
                select(TaskDayTally.day, func.sum(TaskDayTally.completed), func.sum(TaskDayTally.on_time))
                .where(TaskDayTally.org_unit_id.in_(scope_subquery(unit)), TaskDayTally.day >= span.start,
                       TaskDayTally.day <= span.end).group_by(TaskDayTally.day)):
            sums[week_of[day]][0] += int(n)
            sums[week_of[day]][1] += int(good)
    for run in _unrolled_runs(span, rolled):
        # One statement per run: a pair of conditional sums for each week the run overlaps.
        parts = [(n, Period(max(w.start, run.start), min(w.end, run.end))) for n, w in enumerate(weeks)
                 if w.start <= run.end and run.start <= w.end]
        columns = []
        for _n, part in parts:
            inside = and_(HumanTask.completed_at >= part.start_at, HumanTask.completed_at < part.end_at)
            columns += [func.sum(sql_case((inside, 1), else_=0)),
                        func.sum(sql_case((and_(inside, HumanTask.completed_at <= HumanTask.due_at), 1), else_=0))]
        row = db.execute(select(*columns).select_from(HumanTask).join(Case, Case.id == HumanTask.case_id)
                         .where(Case.org_unit_id.in_(scope_subquery(unit)),
                                *_done_with_due(run.start_at, run.end_at))).one()
        for i, (n, _part) in enumerate(parts):
            sums[n][0] += int(row[2 * i] or 0)
            sums[n][1] += int(row[2 * i + 1] or 0)
    return [(done, good) for done, good in sums]


def _roll_day(day: date) -> bool:
    """Sum one ended day into task_day_tally; False when another process rolled it up meanwhile."""
    period = Period(day, day)
    rows = [{"day": day, "org_unit_id": t.org_unit_id, "product_category": t.product_category,
             "completed": t.completed, "on_time": t.on_time} for t in _live_by_unit(period.start_at, period.end_at)]
    try:
        with db.begin_nested():
            db.add(TaskDayRolled(day=day, rolled_at=utcnow()))
            db.flush()
            if rows:
                db.execute(insert(TaskDayTally), rows)
    except IntegrityError:
        return False
    return True


def roll_up(now=None, rebuild=False) -> int:
    """Roll up every ended day not rolled up yet (all of them with `rebuild`); returns the days rolled."""
    yesterday = local_today(now or utcnow()) - timedelta(days=1)
    with unit_of_work():
        if rebuild:
            db.execute(delete(TaskDayTally))
            db.execute(delete(TaskDayRolled))
        elif db.get(TaskDayRolled, yesterday) is not None:
            return 0  # the usual tick: nothing has ended since the last roll-up
        first = db.scalar(select(func.min(HumanTask.completed_at)).where(
            HumanTask.status == "completed", HumanTask.due_at.is_not(None)))
        done = set(db.scalars(select(TaskDayRolled.day)))
    if first is None:
        return 0
    days = [local_date(first) + timedelta(days=n) for n in range((yesterday - local_date(first)).days + 1)]
    todo = [day for day in days if day not in done]
    rolled = 0
    for start in range(0, len(todo), DAYS_PER_COMMIT):
        with unit_of_work():
            rolled += sum(_roll_day(day) for day in todo[start:start + DAYS_PER_COMMIT])
    if rolled:
        log.info("on-time roll-up: %d days", rolled)
    return rolled
