"""The Thursday job: one weekly draft per bureau, once; nothing on other days."""
from sqlalchemy import func, select

from app.auth.models import OrgUnit
from app.reports.jobs import generate_weekly_reports
from app.reports.models import Report
from app.scheduler.runner import TICK_JOBS
from tests.reports.report_helpers import at


def test_thursday_creates_one_draft_per_bureau_once(db_session, case_at):
    case_at("2026-11-16 03:00", "penalty_case", "350121", facts={"reason": "线索"})
    units = db_session.scalar(select(func.count(OrgUnit.id)).where(OrgUnit.kind == "bureau"))  # no testing bodies
    assert generate_weekly_reports(at("2026-11-18 15:00")) == 0  # Wednesday 23:00 in Beijing
    assert generate_weekly_reports(at("2026-11-18 16:05")) == units  # Thursday 00:05 in Beijing
    assert generate_weekly_reports(at("2026-11-19 09:00")) == 0  # later ticks the same Thursday
    reports = list(db_session.scalars(select(Report)))
    assert len(reports) == units and {r.status for r in reports} == {"draft"}
    assert {(str(r.period_start), str(r.period_end)) for r in reports} == {("2026-11-12", "2026-11-18")}
    by_code = {r.org_unit.code: r for r in reports}
    assert by_code["350121"].figures["period"]["cases_opened"] == 1
    assert by_code["350100"].figures["period"]["cases_opened"] == 1
    assert by_code["350200"].figures["period"]["cases_opened"] == 0
    assert generate_weekly_reports(at("2026-11-26 01:00")) == units  # next Thursday: the next week


def test_job_is_registered_with_the_scheduler_tick():
    assert generate_weekly_reports in TICK_JOBS


def test_losing_a_generation_race_returns_the_winners_report(db_session, monkeypatch):
    from datetime import date

    from app.reports import services
    from app.reports.statutory import weekly_period
    from app.seed.reference import unit_by_code

    unit, period = unit_by_code("350121"), weekly_period(date(2026, 11, 19))
    winner, created = services.ensure_report("weekly", unit, period)
    assert created
    # The loser looked before the winner's row was visible, then inserts the same unit and week.
    real_find = services.find_report
    calls = []
    monkeypatch.setattr(services, "find_report",
                        lambda *a: calls.append(a) or (None if len(calls) == 1 else real_find(*a)))
    loser, created = services.ensure_report("weekly", unit, period)
    assert (loser.id, created) == (winner.id, False)
    assert db_session.scalar(select(func.count(Report.id))) == 1
