"""The real hazard_investigation process (processes/) feeds the stage summary and the dashboard."""
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.cases.services import open_case
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask
from app.reports.indicators import dashboard
from app.reports.scope import Period
from app.reports.statutory import build_report_figures, summary_lists
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, CaseDriver

# Summary periods as a campaign sets them (the 2022 notice's dates, in 2026).
STAGE_2026 = Period(date(2026, 1, 1), date(2026, 7, 25))
ANNUAL_2026 = Period(date(2026, 1, 1), date(2026, 11, 5))

FILES = ("hazard_investigation", "penalty_case", "credit_disclosure", "listed_supervision")
FACTS = {"campaign_name": "2026年重点工业产品质量安全排查治理", "self_inspection_due": "2026-05-20",
         "inspection_due": "2026-07-25"}


@pytest.fixture()
def investigated(db_session, make_enterprise):
    """Two investigations run to close-out as users would: one in Minhou (Fuzhou), one in Siming (Xiamen)."""
    deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in FILES})
    drivers = {}
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)):
        for org, hazards in (("350121", [{"description": "熄火保护缺失", "source": "onsite", "severity": "general",
                                          "measures": "更换部件", "owner": "张三", "deadline": None,
                                          "status": "fixed"}]),
                             ("350203", [{"description": "不在福州", "source": "onsite", "severity": "major",
                                          "measures": "停产整改", "owner": "李四", "deadline": None,
                                          "status": "fixed"}])):
            case = CaseDriver(open_case("hazard_investigation", unit_by_code(org), title="燃气灶排查",
                                        enterprise=make_enterprise(), facts=dict(FACTS),
                                        product_category="gas_appliance", is_key_product=True))
            case.complete("hi_campaign")
            case.complete("hi_self_report", self_inspection_submitted=True, self_inspection_date="2026-03-02")
            case.complete("hi_review")
            case.complete("hi_inspection", self_inspection_verdict="consistent", inspection_date="2026-03-02")
            case.complete("hi_ledger", hazards=hazards, violations_found=False, help_needed=False)
            case.complete("hi_closeout")
            assert case.status() == ("closed", "completed")
            drivers[org] = case
    return drivers


def test_stage_summary_counts_what_the_process_recorded(investigated):
    figures = build_report_figures("stage", unit_by_code("350100"), STAGE_2026)
    c = figures["cumulative"]
    assert (c["enterprises_self_inspected"], c["enterprises_inspected"]) == (1, 1)
    assert (c["hazards_found_general"], c["hazards_fixed_general"], c["hazards_found_major"]) == (1, 1, 0)
    assert (c["cases_opened"], c["cases_closed"]) == (1, 1)
    assert [h["description"] for h in summary_lists(unit_by_code("350100"), STAGE_2026)["hazards"]] == ["熄火保护缺失"]
    assert [r["label"] for r in figures["by_category"]] == ["燃气器具"]
    province = build_report_figures("stage", unit_by_code("350000"), STAGE_2026)
    assert province["cumulative"]["hazards_found_major"] == 1 and province["cumulative"]["cases_closed"] == 2


def test_dashboard_on_time_rate_counts_the_real_tasks(db_session, investigated):
    minhou = investigated["350121"].case
    with_due = db_session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.case_id == minhou.id, HumanTask.status == "completed", HumanTask.due_at.is_not(None)))
    assert with_due >= 4
    now = datetime(2026, 3, 20, 2, tzinfo=UTC)
    data = dashboard(unit_by_code("350100"), Period(date(2026, 1, 1), date(2026, 3, 20)), now)
    assert data["total"]["on_time"] == {"completed": with_due, "on_time": with_due, "late": 0, "rate": 1.0}
    assert (data["total"]["hazards"]["found"], data["total"]["hazards"]["fixed"]) == (1, 1)
    minhou_row = next(r for r in data["by_region"] if r["code"] == "350121")
    assert minhou_row["hazards"]["cases"] == 1 and minhou_row["on_time"]["completed"] == with_due
