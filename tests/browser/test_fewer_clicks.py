"""In the browser: a failed sample from registration to the objection window, counted in clicks and typed
fields, the classic way (inbox -> 签收 -> 办理 -> retype -> 提交办结, twice) against the new one (the start
form opens its claimed, prefilled first task; "办结并继续" opens the same department's next step)."""
import re
from datetime import date

import pytest

from tests.dates import day

ENTERPRISE = ("91350121MA2XYK7746", "闽侯县少点击电器有限公司")


class Counter:
    """Counts what the user does: clicks (buttons, links) and fields typed or picked."""

    def __init__(self, page):
        self.page, self.clicks, self.fields = page, 0, 0

    def click(self, locator):
        self.clicks += 1
        locator.click()
        self.page.wait_for_load_state()

    def fill(self, selector, value):
        self.fields += 1
        self.page.fill(selector, value)

    def check(self, selector):
        self.fields += 1
        self.page.check(selector)

    @property
    def total(self):
        return self.clicks + self.fields


def _notice(counter):
    counter.fill("input[name='notice_no']", "闽侯市监告〔2026〕1号")
    counter.fill("input[name='notice_date']", day(0))
    counter.fill("input[name='notice_served_date']", day(0))
    counter.check("input[name='producer_notified'][type=checkbox]")


def _start_form(page, sample_no):
    page.goto("/cases/start/failed_sample")
    page.fill("input[name='enterprise_uscc']", ENTERPRISE[0])
    page.fill("input[name='enterprise_name']", ENTERPRISE[1])
    for name, value in (("sample_no", sample_no), ("test_report_no", f"BG-{sample_no}"),
                        ("test_lab", "福建省产品质量检验研究院"), ("test_date", day(-10)),
                        ("product_name", "电热水壶"), ("goods_value", "6800"),
                        ("failed_items-0-item", "泄漏电流"), ("failed_items-0-limit", "≤0.75mA"),
                        ("failed_items-0-measured", "1.2mA")):
        page.fill(f"input[name='{name}']", value)
    page.select_option("select[name='product_category']", "wire_cable")
    page.click("form.card button.btn-primary, form button.btn-primary >> nth=-1")
    page.wait_for_load_state()


def _open_classic_case(live_server, sample_no):
    """A case opened as before this change: its first task waits unclaimed, with an empty form."""
    from app.cases.intake import register_failed_sample
    from app.seed.reference import unit_by_code

    with live_server.session() as db:
        from sqlalchemy import select

        from app.auth.models import User

        user = db.scalar(select(User).where(User.username == "mh_qs"))
        assert user.org_unit_id == unit_by_code("350121").id
        from decimal import Decimal

        case = register_failed_sample(user, {
            "enterprise_uscc": ENTERPRISE[0], "enterprise_name": ENTERPRISE[1], "sample_no": sample_no,
            "test_report_no": f"BG-{sample_no}", "test_lab": "福建省产品质量检验研究院", "test_date": date.fromisoformat(day(-10)),
            "failed_items": [{"item": "泄漏电流", "limit": "≤0.75mA", "measured": "1.2mA", "is_safety": True}],
            "is_food": False, "is_consumer_product": True, "goods_value": Decimal("6800"),
            "product_category": "wire_cable", "product_name": "电热水壶"})
        return case.number


def _claim_and_open(page, counter, case_number, step):
    counter.click(page.locator("nav a[href$='/inbox/department']").first)
    row = page.locator("tr[data-task-id]", has_text=case_number).filter(has_text=step)
    counter.click(row.get_by_role("button", name="签收"))
    row = page.locator("tr[data-task-id]", has_text=case_number).filter(has_text=step)
    counter.click(row.get_by_role("link", name="办理"))
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))


def test_failed_sample_to_the_objection_window_takes_far_fewer_clicks(page, login, live_server):
    login(page, "mh_qs")

    # Before: the registered case's first task is found, claimed, opened and its form typed again.
    before = Counter(page)
    number = _open_classic_case(live_server, "YP-CLASSIC-1")
    page.goto("/inbox/")
    _claim_and_open(page, before, number, "登记检验结果")
    for name, value in (("test_report_no", "BG-YP-CLASSIC-1"), ("test_lab", "福建省产品质量检验研究院"),
                        ("test_date", day(-10)), ("report_received_date", day(-1)),
                        ("failed_items-0-item", "泄漏电流"), ("failed_items-0-limit", "≤0.75mA"),
                        ("failed_items-0-measured", "1.2mA"), ("goods_value", "6800")):
        before.fill(f"input[name='{name}']", value)
    before.click(page.get_by_role("button", name="提交办结"))
    page.wait_for_url(re.compile(r"/inbox/$"))
    _claim_and_open(page, before, number, "书面告知")
    _notice(before)
    before.click(page.get_by_role("button", name="提交办结"))
    assert "「书面告知被抽样单位及标称生产者」已办结" in page.inner_text(".flash")

    # After: the start form lands on the claimed first task with the registered values already in it.
    _start_form(page, "YP-FEWER-1")
    after = Counter(page)
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    assert "已签收到您的待办" in page.inner_text(".flash-success")
    assert page.input_value("input[name='test_report_no']") == "BG-YP-FEWER-1"
    assert page.input_value("input[name='failed_items-0-item']") == "泄漏电流"
    assert page.input_value("input[name='goods_value']") in ("6800", "6800.00")
    after.fill("input[name='report_received_date']", day(-1))
    after.click(page.get_by_role("button", name="办结并继续"))
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    assert "已为您打开下一步「书面告知被抽样单位及标称生产者」" in page.inner_text(".flash-success")
    _notice(after)
    after.click(page.get_by_role("button", name="办结并继续"))
    flash = page.inner_text(".flash")
    print("\n" + flash)
    # Nothing to open next: the flash says what the case awaits and until when, and so do the inbox and the case.
    assert "「书面告知被抽样单位及标称生产者」已办结，案件正在等待：" in flash
    assert re.search(r"（至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}；[^）]+可提前结束）", flash)
    # In the legal order the other tracks (stop-sale, trace-back, the lead check) stay open beside the
    # objection window: the case page lists them and says what else the case waits for, and until when.
    page.goto("/cases/?q=YP-FEWER-1")
    links = [h for h in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
             if re.search(r"/cases/\d+$", h)]
    page.goto(links[0])
    assert "同时等待：" in page.inner_text("#deadlines")
    assert re.search(r"至 \d{4}-\d{2}-\d{2}", page.inner_text("#deadlines .case-wait"))

    # The case page groups its facts by stage and filters its timeline by stage.
    stages = page.locator("#facts details.fact-stage summary h3").all_inner_texts()
    assert [t.split()[0] for t in stages][:2] == ["抽样与检验", "告知与异议"]
    assert "检验报告编号" in page.inner_text("#facts details[data-stage=sampling]")
    assert "告知书文号" in page.inner_text("#facts details[data-stage=notice]") or \
        page.locator("#facts details[data-stage=notice] dt").count() > 0
    visible = page.locator(".timeline li:visible")
    everything = visible.count()
    page.locator(".timeline-filter").get_by_role("button", name="告知与异议").click()
    assert 0 < visible.count() < everything
    assert all(li.get_attribute("data-stage") == "notice" for li in visible.all())
    page.locator(".timeline-filter").get_by_role("button", name="全部").click()
    assert visible.count() == everything

    print(f"\nclicks+fields before: {before.clicks}+{before.fields}, after: {after.clicks}+{after.fields}")
    assert (before.clicks, after.clicks) == (8, 2)
    assert after.total * 2 <= before.total


@pytest.fixture(autouse=True)
def _skip_without_process(live_server):
    with live_server.session():
        from app.engine.deploy import latest_definition

        if latest_definition("failed_sample_disposal") is None:
            pytest.skip("failed_sample_disposal is not deployed")
