"""重点产品隐患排查 (hazard_investigation): every path through the persisted engine with frozen time."""
from datetime import date, timedelta

import pytest

from app.engine.deploy import deploy_files
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, beijing_date

KIND = "hazard_investigation"
# The penalty case is called inside this case; it calls credit disclosure; listings are follow-ups.
FILES = ("hazard_investigation", "penalty_case", "credit_disclosure", "listed_supervision")
FACTS = {"campaign_name": "2026年重点工业产品质量安全排查治理", "self_inspection_due": "2026-05-20",
         "inspection_due": "2026-07-25"}


@pytest.fixture()
def library(db_session):
    """This process and the ones it calls or opens (other files are still being written), forms checked."""
    return {r.key: r for r in deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in FILES})}


def open_hazard_case(open_case_for, org="350121"):
    return open_case_for(KIND, org, facts=dict(FACTS), product_category="gas_appliance", is_key_product=True)


def assert_task(driver, spec_name, due, org="350121", department="quality_supervision"):
    """The READY row routes to the department and bureau and is due at the end of `due` (Beijing)."""
    row = driver.task(spec_name)
    assert (row.department_code, row.org_unit_id) == (department, unit_by_code(org).id), spec_name
    assert beijing_date(row.due_at) == due, spec_name
    return row


def hazard(severity="general", status="fixed", deadline=None, description="燃气灶熄火保护装置缺失"):
    return {"description": description, "source": "onsite", "severity": severity, "measures": "更换部件",
            "owner": "张三", "deadline": deadline, "status": status}


def test_truthful_self_inspection_and_hazards_fixed_on_the_spot_close_out(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    assert case.ready_names() == ["hi_campaign"]
    assert_task(case, "hi_campaign", date(2026, 3, 5))
    case.complete("hi_campaign")
    assert_task(case, "hi_self_report", date(2026, 5, 20))  # the campaign's self-inspection date
    case.complete("hi_self_report", self_inspection_submitted=True)
    assert_task(case, "hi_review", date(2026, 3, 16))
    case.complete("hi_review")
    # 25 July 2026 is a Saturday: the deadline moves to Monday 27 July.
    assert_task(case, "hi_inspection", date(2026, 7, 27))
    case.complete("hi_inspection", self_inspection_verdict="consistent")
    assert case.ready_names() == ["hi_ledger"]
    case.complete("hi_ledger", hazards=[hazard()], violations_found=False, help_needed=False)
    assert case.ready_names() == ["hi_closeout"]
    case.complete("hi_closeout")
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []
    facts = case.case.facts
    assert facts["self_inspection_submitted"] is True and facts["self_inspection_verdict"] == "consistent"
    assert [h["severity"] for h in facts["hazards"]] == ["general"]


def test_overdue_self_inspection_major_hazard_violation_and_help_run_side_by_side(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    case.complete("hi_campaign")
    # Nothing happens on the due day itself; after its end the overdue path starts.
    case.travel(clock, timedelta(days=79))  # Wednesday 20 May, 09:00
    assert case.ready_names() == ["hi_self_report"]
    case.travel(clock, timedelta(days=1))
    assert case.ready_names() == ["hi_overdue"]
    assert_task(case, "hi_overdue", date(2026, 5, 28))  # 5 WD from 21 May
    case.complete("hi_overdue", overdue_action="interview", self_inspection_submitted=False)
    assert case.ready_names() == ["hi_inspection"]  # no report to review
    case.complete("hi_inspection", self_inspection_verdict="perfunctory")
    assert_task(case, "hi_interview", date(2026, 5, 28))
    case.complete("hi_interview")
    case.complete("hi_ledger", hazards=[hazard("major", "open", "2026-06-30"), hazard("general", "open", "2026-06-10")],
                  violations_found=True, help_needed=True)
    # Rectification, the penalty case (called here) and technical help run in parallel.
    assert case.ready_names() == ["hi_help", "hi_rectify_order", "pc_lead_check"]
    assert_task(case, "hi_rectify_order", date(2026, 5, 26))  # 3 WD to issue and serve the order
    assert_task(case, "pc_lead_check", date(2026, 6, 11), department="enforcement")  # 15 WD to decide on opening
    assert_task(case, "hi_help", date(2026, 6, 18), department="quality_development")  # 20 WD, Dragon Boat 19 June
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["listing_reason"] == "major_hazard"
    assert listing.case.facts["campaign_name"] == FACTS["campaign_name"]
    assert listing.ready_names() == ["ls_propose"]
    case.complete("hi_help", help_given=True)
    case.complete("hi_rectify_order")
    # The 60 days run from the day the order was served, not from the order.
    case.message("served:rectification_order", served_date="2026-05-29", method="post")
    assert_task(case, "hi_rectify", date(2026, 7, 28))
    case.complete("hi_rectify")
    assert_task(case, "hi_recheck", date(2026, 6, 4))
    case.complete("hi_recheck", recheck_result="open")
    # Still open: a new order, served again; its own 60 days.
    case.complete("hi_rectify_order")
    case.message("served:rectification_order", served_date="2026-06-01", method="direct")
    assert_task(case, "hi_rectify", date(2026, 7, 31))
    case.complete("hi_rectify")
    case.complete("hi_recheck", recheck_result="closed")
    case.complete("hi_closeout")
    # The case waits for the penalty case run inside it before it closes.
    assert case.ready_names() == ["pc_lead_check"]
    assert case.status() == ("open", "running")
    case.complete("pc_lead_check", open_decision="not_open", request_open_extension=False)
    assert case.status() == ("closed", "completed")
    assert case.case.facts["help_given"] is True
    assert len(case.follow_ups("listed_supervision")) == 1  # already listed for the major hazard


def test_overdue_rectification_of_general_hazards_is_listed_once(library, clock, open_case_for):
    case = open_hazard_case(open_case_for, org="350203")
    case.complete("hi_campaign")
    case.complete("hi_self_report", self_inspection_submitted=True)
    case.complete("hi_review")
    case.complete("hi_inspection", self_inspection_verdict="consistent")
    case.complete("hi_ledger", hazards=[hazard("general", "open", "2026-03-20")], violations_found=False,
                  help_needed=False)
    # Served before the clerk completes the order task: the service is kept until the process waits for it.
    assert case.message("served:rectification_order", served_date="2026-03-16") is None
    assert case.ready_names() == ["hi_rectify_order"]
    case.complete("hi_rectify_order")
    assert_task(case, "hi_rectify", date(2026, 5, 15), org="350203")  # 60 days from 16 March
    case.travel(clock, timedelta(days=74))  # Friday 15 May 09:00: the last day, not yet overdue
    assert case.ready_names() == ["hi_rectify"]
    case.travel(clock, timedelta(days=1))  # Saturday 16 May: the deadline has passed
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["listing_reason"] == "overdue_rectification"
    assert case.ready_names() == ["hi_recheck"]
    case.complete("hi_recheck", recheck_result="open")
    case.complete("hi_rectify_order")
    case.message("served:rectification_order", served_date="2026-05-18")
    assert_task(case, "hi_rectify", date(2026, 7, 17), org="350203")
    case.travel(clock, timedelta(days=63))  # Saturday 18 July
    assert case.ready_names() == ["hi_recheck"]
    assert len(case.follow_ups("listed_supervision")) == 1
    case.complete("hi_recheck", recheck_result="closed")
    case.complete("hi_closeout")
    assert case.status() == ("closed", "completed")


def test_report_refused_then_submitted_late_and_false_self_inspection_leads_to_interview(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    case.complete("hi_campaign")
    case.complete("hi_self_report", self_inspection_submitted=False)
    case.complete("hi_overdue", overdue_action="order", self_inspection_submitted=True)
    assert case.ready_names() == ["hi_review"]
    case.complete("hi_review")
    case.complete("hi_inspection", self_inspection_verdict="false")
    assert case.ready_names() == ["hi_interview"]
    case.complete("hi_interview")
    case.complete("hi_ledger", hazards=[], violations_found=False, help_needed=False)
    assert case.ready_names() == ["hi_closeout"]
    case.complete("hi_closeout")
    assert case.status() == ("closed", "completed")
    assert case.case.facts["self_inspection_verdict"] == "false"


def test_the_enterprise_report_ends_the_rectification_wait_and_reaches_the_recheck(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    case.complete("hi_campaign")
    case.complete("hi_self_report", self_inspection_submitted=True)
    case.complete("hi_review")
    case.complete("hi_inspection", self_inspection_verdict="consistent")
    case.complete("hi_ledger", hazards=[hazard("general", "open", "2026-03-20")], violations_found=False,
                  help_needed=False)
    case.complete("hi_rectify_order")
    # A report before the order is served is kept, not taken as the answer to an order not yet served.
    assert case.ready_names() == []
    case.message("served:rectification_order", served_date="2026-03-02", method="electronic")
    assert_task(case, "hi_rectify", date(2026, 5, 6))  # 1 May falls in the Labour Day holiday (1-5 May)
    case.message("rectification_report", received_date="2026-04-20", note="已更换熄火保护装置", attachment_ids=[],
                 source="enterprise")
    assert case.ready_names() == ["hi_recheck"]
    assert_task(case, "hi_recheck", date(2026, 3, 16))
    case.complete("hi_recheck", recheck_result="closed")
    case.complete("hi_closeout")
    assert case.status() == ("closed", "completed")


def test_the_enterprise_self_inspection_report_goes_straight_to_review(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    case.complete("hi_campaign")
    assert case.ready_names() == ["hi_self_report"]
    case.message("self_inspection_report", received_date="2026-03-10", note="已逐项自查，发现 1 项问题", attachment_ids=[],
                 source="enterprise", checklist={"熄火保护装置齐全有效": True})
    assert case.ready_names() == ["hi_review"]
    assert_task(case, "hi_review", date(2026, 3, 16))
    case.complete("hi_review")
    assert case.ready_names() == ["hi_inspection"]


def test_a_major_risk_report_adds_a_check_without_stopping_the_self_inspection(library, clock, open_case_for):
    case = open_hazard_case(open_case_for)
    case.complete("hi_campaign")
    case.message("major_risk_report", received_date="2026-03-03", note="发现一批熄火保护装置失效", source="enterprise")
    assert case.ready_names() == ["hi_major_risk", "hi_self_report"]
    assert_task(case, "hi_major_risk", date(2026, 3, 4))
    case.complete("hi_major_risk", major_risk_measures="现场封存", major_risk_confirmed=True)
    case.complete("hi_self_report", self_inspection_submitted=True)
    case.complete("hi_review")
    case.message("major_risk_report", received_date="2026-03-05", note="又发现一批", source="enterprise")
    assert case.ready_names() == ["hi_inspection", "hi_major_risk"]
    case.complete("hi_major_risk", major_risk_measures="召回", major_risk_confirmed=True)
    case.complete("hi_inspection", self_inspection_verdict="consistent")
    case.complete("hi_ledger", hazards=[hazard()], violations_found=False, help_needed=False)
    case.complete("hi_closeout")
    assert case.status() == ("closed", "completed")
