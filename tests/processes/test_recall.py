"""recall (缺陷产品召回) driven through the persisted engine with frozen time."""
from datetime import date

from tests.processes.conftest import beijing_date, move_to, unit_code

REASON = {"reason": "监督抽查发现电动自行车充电器存在起火隐患"}


def open_recall(open_case_for, org_code="350121"):
    return open_case_for("recall", org_code=org_code, facts=REASON, product_category="e_bike_charger_battery",
                         product_name="电动自行车充电器", is_key_product=True)


def test_no_defect_found_ends_the_recall(clock, open_case_for):
    case = open_recall(open_case_for)
    row = case.task("rc_investigation")
    # 30 days from 03-02.
    assert (row.department_code, unit_code(row), beijing_date(row.due_at)) == \
        ("quality_development", "350121", date(2026, 4, 1))
    case.complete("rc_investigation", defect_confirmed=False, recall_type="voluntary", injury_reported=False)
    assert case.status() == ("closed", "completed")


def test_ordered_recall_with_rejected_plan_overdue_report_and_ineffective_first_round(clock, open_case_for):
    case = open_recall(open_case_for)
    case.complete("rc_investigation", defect_confirmed=True, recall_type="ordered", injury_reported=True)
    injury = case.task("rc_injury_report")
    # Death or serious injury: verified and reported within 2 working days.
    assert (injury.department_code, unit_code(injury), beijing_date(injury.due_at)) == \
        ("consumer_protection", "350121", date(2026, 3, 4))
    case.complete("rc_injury_report", casualties=1)
    order = case.task("rc_order")
    # Recall belongs to quality development (DOMAIN.md section 3); injury reports stay with consumer protection.
    assert (order.department_code, unit_code(order)) == ("quality_development", "350121")
    case.complete("rc_order")
    case.complete("rc_plan", plan_accepted=False)
    case.complete("rc_plan", plan_accepted=True, planned_quantity=5000)
    progress = case.task("rc_progress")
    # A progress report every 30 days: the first is due 04-01.
    assert beijing_date(progress.due_at) == date(2026, 4, 1)
    case.complete("rc_progress", recalled_quantity=1200, recall_completed=False)
    assert beijing_date(case.task("rc_progress").due_at) == date(2026, 4, 1)

    move_to(case, clock, date(2026, 4, 2))
    # The overdue report is withdrawn and the city office urges the enterprise.
    assert case.ready_names() == ["rc_urge"]
    assert unit_code(case.task("rc_urge")) == "350100"
    case.complete("rc_urge")
    # The next report is due 30 days after the urging, 05-02 falls in Labour Day: 05-06.
    assert beijing_date(case.task("rc_progress").due_at) == date(2026, 5, 6)
    case.complete("rc_progress", recalled_quantity=3000, recall_completed=True)
    case.complete("rc_summary", recalled_quantity=3000)
    check = case.task("rc_check")
    assert (check.department_code, unit_code(check)) == ("quality_development", "350121")
    case.complete("rc_check", recall_effective="ineffective")
    assert case.ready_names() == ["rc_plan"]
    case.complete("rc_plan", plan_accepted=True)
    case.complete("rc_progress", recalled_quantity=4900, recall_completed=True)
    case.complete("rc_summary", recalled_quantity=4900)
    case.complete("rc_check", recall_effective="effective")
    assert case.status() == ("closed", "completed")
    assert (case.case.facts["recall_type"], case.case.facts["recalled_quantity"]) == ("ordered", 4900)


def test_voluntary_recall_goes_straight_to_the_plan(clock, open_case_for):
    case = open_recall(open_case_for, org_code="350100")
    case.complete("rc_investigation", defect_confirmed=True, recall_type="voluntary")
    assert case.ready_names() == ["rc_plan"]
    assert unit_code(case.task("rc_plan")) == "350100"
    case.complete("rc_plan", plan_accepted=True)
    case.complete("rc_progress", recalled_quantity=800, recall_completed=True)
    case.complete("rc_summary", recalled_quantity=800)
    case.complete("rc_check", recall_effective="effective")
    assert case.status() == ("closed", "completed")
