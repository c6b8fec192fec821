"""监督抽查任务 (supervision_sampling): plan, sampling, testing, report; one disposal case per failed batch."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.engine.deploy import deploy_files
from app.seed.reference import unit_by_code
from tests.processes.conftest import PROCESSES, beijing_date

KIND = "supervision_sampling"
# Each failed batch opens a failed_sample_disposal case; it calls the penalty and credit processes.
FILES = ("supervision_sampling", "failed_sample_disposal", "penalty_case", "credit_disclosure", "listed_supervision",
         "recall", "assist_request")
FACTS = {"plan_name": "2026年第一季度电线电缆产品质量监督抽查", "sample_count": 3, "sampling_due": "2026-04-04"}


@pytest.fixture()
def library(db_session):
    """This process and those it opens (other files are still being written), forms checked."""
    files = {f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in FILES if (PROCESSES / f"{k}.bpmn").exists()}
    assert "failed_sample_disposal.bpmn" in files
    return {r.key: r for r in deploy_files(files)}


def assert_task(driver, spec_name, due, department, org="350100"):
    row = driver.task(spec_name)
    assert (row.department_code, row.org_unit_id) == (department, unit_by_code(org).id), spec_name
    assert beijing_date(row.due_at) == due, spec_name
    return row


def batch(enterprise, n, conclusion, **kw):
    row = {"sample_no": f"CC2026{n:04d}", "test_report_no": f"BG-2026-{n:04d}", "product_category": "wire_cable",
           "product_name": f"聚氯乙烯绝缘电缆{n}号", "is_key_product": True, "enterprise_uscc": enterprise.uscc,
           "enterprise_name": enterprise.name, "conclusion": conclusion, "failed_item": None, "item_limit": None,
           "measured": None, "is_safety": False, "is_consumer_product": False, "goods_value": "0"}
    if conclusion == "fail":
        row.update(failed_item="导体电阻", item_limit="≤1.83 Ω/km", measured="2.41 Ω/km", is_safety=True,
                   goods_value="12800.00")
    row.update(kw)
    return row


def run_to_report(open_case_for, clock):
    case = open_case_for(KIND, "350100", facts=dict(FACTS), product_category="wire_cable", is_key_product=True)
    assert case.ready_names() == ["ss_plan"]
    assert_task(case, "ss_plan", date(2026, 3, 9), "quality_supervision")
    case.complete("ss_plan", testing_body_code="JC0003")
    # The engaged testing body (an outside institution with its own accounts) samples, tests and reports.
    # Saturday 4 April 2026 is in the Qingming holiday (4-6 April): the sampling is due Tuesday 7 April.
    assert_task(case, "ss_sampling", date(2026, 4, 7), "testing_body", "JC0003")
    case.travel(clock, timedelta(days=14))  # Monday 16 March
    case.complete("ss_sampling")
    assert_task(case, "ss_testing", date(2026, 4, 14), "testing_body", "JC0003")  # 20 WD, Qingming 4-6 April off
    case.complete("ss_testing")
    assert_task(case, "ss_report", date(2026, 3, 23), "testing_body", "JC0003")
    return case


def test_all_batches_pass_no_disposal_case(library, clock, open_case_for, make_enterprise):
    case = run_to_report(open_case_for, clock)
    ent = make_enterprise()
    case.complete("ss_report", batches=[batch(ent, 1, "pass"), batch(ent, 2, "pass")])
    assert case.ready_names() == ["ss_summary"]
    assert case.follow_ups() == []
    case.complete("ss_summary")
    assert case.status() == ("closed", "completed")
    assert [b["conclusion"] for b in case.case.facts["batches"]] == ["pass", "pass"]


def test_one_failed_batch_opens_one_disposal_case_with_its_facts(library, clock, open_case_for, make_enterprise):
    case = run_to_report(open_case_for, clock)
    good, bad = make_enterprise(), make_enterprise()
    case.complete("ss_report", test_lab="福建省产品质量检验研究院", report_date="2026-03-16", is_food=False,
                  batches=[batch(good, 1, "pass"), batch(bad, 2, "fail", is_consumer_product=True, brand="闽缆",
                                                         model_spec="BV 2.5mm²", batch_or_date="2026-01-08",
                                                         standard="GB/T 5023.3-2008")])
    disposal = case.follow_up("failed_sample_disposal")
    facts = disposal.case.facts
    assert (facts["sample_no"], facts["test_report_no"], facts["test_lab"], facts["test_date"]) == \
        ("CC20260002", "BG-2026-0002", "福建省产品质量检验研究院", "2026-03-16")
    assert facts["failed_items"] == [{"item": "导体电阻", "limit": "≤1.83 Ω/km", "measured": "2.41 Ω/km",
                                      "is_safety": True}]
    assert (facts["is_food"], facts["is_consumer_product"], facts["goods_value"]) == (False, True, 12800.0)
    assert disposal.case.enterprise_id == bad.id
    assert (disposal.case.product_category, disposal.case.is_key_product) == ("wire_cable", True)
    # The product's record fields (DOMAIN.md section 4) travel with the failed batch.
    assert (facts["brand"], facts["model_spec"], facts["batch_or_date"], facts["standard"]) == \
        ("闽缆", "BV 2.5mm²", "2026-01-08", "GB/T 5023.3-2008")
    # The disposal runs in the bureau of the enterprise's registered region (闽侯县, 350121); the city
    # bureau that organised the sampling is recorded and follows it.
    assert disposal.case.org_unit_id == unit_by_code("350121").id
    assert (facts["organising_unit_code"], facts["parent_case_number"]) == ("350100", case.case.number)
    assert disposal.ready_names() == ["fs_register"]  # its own lifecycle has started
    assert disposal.task("fs_register").org_unit_id == unit_by_code("350121").id
    case.complete("ss_summary")
    assert case.status() == ("closed", "completed")
    assert disposal.status() == ("open", "running")


def test_three_failed_batches_open_three_disposal_cases(library, clock, open_case_for, make_enterprise):
    case = run_to_report(open_case_for, clock)
    ents = [make_enterprise() for _ in range(4)]
    rows = [batch(ents[0], 1, "fail"), batch(ents[1], 2, "pass"), batch(ents[2], 3, "fail"),
            batch(ents[3], 4, "fail", is_key_product=False)]
    case.complete("ss_report", batches=rows)
    opened = case.follow_ups("failed_sample_disposal")
    assert sorted(c.facts["sample_no"] for c in opened) == ["CC20260001", "CC20260003", "CC20260004"]
    assert sorted(c.enterprise_id for c in opened) == sorted([ents[0].id, ents[2].id, ents[3].id])
    assert [c.is_key_product for c in sorted(opened, key=lambda c: c.facts["sample_no"])] == [True, True, False]
    # Later steps of the sampling case do not open them again.
    case.complete("ss_summary")
    assert len(case.follow_ups("failed_sample_disposal")) == 3
    assert case.status() == ("closed", "completed")


def test_failed_batch_without_a_named_item_opens_a_case_with_no_failed_items(library, clock, open_case_for,
                                                                             make_enterprise):
    case = run_to_report(open_case_for, clock)
    case.complete("ss_report", batches=[batch(make_enterprise(), 7, "fail", failed_item=None)])
    disposal = case.follow_up("failed_sample_disposal")
    assert disposal.case.facts["failed_items"] == []


def test_province_sampling_failure_is_handed_to_the_enterprise_county_bureau(library, clock, open_case_for,
                                                                              make_enterprise):
    case = open_case_for(KIND, "350000", facts=dict(FACTS), product_category="wire_cable", is_key_product=True)
    assert case.task("ss_plan").org_unit_id == unit_by_code("350000").id
    case.complete("ss_plan", testing_body_code="JC0001")
    for step in ("ss_sampling", "ss_testing"):
        assert case.task(step).org_unit_id == unit_by_code("JC0001").id
        case.complete(step)
    producer = make_enterprise()
    producer.region_code = "350582"  # 晋江市
    case.complete("ss_report", batches=[batch(producer, 9, "fail")])
    disposal = case.follow_up("failed_sample_disposal")
    assert disposal.case.org_unit_id == unit_by_code("350582").id
    assert disposal.case.facts["organising_unit_code"] == "350000"
    disposal.complete("fs_register")
    # Every track lands in the county bureau's inboxes, none at the province.
    rows = {r.spec_name: (r.department_code, r.org_unit_id) for r in disposal.ready()}
    county = unit_by_code("350582").id
    assert rows == {"fs_notice": ("quality_supervision", county), "fs_stop_sale": ("quality_supervision", county),
                    "fs_traceback": ("quality_supervision", county), "pc_lead_check": ("enforcement", county)}


def test_enterprise_of_a_region_without_a_bureau_goes_to_the_nearest_parent(library, clock, open_case_for,
                                                                            make_enterprise):
    case = open_case_for(KIND, "350000", facts=dict(FACTS), product_category="wire_cable", is_key_product=True)
    for step in ("ss_plan", "ss_sampling", "ss_testing"):
        case.complete(step)
    producer = make_enterprise()
    producer.region_code = "350125"  # 永泰县: no bureau of its own in the seed, so the city bureau
    case.complete("ss_report", batches=[batch(producer, 10, "fail")])
    assert case.follow_up("failed_sample_disposal").case.org_unit_id == unit_by_code("350100").id


def test_circulation_sampling_of_consumer_protection_is_planned_and_summed_up_there(library, clock, open_case_for,
                                                                                     make_enterprise):
    facts = {**FACTS, "issuing_department": "consumer_protection", "sampling_link": "circulation"}
    case = open_case_for(KIND, "350100", facts=facts, product_category="other")
    assert_task(case, "ss_plan_cp", date(2026, 3, 9), "consumer_protection")
    case.complete("ss_plan_cp", testing_body_code="JC0002")
    assert_task(case, "ss_sampling", date(2026, 4, 7), "testing_body", "JC0002")
    for step in ("ss_sampling", "ss_testing"):
        case.complete(step)
    case.complete("ss_report", batches=[batch(make_enterprise(), 3, "pass")])
    assert case.ready_names() == ["ss_summary_cp"]
    assert case.task("ss_summary_cp").department_code == "consumer_protection"
    case.complete("ss_summary_cp")
    assert case.status() == ("closed", "completed")


def sample_row(ent, product="聚氯乙烯绝缘电缆1号"):
    return {"sample_no": "CY001", "enterprise_uscc": ent.uscc, "enterprise_name": ent.name, "product_name": product,
            "brand": "闽缆", "model_spec": "BV 2.5mm²", "batch_or_date": "2026-01-08", "standard": "GB/T 5023.3-2008",
            "place_or_url": "闽侯县上街镇成品仓库", "backup_sample": True}


def test_sampling_record_warns_on_repeat_within_6_months_and_late_food_samples(library, clock, open_case_for,
                                                                               make_enterprise):
    from app.cases.sampling_checks import sampling_warnings

    ent = make_enterprise()
    first = open_case_for(KIND, "350100", facts=dict(FACTS))
    first.complete("ss_plan", testing_body_code="JC0003")
    first.complete("ss_sampling", sampling_date="2026-03-02", lab_received_date="2026-03-03",
                   samples=[sample_row(ent)])
    assert first.case.facts["samples"][0]["brand"] == "闽缆"
    clock.move_to(datetime(2026, 8, 3, 1, 0, tzinfo=UTC))  # five months later
    again = open_case_for(KIND, "350100", facts=dict(FACTS)).case
    other_bureau = open_case_for(KIND, "350200", facts=dict(FACTS)).case
    warnings = sampling_warnings(again.id, "ss_sampling", {"samples": [sample_row(ent)]})
    assert warnings == [f"本局6个月内已抽查过{ent.name}的聚氯乙烯绝缘电缆1号（{first.case.number}），同一产品不宜重复抽查"]
    assert sampling_warnings(other_bureau.id, "ss_sampling", {"samples": [sample_row(ent)]}) == []
    assert sampling_warnings(again.id, "ss_sampling", {"samples": [sample_row(ent, "另一产品")]}) == []
    clock.move_to(datetime(2026, 9, 10, 1, 0, tzinfo=UTC))  # more than 6 months after the first
    assert sampling_warnings(again.id, "ss_sampling", {"samples": [sample_row(ent)]}) == []
    # Food samples taken Monday 03-02 must reach the lab by Monday 03-09 (5 working days).
    late = {"is_food_sample": True, "sampling_date": "2026-03-02", "lab_received_date": "2026-03-10"}
    assert sampling_warnings(again.id, "ss_sampling", late) == \
        ["食品样品应在抽样后5个工作日内（2026-03-09前）送达检验机构，本次于2026-03-10送达"]
    assert sampling_warnings(again.id, "ss_sampling", {**late, "lab_received_date": "2026-03-09"}) == []
    assert sampling_warnings(again.id, "ss_sampling", {**late, "is_food_sample": False}) == []


def test_the_engaged_testing_body_works_its_task_with_its_own_account(library, clock, open_case_for, make_user,
                                                                      login_as):
    case = open_case_for(KIND, "350100", facts=dict(FACTS))
    case.complete("ss_plan", testing_body_code="JC0003")
    task = case.task("ss_sampling")
    engaged = login_as(make_user("JC0003", departments=("testing_body",)))
    assert case.case.number in engaged.get("/inbox/department").get_data(as_text=True)
    assert engaged.get(f"/inbox/tasks/{task.id}").status_code == 200
    # Another institution, and the bureau's own testing-body department, do not receive it.
    other = login_as(make_user("JC0001", departments=("testing_body",)))
    assert case.case.number not in other.get("/inbox/department").get_data(as_text=True)
    assert other.get(f"/inbox/tasks/{task.id}").status_code == 403
    bureau_lab = login_as(make_user("350100", departments=("testing_body",)))
    assert case.case.number not in bureau_lab.get("/inbox/department").get_data(as_text=True)
