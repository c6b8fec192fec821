"""failed_sample_disposal (不合格产品后处理) driven through the persisted engine with frozen time."""
from datetime import UTC, date, datetime

from tests.processes.conftest import beijing_date, move_to, routed, unit_code


def start_facts(**over):
    """The start facts of a failed sample (contract of the process library)."""
    facts = {"sample_no": "GB260001", "test_report_no": "FJQI-2026-0123", "test_lab": "福建省产品质量检验研究院",
             "test_date": "2026-02-26", "is_food": False, "is_consumer_product": True, "goods_value": 86000,
             "failed_items": [{"item": "绝缘电阻", "limit": "≥2MΩ", "measured": "0.5MΩ", "is_safety": True}]}
    return {**facts, **over}


def open_disposal(open_case_for, org_code="350121", **facts):
    return open_case_for("failed_sample_disposal", org_code=org_code, facts=start_facts(**facts),
                         product_category="wire_cable", product_name="聚氯乙烯绝缘电缆", is_key_product=True)


def notify(case, served):
    case.complete("fs_register")
    case.complete("fs_notice", notice_date=served, notice_served_date=served)


def test_objection_and_passing_retest_end_the_disposal(clock, open_case_for):
    case = open_disposal(open_case_for)
    assert routed(case.task("fs_register")) == ("quality_supervision", "350121", date(2026, 3, 3))
    case.complete("fs_register")
    # Written notice within 2 working days of registration.
    assert routed(case.task("fs_notice")) == ("quality_supervision", "350121", date(2026, 3, 4))
    case.complete("fs_notice", notice_date="2026-03-03", notice_served_date="2026-03-03")
    assert case.ready_names() == []
    case.message("objection", applicant="福建某某电器有限公司", reason="对绝缘电阻项目有异议")
    retest = case.task("fs_retest")
    assert routed(retest) == ("testing_body", "350121", date(2026, 3, 23))
    case.complete("fs_retest", retest_conclusion="pass")
    assert case.status() == ("closed", "completed")
    assert case.case.facts["retest_conclusion"] == "pass"
    assert case.follow_ups() == []


def test_objection_sent_before_the_notice_is_kept_until_the_window_opens(clock, open_case_for):
    case = open_disposal(open_case_for)
    case.message("objection", reason="企业收到抽样单后即提出异议")
    assert case.ready_names() == ["fs_register"]
    notify(case, "2026-03-03")
    assert case.ready_names() == ["fs_retest"]
    case.complete("fs_retest", retest_conclusion="fail")
    assert case.ready_names() == ["fs_orders"]


def test_industrial_window_of_15_days_then_orders_recall_overdue_recheck_and_listing(clock, open_case_for):
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
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
    case = open_disposal(open_case_for, is_food=True, is_consumer_product=False)
    notify(case, "2026-02-12")
    # Served Thursday 02-12: 02-13, Saturday 02-14 (make-up day), 02-24..27, Saturday 02-28 (make-up day).
    move_to(case, clock, date(2026, 2, 28))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 3, 1))
    assert case.ready_names() == ["fs_orders"]
    case.complete("fs_orders", rectify_order_date="2026-03-02", recall_needed=True)
    # Food is not a consumer product under the recall rules here: no recall case.
    assert case.follow_ups("recall") == []
    case.complete("fs_recheck", recheck_result="pass", rectification_overdue=False)
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []


def fail_recheck(case):
    """Objection, failed retest, orders without recall, failed re-check; ends at the province."""
    notify(case, "2026-03-03")
    case.message("objection", reason="申请复检")
    case.complete("fs_retest", retest_conclusion="fail")
    case.complete("fs_orders", rectify_order_date="2026-03-04", recall_needed=False)
    assert case.follow_ups() == []
    case.complete("fs_recheck", recheck_result="fail", rectification_overdue=False)
    escalation = case.task("fs_escalate")
    assert (escalation.department_code, unit_code(escalation)) == ("quality_supervision", "350000")
    case.complete("fs_escalate")
    case.complete("fs_announcement", announcement_date="2026-03-10")
    assert case.ready_names() == []


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


def test_second_failure_suspends_and_runs_the_penalty_case_inside_the_disposal(clock, open_case_for):
    case = open_disposal(open_case_for)
    fail_recheck(case)
    move_to(case, clock, date(2026, 5, 9))
    case.complete("fs_second_recheck", second_recheck_result="fail")
    case.complete("fs_suspension")
    lead = case.task("pc_lead_check")
    assert (lead.department_code, unit_code(lead), lead.case_id) == ("enforcement", "350121", case.case.id)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    case.complete("pc_pre_notice", pre_notice_date="2026-05-09")
    # The hearing request reaches the penalty case running inside the disposal case.
    case.message("hearing_request", applicant="福建某某电器有限公司")
    assert case.ready_names() == ["pc_hearing"]
    move_to(case, clock, date(2026, 5, 18))
    case.complete("pc_hearing")
    case.complete("pc_legal_review", request_decision_extension=False)
    # Opened 05-09; the 9 hearing days (05-09..05-18) extend the 90 days: Sunday 08-16 -> Monday 08-17.
    assert beijing_date(case.task("pc_decision").due_at) == date(2026, 8, 17)
    case.complete("pc_decision", decision_result="penalty", decision_no="闽侯市监罚〔2026〕8号",
                  decision_date="2026-05-18", fine_amount="258000.00", confiscation_amount="86000.00",
                  is_heavier_penalty=False, is_major_case=True, meets_referral_threshold=False)
    case.complete("cd_disclosure", disclosure_date="2026-05-20")
    assert case.status() == ("closed", "completed")
    # The penalty case listed the major case; the disposal does not list it a second time.
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["source_decision_no"] == "闽侯市监罚〔2026〕8号"
    facts = case.case.facts
    assert (facts["decision_no"], facts["fine_amount"], facts["second_recheck_result"]) == \
        ("闽侯市监罚〔2026〕8号", "258000.00", "fail")
