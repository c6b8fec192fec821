"""penalty_case (行政处罚案件) and its called credit_disclosure, driven through the persisted engine."""
from datetime import date, timedelta

from app.seed.reference import unit_by_code
from tests.processes.conftest import beijing_date, move_to, routed, unit_code

REASON = {"reason": "监督抽查不合格，涉嫌生产不符合保障人体健康和人身、财产安全的国家标准的产品"}


def test_lead_check_goes_to_the_case_bureau_and_not_opening_closes_the_case(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    row = case.task("pc_lead_check")
    # 15 working days from Monday 2026-03-02, the first day not counted.
    assert routed(row) == ("enforcement", "350121", date(2026, 3, 23))
    case.complete("pc_lead_check", open_decision="not_open", request_open_extension=False)
    assert case.ready_names() == []
    assert case.status() == ("closed", "completed")
    assert case.case.facts["open_decision"] == "not_open"


def test_extended_lead_check_runs_to_30_working_days_across_qingming_then_escalates(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=True)
    assert case.ready_names() == ["pc_open_extension"]
    case.complete("pc_open_extension", extension_approved=True)
    row = case.task("pc_lead_check")
    # 30 working days: Qingming 2026-04-04..06 are skipped, so the limit is Tuesday 04-14.
    assert beijing_date(row.due_at) == date(2026, 4, 14)

    move_to(case, clock, date(2026, 4, 14))
    assert case.ready_names() == ["pc_lead_check"]
    move_to(case, clock, date(2026, 4, 15))
    supervise = case.task("pc_lead_supervise")
    assert (supervise.department_code, unit_code(supervise)) == ("enforcement", "350100")
    assert case.ready_names() == ["pc_lead_check", "pc_lead_supervise"]

    # Asking again after one extension gets no second one: the decision stands.
    case.complete("pc_lead_check", open_decision="not_open", request_open_extension=True)
    assert case.ready_names() == ["pc_lead_supervise"]
    case.complete("pc_lead_supervise")
    assert case.status() == ("closed", "completed")


def test_refused_open_extension_returns_to_the_lead_check_with_the_original_limit(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=True)
    case.complete("pc_open_extension", extension_approved=False)
    assert beijing_date(case.task("pc_lead_check").due_at) == date(2026, 3, 23)


def test_testing_before_opening_stops_the_15_working_day_clock(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False, lead_needs_testing=True)
    testing = case.task("pc_testing")
    assert (testing.department_code, unit_code(testing)) == ("testing_body", "350121")
    move_to(case, clock, date(2026, 3, 9))
    case.complete("pc_testing")
    # Five working days of testing (03-03..03-09) are added: 03-23 becomes 03-30.
    assert beijing_date(case.task("pc_lead_check").due_at) == date(2026, 3, 30)
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False, lead_needs_testing=False)
    # The 90 days run from the opening day (03-09) and owe nothing to the earlier stop: Sunday 06-07 -> 06-08.
    assert beijing_date(case.task("pc_investigation").due_at) == date(2026, 6, 8)


def open_and_investigate(case):
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False)
    return case.task("pc_investigation")


def test_full_case_with_clock_stops_extension_referral_listing_and_follow_up(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    row = open_and_investigate(case)
    # 90 days from opening on 03-02 is Sunday 05-31: moved to Monday 06-01.
    assert routed(row) == ("enforcement", "350121", date(2026, 6, 1))

    case.complete("pc_investigation", needs_testing=True, seizure_applied=False)
    testing = case.task("pc_testing")
    assert (testing.department_code, unit_code(testing)) == ("testing_body", "350121")
    move_to(case, clock, date(2026, 3, 12))
    case.complete("pc_testing")
    # Ten days of testing do not count: the limit moves to 06-10.
    assert beijing_date(case.task("pc_investigation").due_at) == date(2026, 6, 10)

    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    case.complete("pc_pre_notice", pre_notice_date="2026-03-12")
    case.message("hearing_request", applicant="当事人", received="2026-03-13")
    assert case.ready_names() == ["pc_hearing"]
    move_to(case, clock, date(2026, 3, 17))
    case.complete("pc_hearing")
    case.complete("pc_legal_review", request_decision_extension=True)
    case.complete("pc_decision_extension", extension_approved=True)
    case.complete("pc_legal_review", request_decision_extension=False)
    decision = case.task("pc_decision")
    # 90 + 30 days extended + 10 days testing + 5 days hearing = 135 days from 03-02.
    assert routed(decision) == ("enforcement", "350121", date(2026, 7, 15))

    case.complete("pc_decision", decision_result="penalty", decision_no="榕闽市监罚〔2026〕12号",
                  decision_date="2026-09-21", fine_amount="150000.00", confiscation_amount="20000.00",
                  is_heavier_penalty=True, is_major_case=True, meets_referral_threshold=True)
    approval = case.task("pc_referral_approval")
    assert beijing_date(approval.due_at) == date(2026, 3, 20)
    case.complete("pc_referral_approval", referral_approved=True)
    transfer = case.task("pc_police_transfer")
    assert transfer.due_at - transfer.created_at == timedelta(hours=24)
    case.complete("pc_police_transfer", referred_to_police=True)

    disclosure = case.task("cd_disclosure")
    # 20 working days after 09-21 across Mid-Autumn (09-25) and National Day 2026 (10-01..07 off,
    # Saturday 10-10 worked): Monday 10-26.
    assert routed(disclosure) == ("credit", "350121", date(2026, 10, 26))
    case.complete("cd_disclosure")
    case.complete("cd_listing_review", propose_listing=True)
    consent = case.task("cd_consent_city")
    assert (consent.department_code, unit_code(consent)) == ("credit", "350100")
    case.complete("cd_consent_city", upper_consent=True)
    case.complete("cd_listing", listing_decision_no="榕市监信〔2026〕3号")
    assert case.status() == ("closed", "completed")
    facts = case.case.facts
    assert (facts["decision_no"], facts["fine_amount"], facts["referred_to_police"]) == \
        ("榕闽市监罚〔2026〕12号", "150000.00", True)
    listing = case.follow_up("listed_supervision")
    assert listing.case.facts["source_decision_no"] == "榕闽市监罚〔2026〕12号"
    assert listing.case.org_unit_id == unit_by_code("350121").id


def test_seizure_is_extended_once_then_escalates_when_its_30_more_days_run_out(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    open_and_investigate(case)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=True, seizure_date="2026-03-03")
    # 30 days from 03-03 is Thursday 04-02.
    assert routed(case.task("pc_seizure")) == ("enforcement", "350121", date(2026, 4, 2))
    case.complete("pc_seizure", seizure_action="extend")
    # 60 days from 03-03 is Saturday 05-02, inside the Labour Day holiday (05-01..05): Wednesday 05-06.
    assert beijing_date(case.task("pc_seizure").due_at) == date(2026, 5, 6)
    case.complete("pc_seizure", seizure_action="extend")
    # Only one extension: the second request goes on to the pre-decision notice.
    assert case.ready_names() == ["pc_pre_notice"]


def test_expired_seizure_is_supervised_by_the_city_while_still_open(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    open_and_investigate(case)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=True, seizure_date="2026-03-03")
    move_to(case, clock, date(2026, 4, 3))
    assert case.ready_names() == ["pc_seizure", "pc_seizure_supervise"]
    assert unit_code(case.task("pc_seizure_supervise")) == "350100"
    case.complete("pc_seizure_supervise")
    case.complete("pc_seizure", seizure_action="release")
    assert case.ready_names() == ["pc_pre_notice"]


def test_investigation_running_past_the_90_days_is_supervised_by_the_city(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    open_and_investigate(case)
    move_to(case, clock, date(2026, 6, 1))
    assert case.ready_names() == ["pc_investigation"]
    move_to(case, clock, date(2026, 6, 2))
    assert case.ready_names() == ["pc_decision_supervise", "pc_investigation"]
    assert unit_code(case.task("pc_decision_supervise")) == "350100"


def test_no_hearing_request_then_overdue_decision_escalates_and_no_penalty_closes(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    open_and_investigate(case)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    case.complete("pc_pre_notice", pre_notice_date="2026-03-02")
    # Five working days after 03-02: the window is open through Monday 03-09.
    move_to(case, clock, date(2026, 3, 9))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 3, 10))
    assert case.ready_names() == ["pc_legal_review"]
    case.complete("pc_legal_review", request_decision_extension=False)
    assert beijing_date(case.task("pc_decision").due_at) == date(2026, 6, 1)
    move_to(case, clock, date(2026, 6, 2))
    supervise = case.task("pc_decision_supervise")
    assert (supervise.department_code, unit_code(supervise)) == ("enforcement", "350100")
    case.complete("pc_decision", decision_result="no_penalty", fine_amount="0.00", confiscation_amount="0.00",
                  is_heavier_penalty=False, is_major_case=False, meets_referral_threshold=False)
    assert case.ready_names() == ["pc_decision_supervise"]
    case.complete("pc_decision_supervise")
    assert case.status() == ("closed", "completed")
    assert case.follow_ups() == []


def decide(case, **values):
    """Open, investigate, notice without hearing, review and decide (all on 03-02)."""
    open_and_investigate(case)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    case.complete("pc_pre_notice", pre_notice_date="2026-02-20")
    case.fire_timers()
    case.complete("pc_legal_review", request_decision_extension=False)
    defaults = dict(decision_result="penalty", decision_no="闽市监罚〔2026〕1号", decision_date="2026-03-02",
                    fine_amount="50000.00", confiscation_amount="0.00", is_heavier_penalty=False,
                    is_major_case=False, meets_referral_threshold=False)
    case.complete("pc_decision", **{**defaults, **values})


def test_city_case_listing_needs_province_consent_and_a_refusal_ends_unlisted(clock, open_case_for):
    case = open_case_for("penalty_case", org_code="350100", facts=REASON)
    decide(case, is_heavier_penalty=True, meets_referral_threshold=True)
    case.complete("pc_referral_approval", referral_approved=False)
    assert routed(case.task("cd_disclosure")) == ("credit", "350100", date(2026, 3, 30))
    # Not disclosed within 20 working days: the city's own credit office is reminded.
    move_to(case, clock, date(2026, 3, 31))
    assert case.ready_names() == ["cd_disclosure", "cd_disclosure_supervise"]
    case.complete("cd_disclosure_supervise")
    case.complete("cd_disclosure")
    case.complete("cd_listing_review", propose_listing=True)
    consent = case.task("cd_consent_province")
    assert (consent.department_code, unit_code(consent)) == ("credit", "350000")
    case.complete("cd_consent_province", upper_consent=False)
    assert case.status() == ("closed", "completed")
    assert "referred_to_police" not in case.case.facts


def test_province_case_lists_without_consent_and_heavier_penalty_may_stay_unlisted(clock, open_case_for):
    case = open_case_for("penalty_case", org_code="350000", facts=REASON)
    decide(case, is_heavier_penalty=True)
    case.complete("cd_disclosure")
    case.complete("cd_listing_review", propose_listing=True)
    assert case.ready_names() == ["cd_listing"]
    case.complete("cd_listing")
    assert case.status() == ("closed", "completed")

    other = open_case_for("penalty_case", org_code="350121", facts=REASON)
    decide(other, is_heavier_penalty=True)
    other.complete("cd_disclosure")
    other.complete("cd_listing_review", propose_listing=False)
    assert other.status() == ("closed", "completed")


def test_ordinary_penalty_is_disclosed_and_closed_without_listing_or_referral(clock, open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    decide(case)
    assert case.ready_names() == ["cd_disclosure"]
    case.complete("cd_disclosure", disclosure_date="2026-03-05")
    assert case.status() == ("closed", "completed")
    assert case.case.facts["disclosure_date"] == "2026-03-05"
    assert case.follow_ups() == []


def test_county_listing_without_upper_consent_when_the_setting_is_off(clock, open_case_for, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISHONESTY_LISTING_NEEDS_UPPER_CONSENT", False)
    case = open_case_for("penalty_case", org_code="350121", facts=REASON)
    decide(case, is_heavier_penalty=True)
    case.complete("cd_disclosure")
    case.complete("cd_listing_review", propose_listing=True)
    assert case.ready_names() == ["cd_listing"]
    assert unit_code(case.task("cd_listing")) == "350121"
