"""penalty_case: the hearing-request window runs from the recorded service of the 行政处罚事先告知书, and a
statement of defence (陈述申辩) is taken inside that window without closing it."""
from datetime import date

from tests.processes.conftest import move_to
from tests.processes.test_penalty_case import REASON, open_and_investigate
from tests.processes.test_service_clocks import serve, waits

WINDOW = "等待听证申请"


def at_pre_notice(open_case_for):
    case = open_case_for("penalty_case", facts=REASON)
    open_and_investigate(case)
    case.complete("pc_investigation", needs_testing=False, seizure_applied=False)
    return case


def test_hearing_window_runs_5_working_days_from_the_recorded_service(clock, open_case_for):
    case = at_pre_notice(open_case_for)
    clerk = case.user_for(case.task("pc_pre_notice"))
    case.complete("pc_pre_notice", pre_notice_date=None)
    assert WINDOW not in waits(case)
    assert "行政处罚事先告知书已送达" in waits(case)
    move_to(case, clock, date(2026, 3, 4))
    serve(case, clerk, "penalty_pre_notice", date(2026, 3, 4))
    assert case.case.facts["penalty_pre_notice_served_on"] == "2026-03-04"
    # Five working days after Wednesday 03-04: open through Wednesday 03-11.
    assert waits(case)[WINDOW] == date(2026, 3, 11)
    move_to(case, clock, date(2026, 3, 11))
    assert case.ready_names() == []
    move_to(case, clock, date(2026, 3, 12))
    assert case.ready_names() == ["pc_legal_review"]


def test_statement_of_defence_keeps_the_window_and_a_hearing_can_still_be_requested(clock, open_case_for):
    case = at_pre_notice(open_case_for)
    case.complete("pc_pre_notice", pre_notice_date="2026-03-02")
    assert waits(case)[WINDOW] == date(2026, 3, 9)
    case.message("statement_of_defence", received_date="2026-03-03", note="违法行为系初次，且已主动召回")
    # Still waiting, and not longer: the window keeps its end.
    assert case.ready_names() == []
    assert waits(case)[WINDOW] == date(2026, 3, 9)
    case.message("hearing_request", received_date="2026-03-05", note="申请听证")
    assert case.ready_names() == ["pc_hearing"]


def test_statement_of_defence_then_the_window_closes_to_legal_review(clock, open_case_for):
    case = at_pre_notice(open_case_for)
    case.complete("pc_pre_notice", pre_notice_date="2026-03-02")
    case.message("statement_of_defence", received_date="2026-03-03", note="陈述申辩")
    case.message("statement_of_defence", received_date="2026-03-04", note="补充陈述申辩")
    move_to(case, clock, date(2026, 3, 10))
    assert case.ready_names() == ["pc_legal_review"]
