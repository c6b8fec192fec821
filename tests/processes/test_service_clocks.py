"""Clocks that run from service (送达): recording a document's service through app/documents starts them.

The clerk records the service of the official document (检验结果通知书, 责令改正通知书, 行政处罚事先告知书)
with the documents service; the process catches `served:<kind>` and counts its window from that day.
"""
from datetime import date

from app.documents.service_of import record_service
from app.documents.services import issue_document
from app.engine.waits import case_waits
from tests.processes.conftest import beijing_date, move_to, routed
from tests.processes.test_failed_sample_disposal import close_side_tracks, open_disposal, register


def waits(case):
    """{wait title: Beijing date it ends} of the case's running instances."""
    return {w.title: beijing_date(w.until) if w.until else None for w in case_waits(case.case.id)}


def serve(case, clerk, kind, served_on):
    """Issue the document of `kind` and record its direct service on `served_on`."""
    doc = issue_document(case.case, clerk, kind, "正文")
    return record_service(case.case, clerk, doc, method="direct", served_on=served_on, recipient="企业负责人")


def test_objection_window_runs_from_the_recorded_service_of_the_notice(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    clerk = case.user_for(case.task("fs_notice"))
    case.complete("fs_notice", notice_date="2026-03-02", notice_served_date=None)
    # No service date on the form: the window has not started, the case waits for the notice's service.
    assert "等待异议" not in waits(case)
    assert "检验结果通知书已送达" in waits(case)
    move_to(case, clock, date(2026, 3, 5))
    serve(case, clerk, "inspection_result_notice", date(2026, 3, 5))
    assert case.case.facts["inspection_result_notice_served_on"] == "2026-03-05"
    # Industrial product: 15 days from the day of service.
    assert waits(case)["等待异议"] == date(2026, 3, 20)
    move_to(case, clock, date(2026, 3, 20))
    assert "fs_orders" not in case.ready_names()
    move_to(case, clock, date(2026, 3, 21))
    assert "fs_orders" in case.ready_names()


def test_food_notice_served_before_the_notice_task_is_done_counts_7_working_days(clock, open_case_for):
    case = open_disposal(open_case_for, is_food=True)
    register(case)
    clerk = case.user_for(case.task("fs_notice"))
    # Served on Tuesday before the clerk completes the notice task: the message is kept until caught.
    move_to(case, clock, date(2026, 3, 3))
    serve(case, clerk, "inspection_result_notice", date(2026, 3, 3))
    case.complete("fs_notice", notice_date="2026-03-03", notice_served_date=None)
    assert waits(case)["等待异议"] == date(2026, 3, 12)


def test_service_date_typed_on_the_form_still_starts_the_window(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    case.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-04")
    assert waits(case)["等待异议"] == date(2026, 3, 19)
    assert "检验结果通知书已送达" not in waits(case)


def order_to_rectify(case, clock):
    """Notice served 03-03 on the form, no objection: the order to rectify is due after 03-18."""
    register(case)
    case.complete("fs_notice", notice_date="2026-03-03", notice_served_date="2026-03-03")
    close_side_tracks(case)
    move_to(case, clock, date(2026, 3, 19))
    assert case.ready_names() == ["fs_orders"]


def test_rectification_and_recheck_run_from_the_recorded_service_of_the_order(clock, open_case_for):
    case = open_disposal(open_case_for)
    order_to_rectify(case, clock)
    clerk = case.user_for(case.task("fs_orders"))
    case.complete("fs_orders", rectify_order_date="2026-03-19", rectify_served_date=None, recall_needed=True)
    # The recall does not wait for the service; the re-check does.
    assert case.follow_up("recall").ready_names() == ["rc_investigation"]
    assert case.ready_names() == []
    assert "责令改正通知书已送达" in waits(case)
    move_to(case, clock, date(2026, 3, 23))
    serve(case, clerk, "rectification_order", date(2026, 3, 23))
    # Re-check within 75 days of service (not of the order): Saturday 06-06, due the next working day.
    assert routed(case.task("fs_recheck")) == ("quality_supervision", "350121", date(2026, 6, 8))
    assert "责令改正通知书已送达" not in waits(case)


def test_order_served_the_day_it_is_recorded_on_the_form_counts_from_that_day(clock, open_case_for):
    case = open_disposal(open_case_for)
    order_to_rectify(case, clock)
    case.complete("fs_orders", rectify_order_date="2026-03-19", rectify_served_date="2026-03-20",
                  recall_needed=False)
    assert routed(case.task("fs_recheck")) == ("quality_supervision", "350121", date(2026, 6, 3))
