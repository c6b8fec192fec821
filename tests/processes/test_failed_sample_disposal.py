"""failed_sample_disposal (不合格产品后处理) driven through the persisted engine with frozen time.

After registration four tracks run side by side (DOMAIN.md section 7): notice and objection with the
retest, the stop-sale order at once, enforcement's lead check, and the trace-back of the producer.
"""
from datetime import UTC, date, datetime

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.db import db
from app.engine.models import HumanTask
from tests.processes.conftest import CaseDriver, beijing_date, move_to, routed, unit_code

TRACKS = ["fs_notice", "fs_stop_sale", "fs_traceback", "pc_lead_check"]


def start_facts(**over):
    """The start facts of a failed sample (contract of the process library)."""
    facts = {"sample_no": "GB260001", "test_report_no": "FJQI-2026-0123", "test_lab": "福建省产品质量检验研究院",
             "test_date": "2026-02-26", "is_food": False, "is_consumer_product": True, "goods_value": 86000,
             "failed_items": [{"item": "绝缘电阻", "limit": "≥2MΩ", "measured": "0.5MΩ", "is_safety": True}]}
    return {**facts, **over}


def open_disposal(open_case_for, org_code="350121", **facts):
    return open_case_for("failed_sample_disposal", org_code=org_code, facts=start_facts(**facts),
                         product_category="wire_cable", product_name="聚氯乙烯绝缘电缆", is_key_product=True)


def register(case):
    case.complete("fs_register", test_lab="福建省产品质量检验研究院", test_date="2026-02-26",
                  report_received_date="2026-03-02")


def notify(case, served):
    register(case)
    case.complete("fs_notice", notice_date=served, notice_served_date=served)


def close_side_tracks(case):
    """Stop-sale issued, trace-back kept local, enforcement decides not to open a case."""
    case.complete("fs_stop_sale", stop_sale_order_date=beijing_date(case.task("fs_stop_sale").created_at).isoformat())
    case.complete("fs_traceback", producer_location="local", producer_region_code="350121")
    case.complete("pc_lead_check", open_decision="not_open", request_open_extension=False, lead_needs_testing=False,
                  not_open_reason="违法行为轻微并及时改正")


def test_registration_starts_four_tracks_stop_sale_at_once_and_lead_check_within_15_wd(clock, open_case_for):
    case = open_disposal(open_case_for)
    assert routed(case.task("fs_register")) == ("quality_supervision", "350121", date(2026, 3, 3))
    register(case)
    assert case.ready_names() == TRACKS
    # Written notice within 2 working days of registration.
    assert routed(case.task("fs_notice")) == ("quality_supervision", "350121", date(2026, 3, 4))
    # The stop-sale order does not wait for the objection window: due the next working day.
    assert routed(case.task("fs_stop_sale")) == ("quality_supervision", "350121", date(2026, 3, 3))
    # Enforcement decides whether to open a case within 15 working days of the finding.
    assert routed(case.task("pc_lead_check")) == ("enforcement", "350121", date(2026, 3, 23))
    case.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    assert case.case.facts["stop_sale_order_date"] == "2026-03-02"
    assert case.ready_names() == ["fs_notice", "fs_traceback", "pc_lead_check"]


def test_objection_upheld_by_the_retest_withdraws_the_orders_and_ends_the_lead_check(clock, open_case_for):
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
    case.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    assert case.ready_names() == ["fs_traceback", "pc_lead_check"]
    case.message("objection", applicant="福建某某电器有限公司", reason="对绝缘电阻项目有异议")
    assert routed(case.task("fs_assign_retest"))[:2] == ("quality_supervision", "350121")
    case.complete("fs_assign_retest", retest_body_code="JC0004", retest_entrust_date="2026-03-03")
    # The retest goes to the engaged testing body's own inbox, not to a department of the bureau.
    retest = case.task("fs_retest")
    assert routed(retest) == ("testing_body", "JC0004", date(2026, 3, 23))
    lead_check = case.task("pc_lead_check")
    case.complete("fs_retest", retest_lab="国家电线电缆质量检验检测中心", retest_date="2026-03-10",
                  retest_conclusion="pass")
    # The lead check and the trace-back end; the withdrawal of the orders is recorded with its reason.
    assert case.ready_names() == ["fs_withdraw_orders"]
    assert db.get(HumanTask, lead_check.id).status == "cancelled"
    cancelled = db.scalars(select(CaseEvent.summary).where(CaseEvent.case_id == case.case.id,
                                                            CaseEvent.event_type == "task_cancelled")).all()
    assert sorted(cancelled) == sorted(["立案审查", "追根溯源：核查进货来源及标称生产者"])
    case.complete("fs_withdraw_orders", withdraw_date="2026-03-11",
                  withdraw_reason="复检合格，撤销停止销售、下架封存措施，终止立案审查")
    assert case.status() == ("closed", "completed")
    facts = case.case.facts
    assert facts["retest_conclusion"] == "pass"
    assert facts["withdraw_reason"].startswith("复检合格")
    assert case.follow_ups() == []


def test_objection_rejected_by_the_retest_leads_to_the_order_to_rectify(clock, open_case_for):
    case = open_disposal(open_case_for)
    case.message("objection", reason="企业收到抽样单后即提出异议")
    assert case.ready_names() == ["fs_register"]
    notify(case, "2026-03-03")
    assert case.ready_names() == ["fs_assign_retest", "fs_stop_sale", "fs_traceback", "pc_lead_check"]
    case.complete("fs_assign_retest")
    case.complete("fs_retest", retest_lab="国家电线电缆质量检验检测中心", retest_date="2026-03-10",
                  retest_conclusion="fail")
    # The other tracks are untouched by a failed retest.
    assert case.ready_names() == ["fs_orders", "fs_stop_sale", "fs_traceback", "pc_lead_check"]


def test_lead_check_opens_the_penalty_case_while_the_objection_window_is_open(clock, open_case_for):
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False, lead_needs_testing=False)
    investigation = case.task("pc_investigation")
    assert (investigation.department_code, unit_code(investigation)) == ("enforcement", "350121")
    # Nothing of the objection track has happened yet: the window is still open.
    assert "fs_orders" not in case.ready_names()
    assert case.ready_names() == ["fs_stop_sale", "fs_traceback", "pc_investigation"]


def test_trace_back_to_another_county_sends_an_assist_request_to_that_bureau(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    case.complete("fs_traceback", producer_location="other_bureau", producer_name="晋江某某线缆有限公司",
                  producer_region_code="350582", trace_findings="请核查该批次产品的生产记录及原材料")
    assist = case.follow_up("assist_request")
    assert assist.case.org_unit.code == "350582"
    assert assist.case.enterprise_id is None
    assert (assist.case.facts["organising_unit_code"], assist.case.facts["producer_name"]) == \
        ("350121", "晋江某某线缆有限公司")
    row = assist.task("ar_handle")
    assert (row.department_code, unit_code(row)) == ("quality_supervision", "350582")
    assist.complete("ar_handle", assist_received_date="2026-03-03", assist_reply_date="2026-03-10",
                    assist_findings="该批次产品系委托加工，已责令停止生产")
    assert assist.status() == ("closed", "completed")
    # The sending bureau sees the reply in its own case's timeline.
    [reply] = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.case.id,
                                                 CaseEvent.event_type == "assist_replied")).all()
    assert reply.summary == f"晋江市市场监督管理局（{assist.case.number}）"
    assert reply.data["findings"] == "该批次产品系委托加工，已责令停止生产"


def test_trace_back_to_another_province_records_a_letter(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    case.complete("fs_traceback", producer_location="other_province", producer_region_code="330102")
    assert routed(case.task("fs_letter"))[:2] == ("quality_supervision", "350121")
    case.complete("fs_letter", letter_date="2026-03-04")
    assert case.follow_ups() == []
    assert "fs_letter" not in case.ready_names()


def test_industrial_window_of_15_days_then_orders_recall_overdue_recheck_and_listing(clock, open_case_for):
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
    close_side_tracks(case)
    # 15 days from service on 03-03: the window is open all of Wednesday 03-18.
    move_to(case, clock, date(2026, 3, 18))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 3, 19))
    assert case.ready_names() == ["fs_orders"]
    case.complete("fs_orders", rectify_order_date="2026-03-19", recall_needed=True)

    recall = case.follow_up("recall")
    assert recall.case.facts["sample_no"] == "GB260001"
    assert recall.ready_names() == ["rc_investigation"]
    recheck = case.task("fs_recheck")
    # Re-check within 75 days of the order: Tuesday 06-02.
    assert routed(recheck) == ("quality_supervision", "350121", date(2026, 6, 2))
    move_to(case, clock, date(2026, 6, 3))
    supervise = case.task("fs_recheck_supervise")
    assert (supervise.department_code, unit_code(supervise)) == ("quality_supervision", "350100")
    case.complete("fs_recheck", recheck_result="pass", rectification_overdue=True)
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["reason"] == "逾期未完成整改"
    case.complete("fs_recheck_supervise")
    assert case.status() == ("closed", "completed")
    assert (case.case.facts["rectify_order_date"], case.case.facts["recheck_result"]) == ("2026-03-19", "pass")


def test_food_window_is_7_working_days_across_the_spring_festival(clock, open_case_for):
    clock.move_to(datetime(2026, 2, 11, 1, 0, tzinfo=UTC))
    case = open_disposal(open_case_for, is_food=True, is_consumer_product=False, test_date="2026-02-05")
    case.complete("fs_register", test_date="2026-02-05", report_received_date="2026-02-10")
    case.complete("fs_notice", notice_date="2026-02-12", notice_served_date="2026-02-12")
    close_side_tracks(case)
    # Served Thursday 02-12: 02-13, Saturday 02-14 (make-up day), 02-24..27, Saturday 02-28 (make-up day).
    move_to(case, clock, date(2026, 2, 28))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 3, 1))
    assert case.ready_names() == ["fs_orders"]
    case.complete("fs_orders", rectify_order_date="2026-03-02", recall_needed=True)
    # Food is not a consumer product under the recall rules here: no recall case.
    assert case.follow_ups("recall") == []
    case.complete("fs_recheck", recheck_result="pass", rectification_overdue=False, recheck_date="2026-03-05")
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []


def fail_recheck(case):
    """Objection, failed retest, orders without recall, failed re-check; ends at the province."""
    notify(case, "2026-03-03")
    case.message("objection", reason="申请复检")
    case.complete("fs_assign_retest")
    case.complete("fs_retest", retest_lab="国家电线电缆质量检验检测中心", retest_date="2026-03-04",
                  retest_conclusion="fail")
    case.complete("fs_orders", rectify_order_date="2026-03-04", recall_needed=False)
    assert case.follow_ups() == []
    case.complete("fs_recheck", recheck_result="fail", rectification_overdue=False, recheck_date="2026-03-05")
    escalation = case.task("fs_escalate")
    assert (escalation.department_code, unit_code(escalation)) == ("quality_supervision", "350000")
    case.complete("fs_escalate", escalation_date="2026-03-06")
    case.complete("fs_announcement", announcement_date="2026-03-10")
    assert case.ready_names() == ["fs_stop_sale", "fs_traceback", "pc_lead_check"]
    close_side_tracks(case)


def test_failed_recheck_goes_to_the_province_and_second_recheck_waits_for_day_60(clock, open_case_for):
    case = open_disposal(open_case_for)
    fail_recheck(case)
    # Day 60 after the announcement of 03-10 is Saturday 05-09, a Labour Day make-up workday.
    move_to(case, clock, date(2026, 5, 8))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 5, 9))
    second = case.task("fs_second_recheck")
    # Day 90 is Monday 06-08.
    assert routed(second) == ("quality_supervision", "350121", date(2026, 6, 8))
    case.complete("fs_second_recheck", second_recheck_result="pass")
    # A failed re-check is listed for supervision even when the second one passes.
    assert case.follow_up("listed_supervision").case.facts["reason"] == "整改后复查仍不合格"
    assert case.status() == ("closed", "completed")


def test_penalty_case_runs_inside_the_disposal_beside_the_second_recheck(clock, open_case_for):
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
    case.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    case.complete("fs_traceback", producer_location="local", producer_region_code="350121")
    lead = case.task("pc_lead_check")
    assert (lead.department_code, unit_code(lead), lead.case_id) == ("enforcement", "350121", case.case.id)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False, lead_needs_testing=False)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    case.complete("pc_pre_notice", pre_notice_date="2026-03-09")
    # The hearing request reaches the penalty case running inside the disposal case.
    case.message("hearing_request", applicant="福建某某电器有限公司")
    assert "pc_hearing" in case.ready_names()
    move_to(case, clock, date(2026, 3, 19))
    assert case.ready_names() == ["fs_orders", "pc_hearing"]
    case.complete("pc_hearing")
    case.complete("pc_legal_review", request_decision_extension=False)
    # Opened 03-02: 90 days reach 05-31; the 17 hearing days (03-02..03-19) move it to Wednesday 06-17.
    assert beijing_date(case.task("pc_decision").due_at) == date(2026, 6, 17)
    case.complete("pc_decision", decision_result="penalty", decision_no="闽侯市监罚〔2026〕8号",
                  decision_date="2026-03-18", fine_amount="258000.00", confiscation_amount="86000.00",
                  is_heavier_penalty=False, is_major_case=True, meets_referral_threshold=False)
    case.complete("cd_disclosure", disclosure_date="2026-03-20")
    # The penalty case listed the major case.
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["source_decision_no"] == "闽侯市监罚〔2026〕8号"
    # The rectification track still runs: the case stays open until the re-check.
    assert case.ready_names() == ["fs_orders"]
    case.complete("fs_orders", rectify_order_date="2026-03-19", recall_needed=False)
    case.complete("fs_recheck", recheck_result="pass", rectification_overdue=False, recheck_date="2026-05-20")
    assert case.status() == ("closed", "completed")
    facts = case.case.facts
    assert (facts["decision_no"], facts["fine_amount"]) == ("闽侯市监罚〔2026〕8号", "258000.00")


def test_second_failure_orders_suspension(clock, open_case_for):
    case = open_disposal(open_case_for)
    fail_recheck(case)
    move_to(case, clock, date(2026, 5, 9))
    case.complete("fs_second_recheck", second_recheck_result="fail")
    case.complete("fs_suspension")
    assert case.follow_up("listed_supervision").case.facts["reason"] == "整改后复查仍不合格"
    assert case.status() == ("closed", "completed")
    assert case.case.facts["second_recheck_result"] == "fail"


def test_certified_product_is_checked_by_certification_beside_the_other_tracks(clock, open_case_for):
    case = open_disposal(open_case_for)
    case.complete("fs_register", certificate_type="ccc", certificate_no="2024010201234567")
    assert case.ready_names() == sorted([*TRACKS, "fs_certificate"])
    assert routed(case.task("fs_certificate"))[:2] == ("certification", "350121")
    case.complete("fs_certificate", certificate_action="suspend", check_date="2026-03-03")
    assert case.case.facts["certificate_action"] == "suspend"
    assert "fs_certificate" not in case.ready_names()


def test_a_repeated_failure_of_the_same_enterprise_adds_an_interview(clock, open_case_for, make_enterprise):
    ent = make_enterprise()
    first = open_case_for("failed_sample_disposal", facts=start_facts(), enterprise=ent)
    register(first)
    first.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    assert "fs_interview" not in first.ready_names()
    second = open_case_for("failed_sample_disposal", facts=start_facts(sample_no="GB260002"), enterprise=ent).case
    second = CaseDriver(second, first.rng, first._users)  # the same clerks act on both cases
    register(second)
    second.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    interview = second.task("fs_interview")
    assert routed(interview)[:2] == ("quality_supervision", "350121")
    second.complete("fs_interview", interview_date="2026-03-05")
    assert "fs_interview" not in second.ready_names()
