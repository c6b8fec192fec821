"""The provincial bench's bulk builder makes cases the supervisor pages really count."""
import random
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.cases.models import Case
from app.reports.indicators import dashboard
from app.reports.scope import Period
from app.reports.statutory import build_report_figures
from app.seed.reference import unit_by_code
from bench.supervision import KIND_WEIGHTS, bulk_cases

# Summary periods as a campaign sets them (the 2022 notice's dates, in 2026).
STAGE_2026 = Period(date(2026, 1, 1), date(2026, 7, 25))
ANNUAL_2026 = Period(date(2026, 1, 1), date(2026, 11, 5))

NOW = datetime(2026, 11, 19, 4, 0, tzinfo=UTC)


def test_bulk_cases_feed_the_dashboard_and_annual_report(db_session):
    bulk_cases(db_session, NOW, random.Random(3), count=400)
    db_session.flush()
    kinds = dict(db_session.execute(select(Case.kind, func.count()).where(Case.number.like("%-B%"))
                                    .group_by(Case.kind)).all())
    assert set(kinds) == set(KIND_WEIGHTS) and sum(kinds.values()) == 400
    province = unit_by_code("350000")
    data = dashboard(province, Period(date(2026, 1, 1), date(2026, 11, 19)), NOW)["total"]
    assert data["key_share"]["batches"] > data["key_share"]["key_batches"] > 0
    assert data["hazards"]["found"] > data["hazards"]["fixed"] > 0 and data["disposal"]["closed"] > 0
    figures = build_report_figures("annual", province, ANNUAL_2026)["cumulative"]
    assert figures["penalty_decisions"] > 0 and float(figures["fines"]) > 0
    assert figures["enterprises_inspected"] > 0 and figures["sampling_failed"] > 0
    # Cases are spread over the bureaus below the province, not piled on one.
    assert len(set(db_session.scalars(select(Case.org_unit_id).where(Case.number.like("%-B%"))))) > 10
