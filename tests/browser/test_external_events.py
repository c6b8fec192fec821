"""In the browser: a county quality-supervision clerk registers the enterprise's objection letter on a
failed-sample case page, and engaging the retest lab appears in the county's inbox."""
import re

import pytest

FAILED_SAMPLE = {"sample_no": "GB26BR01", "test_report_no": "FJQI-2026-0456", "test_lab": "福建省产品质量检验研究院",
                 "test_date": "2026-02-26", "is_food": False, "is_consumer_product": False, "goods_value": 12000,
                 "failed_items": [{"item": "导体电阻", "limit": "≤18.1Ω/km", "measured": "21.3Ω/km", "is_safety": True}]}


@pytest.fixture()
def notified_case(live_server):
    """A 闽侯县 failed-sample case whose notice was served today: the objection window is open."""
    from app.cases.services import get_or_create_enterprise, open_case
    from app.clock import local_today
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code
    from tests.processes.conftest import CaseDriver

    with live_server.session():
        ent = get_or_create_enterprise(make_uscc("91350121MA2XYK902"), "闽侯县异议测试电缆有限公司",
                                       region_code="350121")
        case = open_case("failed_sample_disposal", unit_by_code("350121"), title="电缆导体电阻不合格", enterprise=ent,
                         product_category="wire_cable", product_name="BV 电线", is_key_product=True,
                         facts=FAILED_SAMPLE)
        driver = CaseDriver(case)
        today = local_today().isoformat()
        driver.complete("fs_register")
        driver.complete("fs_notice", notice_date=today, notice_served_date=today)
        # The stop-sale order, the trace-back and the lead check run beside the objection window.
        assert driver.ready_names() == ["fs_stop_sale", "fs_traceback", "pc_lead_check"]
        return case.id, case.number, today


def test_objection_registered_on_the_case_page_asks_for_a_retest_lab(page, login, browser, live_server,
                                                                        notified_case):
    case_id, number, today = notified_case
    login(page, "mh_qs")
    page.goto(f"/cases/{case_id}")
    section = page.locator("#external")
    objection = section.locator("details[data-message='objection']")
    assert "等待中" in objection.locator("summary").inner_text()
    assert "登记异议申请" in objection.locator("summary").inner_text()
    # Awaited, so its form is open without a click.
    objection.locator("input[name=received_date]").fill(today)
    objection.locator("textarea[name=note]").fill("企业于今日递交异议及复检申请书，对导体电阻项目有异议")
    objection.get_by_role("button", name="登记异议申请").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}#external$"))
    assert "已登记异议申请，流程已据此继续办理" in page.inner_text(".flash-success")
    assert "企业于今日递交异议及复检申请书" in page.inner_text("#timeline")

    # The county engages a testing body other than the first lab for the retest.
    page.goto("/inbox/department")
    rows = page.locator("tr[data-task-id]", has_text=number)
    assert "委托复检机构" in " ".join(rows.all_inner_texts())
