"""风险监测预警 (risk_monitoring): every risk level, the warning, and the follow-up cases the measures open."""
from datetime import date

import pytest

from app.engine.deploy import deploy_files
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, beijing_date

KIND = "risk_monitoring"
# Measures may open hazard investigations (which call the penalty case) and sampling tasks.
FILES = ("risk_monitoring", "hazard_investigation", "supervision_sampling", "penalty_case", "credit_disclosure",
         "listed_supervision")
FACTS = {"signal_source": "complaint", "signal_description": "12315 投诉：电动自行车充电器充电时起火"}


@pytest.fixture()
def library(db_session):
    """This process and those it opens or calls (other files are still being written), forms checked."""
    return {r.key: r for r in deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in FILES})}


def assert_task(driver, spec_name, due, org, department="quality_supervision"):
    row = driver.task(spec_name)
    assert (row.department_code, row.org_unit_id) == (department, unit_by_code(org).id), spec_name
    assert beijing_date(row.due_at) == due, spec_name
    return row


def assess(open_case_for, level):
    case = open_case_for(KIND, "350121", facts=dict(FACTS), product_category="e_bike_charger_battery")
    assert case.ready_names() == ["rm_collect"]
    assert_task(case, "rm_collect", date(2026, 3, 9), "350121")
    case.complete("rm_collect")
    # The expert assessment is organised by the city bureau.
    assert_task(case, "rm_assess", date(2026, 3, 23), "350100")
    case.complete("rm_assess", risk_level=level)
    return case


def test_low_risk_is_filed_without_measures(library, clock, open_case_for):
    case = assess(open_case_for, "low")
    assert case.ready_names() == ["rm_close"]
    assert_task(case, "rm_close", date(2026, 3, 9), "350121")
    case.complete("rm_close", risk_controlled="controlled")
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []


def test_medium_risk_goes_to_measures_without_warning_or_follow_ups(library, clock, open_case_for):
    case = assess(open_case_for, "medium")
    assert case.ready_names() == ["rm_measures"]
    assert_task(case, "rm_measures", date(2026, 3, 16), "350121")
    case.complete("rm_measures", start_investigation=False, start_sampling=False, measures_taken=["interview"])
    case.complete("rm_close")
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []
    assert case.case.facts["risk_level"] == "medium"


def test_high_risk_warns_consumers_and_opens_investigation_and_sampling(library, clock, open_case_for):
    case = assess(open_case_for, "high")
    assert case.ready_names() == ["rm_warning"]
    assert_task(case, "rm_warning", date(2026, 3, 4), "350100", department="consumer_protection")
    case.complete("rm_warning", warning_type="consumer_notice")
    case.complete("rm_measures", start_investigation=True, investigation_campaign_name="电动自行车充电器专项排查",
                  investigation_self_due="2026-04-30", investigation_inspection_due="2026-06-30",
                  start_sampling=True, sampling_plan_name="充电器风险监测抽查", sampling_count=12,
                  sampling_due="2026-04-15")
    investigation = case.follow_up("hazard_investigation")
    facts = investigation.case.facts
    assert (facts["campaign_name"], facts["self_inspection_due"], facts["inspection_due"], facts["risk_level"]) == \
        ("电动自行车充电器专项排查", "2026-04-30", "2026-06-30", "high")
    assert investigation.ready_names() == ["hi_campaign"]
    assert investigation.case.org_unit_id == unit_by_code("350121").id
    sampling = case.follow_up("supervision_sampling")
    assert (sampling.case.facts["plan_name"], sampling.case.facts["sample_count"],
            sampling.case.facts["sampling_due"]) == ("充电器风险监测抽查", 12, "2026-04-15")
    assert sampling.ready_names() == ["ss_plan"]
    case.complete("rm_close")
    assert case.status() == ("closed", "completed")
    assert investigation.status() == ("open", "running")


def test_severe_risk_investigation_without_dates_gets_default_deadlines(library, clock, open_case_for):
    case = assess(open_case_for, "severe")
    case.complete("rm_warning", warning_type="risk_warning")
    case.complete("rm_measures", start_investigation=True, investigation_campaign_name=None,
                  investigation_self_due=None, investigation_inspection_due=None, start_sampling=False)
    investigation = case.follow_up("hazard_investigation")
    facts = investigation.case.facts
    # 20 and 40 working days from Monday 2 March 2026 (Qingming 4-6 April off).
    assert (facts["self_inspection_due"], facts["inspection_due"]) == ("2026-03-30", "2026-04-28")
    assert facts["campaign_name"] == f"风险监测专项排查（{case.case.number}）"
    assert case.follow_ups("supervision_sampling") == []
    case.complete("rm_close", risk_controlled="monitoring")
    assert case.status() == ("closed", "completed")
