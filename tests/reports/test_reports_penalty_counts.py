"""A penalty decided as the call activity inside a failed-sample case counts in the weekly report."""
import re
from datetime import date

from app.reports.services import ensure_report
from app.reports.statutory import DECISION_KINDS, build_report_figures, weekly_period
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, clock, library, move_to, open_case_for  # noqa: F401  (fixtures)
from tests.processes.test_failed_sample_disposal import notify, open_disposal


def _decided_inside_disposal(clock, open_case_for):  # noqa: F811
    case = open_disposal(open_case_for)
    notify(case, "2026-03-03")
    case.complete("fs_stop_sale", stop_sale_order_date="2026-03-02")
    case.complete("fs_traceback", producer_location="local", producer_region_code="350121")
    case.complete("pc_lead_check", open_decision="open", request_open_extension=False, lead_needs_testing=False)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    move_to(case, clock, date(2026, 5, 9))
    case.complete("pc_pre_notice", pre_notice_date="2026-05-09")
    move_to(case, clock, date(2026, 5, 18))
    case.complete("pc_legal_review", request_decision_extension=False)
    case.complete("pc_decision", decision_result="penalty", decision_no="闽侯市监罚〔2026〕9号",
                  decision_date="2026-05-18", fine_amount="36000.00", confiscation_amount="3000.00",
                  is_heavier_penalty=False, is_major_case=False, meets_referral_threshold=False)
    return case


def test_decision_in_a_failed_sample_case_counts_for_the_county_city_and_province(clock, open_case_for):  # noqa: F811
    case = _decided_inside_disposal(clock, open_case_for)
    assert case.case.kind == "failed_sample_disposal" and case.case.facts["decision_no"]
    week = weekly_period(date(2026, 5, 21))  # 05-14 .. 05-20 holds the decision of 05-18
    for code in ("350121", "350100", "350000"):
        figures = build_report_figures("weekly", unit_by_code(code), week)["period"]
        assert (figures["penalty_decisions"], figures["fines"], figures["confiscations"]) == (1, "36000.00", "3000.00")
    before = build_report_figures("weekly", unit_by_code("350121"), weekly_period(date(2026, 5, 14)))["period"]
    assert (before["penalty_decisions"], before["fines"]) == (0, "0.00")
    report, _ = ensure_report("weekly", unit_by_code("350100"), week)
    assert report.figures["cumulative"]["penalty_decisions"] == 1


def test_every_process_that_calls_the_penalty_case_is_counted():
    callers = {path.stem for path in PROCESSES.glob("*.bpmn")
               if re.search(r'calledElement="penalty_case"', path.read_text(encoding="utf-8"))}
    assert callers  # the library does call it
    assert callers | {"penalty_case"} <= set(DECISION_KINDS)
