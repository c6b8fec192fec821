"""What must agree across the disposal's steps is refused beside its field, every problem at once."""
from app.cases.step_checks import step_problems
from app.formdefs.registry import get_registry
from app.inbox.services import submit_task
from app.seed.autofill import sample_form_data
from app.seed.reference import unit_by_code
from tests.processes.test_failed_sample_disposal import open_disposal, register


def submit(case, spec_name, **values):
    """Submit the task's form as the page does (plausible values, `values` on top); returns the outcome."""
    task = case.task(spec_name)
    form = get_registry().get(task.form_key)
    return submit_task(task.id, case.user_for(task), form, sample_form_data(form, case.rng, values))


def to_retest(case):
    register(case)
    case.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-03")
    case.message("objection", reason="申请复检")
    case.complete("fs_assign_retest", retest_body_code="JC0004")


def test_retest_by_the_first_lab_is_refused_beside_the_field(clock, open_case_for):
    case = open_disposal(open_case_for)
    to_retest(case)
    outcome = submit(case, "fs_retest", retest_lab=" 福建省产品质量检验研究院 ", retest_date="2026-03-05",
                     retest_conclusion="pass")
    assert outcome.errors == {"retest_lab": ["复检须由初检机构（福建省产品质量检验研究院）以外的检验机构承担"]}
    assert "fs_retest" in case.ready_names()
    outcome = submit(case, "fs_retest", retest_lab="国家电线电缆质量检验检测中心", retest_date="2026-03-05",
                     retest_conclusion="fail")
    assert outcome.errors == {}
    assert "fs_orders" in case.ready_names()


def test_engaging_the_first_lab_for_the_retest_is_refused(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    case.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-03")
    case.message("objection", reason="申请复检")
    outcome = submit(case, "fs_assign_retest", retest_body_code="JC0001", retest_entrust_date="2026-03-04")
    assert outcome.errors == {"retest_body_code": ["复检须由初检机构（福建省产品质量检验研究院）以外的检验机构承担"]}
    assert submit(case, "fs_assign_retest", retest_body_code="JC0003", retest_entrust_date="2026-03-04").errors == {}
    assert case.task("fs_retest").org_unit_id == unit_by_code("JC0003").id


def test_every_problem_is_reported_at_once(clock, open_case_for):
    case = open_disposal(open_case_for)
    to_retest(case)
    outcome = submit(case, "fs_retest", retest_lab="福建省产品质量检验研究院", retest_date="2026-02-01",
                     retest_report_no="")
    assert outcome.errors == {"retest_lab": ["复检须由初检机构（福建省产品质量检验研究院）以外的检验机构承担"],
                              "retest_date": ["复检日期不得早于初检日期（2026-02-26）"],
                              "retest_report_no": outcome.errors["retest_report_no"]}
    assert outcome.errors["retest_report_no"]


def test_dates_before_the_registration_or_the_fact_they_follow_are_refused(clock, open_case_for):
    case = open_disposal(open_case_for)
    problems = step_problems(case.case.id, "fs_register", {"test_date": "2026-02-26",
                                                           "report_received_date": "2026-02-20"})
    assert problems == {"report_received_date": ["收到报告日期不得早于检验日期"]}
    register(case)
    outcome = submit(case, "fs_notice", notice_date="2026-03-04", notice_served_date="2026-03-03")
    assert outcome.errors == {"notice_served_date": ["送达日期不得早于告知日期（2026-03-04）"]}
    outcome = submit(case, "fs_stop_sale", stop_sale_order_date="2025-12-02")
    assert outcome.errors == {"stop_sale_order_date": ["下达日期不得早于检验结果登记日期（2026-03-02）"]}


def test_an_announcement_before_the_recheck_is_refused_and_no_timer_fires(clock, open_case_for):
    case = open_disposal(open_case_for)
    to_retest(case)
    case.complete("fs_retest", retest_lab="国家电线电缆质量检验检测中心", retest_conclusion="fail")
    case.complete("fs_orders", rectify_order_date="2026-03-04", recall_needed=False)
    case.complete("fs_recheck", recheck_result="fail", rectification_overdue=False, recheck_date="2026-03-05")
    case.complete("fs_escalate", escalation_date="2026-03-05")
    outcome = submit(case, "fs_announcement", announcement_date="2025-12-01")
    assert outcome.errors == {"announcement_date": ["公告日期不得早于检验结果登记日期（2026-03-02）",
                                                    "公告日期不得早于复查日期（2026-03-05）"]}
    assert "fs_announcement" in case.ready_names() and "fs_second_recheck" not in case.ready_names()


def test_trace_back_jurisdiction_must_match_the_region(clock, open_case_for):
    case = open_disposal(open_case_for)
    register(case)
    outcome = submit(case, "fs_traceback", producer_location="other_bureau", producer_region_code="350121")
    assert outcome.errors == {"producer_location": ["该行政区划属本局管辖，无需向其他局发出协查函"]}
    outcome = submit(case, "fs_traceback", producer_location="local", producer_region_code="350582")
    assert outcome.errors == {"producer_location": ["该行政区划属晋江市市场监督管理局管辖，请选择省内其他局（发出协查函）"]}
    outcome = submit(case, "fs_traceback", producer_location="other_bureau", producer_region_code="330102")
    assert outcome.errors == {"producer_location": ["该行政区划不在本省，请选择外省（登记外省协查函）"]}
    assert "fs_traceback" in case.ready_names()
