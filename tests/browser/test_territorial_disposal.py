"""In the browser: a failed sample of a province-run sampling task is disposed of by the county bureau of the
enterprise's registered region; the province clerk follows it, the county's inboxes receive its four tracks."""
import re

import pytest

from tests.dates import day


@pytest.fixture()
def province_failure(live_server):
    """A province sampling task whose lab reported one failed batch of a 闽侯县 enterprise."""
    from app.cases.services import get_or_create_enterprise, open_case
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code
    from tests.processes.conftest import CaseDriver
    from tests.processes.test_supervision_sampling import FACTS, batch

    with live_server.session():
        ent = get_or_create_enterprise(make_uscc("91350121MA2XYK903"), "闽侯县属地测试电缆有限公司",
                                       region_code="350121")
        sampling = open_case("supervision_sampling", unit_by_code("350000"), title="省级电线电缆监督抽查",
                             product_category="wire_cable", is_key_product=True,
                             facts={**FACTS, "sampling_due": day(30)})
        driver = CaseDriver(sampling)
        for step in ("ss_plan", "ss_sampling", "ss_testing"):
            driver.complete(step)
        driver.complete("ss_report", report_date=day(-1), batches=[batch(ent, 88, "fail")])
        disposal = driver.follow_up("failed_sample_disposal").case
        assert disposal.org_unit.code == "350121"
        return sampling.id, disposal.id, disposal.number


def _rows(page, number):
    return page.locator("tr[data-task-id]", has_text=number)


def _inbox(browser, live_server, login, username, number):
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    login(other, username)
    other.goto("/inbox/department")
    text = _rows(other, number).all_inner_texts()
    context.close()
    return text


def test_province_failure_is_handed_to_the_county_and_followed_by_the_province(page, login, browser, live_server,
                                                                              province_failure):
    sampling_id, disposal_id, number = province_failure
    # The province clerk sees the disposal as a follow-up of the sampling task and can open it.
    login(page, "fj_qs")
    page.goto(f"/cases/{sampling_id}")
    page.locator("#related").get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(rf"/cases/{disposal_id}$"))
    assert "闽侯县市场监督管理局" in page.inner_text("body")
    # ... but the work is not in the province's inbox.
    page.goto("/inbox/department")
    assert _rows(page, number).count() == 0

    # The county clerk registers the result, with the report received before the test date at first.
    county = browser.new_context(base_url=live_server.url).new_page()
    login(county, "mh_qs")
    county.goto("/inbox/department")
    row = _rows(county, number)
    assert row.count() == 1 and "登记检验结果" in row.inner_text()
    row.get_by_role("button", name="签收").click()
    county.wait_for_url(re.compile(r"/inbox/$"))
    _rows(county, number).get_by_role("link", name="办理").click()
    county.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    county.fill("#f-test_report_no", "BG-2026-0088")
    county.fill("#f-test_lab", "福建省产品质量检验研究院")
    county.fill("#f-test_date", day(-3))
    county.fill("#f-report_received_date", day(-4))
    county.get_by_role("button", name="提交办结").click()
    county.wait_for_load_state()
    errors = county.inner_text(".task-form")
    # Both the missing failed item and the date out of order are reported in one go.
    assert "收到报告日期不得早于检验日期" in errors and "必填项" in errors
    county.fill("#f-report_received_date", day(-1))
    county.fill("input[name='failed_items-0-item']", "导体电阻")
    county.get_by_role("button", name="提交办结").click()
    county.wait_for_url(re.compile(r"/inbox/$"))
    flash = county.inner_text(".flash-success")
    assert "「登记检验结果」已办结" in flash
    for title in ("书面告知被抽样单位及标称生产者", "责令停止生产销售、下架封存", "追根溯源：核查进货来源及标称生产者"):
        assert f"「{title}」（闽侯县市场监督管理局质量监督科）" in flash, title
    assert "「立案审查」（闽侯县市场监督管理局执法稽查科）" in flash

    # The four tracks wait in the county's inboxes, none at the province.
    qs = " ".join(_inbox(browser, live_server, login, "mh_qs", number))
    assert all(t in qs for t in ("书面告知", "责令停止生产销售、下架封存", "追根溯源"))
    assert "立案审查" in " ".join(_inbox(browser, live_server, login, "mh_enf", number))
    assert _inbox(browser, live_server, login, "fj_qs", number) == []
    assert _inbox(browser, live_server, login, "fj_enf", number) == []
