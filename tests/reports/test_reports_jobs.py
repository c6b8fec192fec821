"""The report job: one weekly draft per bureau of a running campaign, once, on the campaign's report day."""
from datetime import date

from freezegun import freeze_time
from sqlalchemy import func, select

from app.auth.models import OrgUnit
from app.reports.jobs import generate_weekly_reports
from app.reports.models import Report
from app.scheduler.runner import TICK_JOBS
from tests.campaign_helpers import issued_campaign
from tests.reports.report_helpers import at


def _issued_everywhere(make_user, start, **kw):
    """A province campaign issued to the cities, each city passing it on to its counties."""
    from app.campaigns.services import acknowledge
    from app.db import db

    head = make_user("350000", roles=("staff", "supervisor"))
    campaign = issued_campaign(head, start, **kw)
    for city in db.scalars(select(OrgUnit).where(OrgUnit.level == "city")):
        acknowledge(make_user(city.code), campaign.id)
    return campaign


def test_report_day_creates_one_draft_per_bureau_once(db_session, case_at, make_user):
    case_at("2026-11-16 03:00", "penalty_case", "350121", facts={"reason": "线索"})
    with freeze_time("2026-06-01 02:00"):
        campaign = _issued_everywhere(make_user, date(2026, 6, 1), stage_date=date(2026, 11, 30),
                                      annual_date=date(2026, 12, 31))
    units = db_session.scalar(select(func.count(OrgUnit.id)).where(OrgUnit.kind == "bureau"))  # no testing bodies
    # The week of Thursday 11-12 was drafted on the first tick; then the 11-19 week comes on its day.
    assert generate_weekly_reports(at("2026-11-18 15:00")) == units  # catching up: the latest report day
    assert generate_weekly_reports(at("2026-11-18 15:30")) == 0
    assert generate_weekly_reports(at("2026-11-18 16:05")) == units  # Thursday 00:05 in Beijing
    assert generate_weekly_reports(at("2026-11-19 09:00")) == 0  # later ticks the same Thursday
    reports = [r for r in db_session.scalars(select(Report)) if r.period_end == date(2026, 11, 18)]
    assert len(reports) == units and {r.status for r in reports} == {"draft"}
    assert {r.campaign_id for r in reports} == {campaign.id}
    assert {r.due_at for r in reports} == {at("2026-11-19 04:00")}  # Thursday 12:00 Beijing
    assert {(str(r.period_start), str(r.period_end)) for r in reports} == {("2026-11-12", "2026-11-18")}
    by_code = {r.org_unit.code: r for r in reports}
    assert by_code["350121"].figures["period"]["cases_opened"] == 1
    assert by_code["350100"].figures["period"]["cases_opened"] == 1
    assert by_code["350200"].figures["period"]["cases_opened"] == 0
    assert generate_weekly_reports(at("2026-11-26 01:00")) == units  # next Thursday: the next week
    # On the stage summary's date every bureau gets its stage draft beside the week's.
    assert generate_weekly_reports(at("2026-11-29 16:30")) == units
    stage = db_session.scalars(select(Report).where(Report.kind == "stage")).all()
    assert {(r.period_start, r.period_end) for r in stage} == {(date(2026, 6, 1), date(2026, 11, 30))}


def test_no_campaign_no_drafts_and_none_before_the_first_full_week(db_session, make_user):
    assert generate_weekly_reports(at("2026-11-19 01:00")) == 0
    with freeze_time("2026-11-16 02:00"):
        _issued_everywhere(make_user, date(2026, 11, 16))
    assert generate_weekly_reports(at("2026-11-19 01:00")) == 0  # the week before 11-19 began before the start
    assert generate_weekly_reports(at("2026-11-26 01:00")) > 0


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
