"""Done-when of issue 17, in the browser: a clerk issues a rectification order, downloads the numbered DOCX and
serves it electronically; ent_demo acknowledges it in the portal (on a phone-sized screen), the 60 days run
from that day, the enterprise submits its rectification report, and the clerk's re-check task shows it."""
import re
from datetime import date

import pytest
from docx import Document

REPORT = "已全部更换熄火保护装置，并对库存产品逐台复检"


@pytest.fixture()
def order_case(live_server):
    """A 闽侯 hazard case of the demo enterprise driven to 下达并送达责令改正通知书; ent_demo is its account."""
    from app.cases.services import get_or_create_enterprise, open_case
    from app.portal.accounts import ensure_demo_account
    from app.seed.reference import unit_by_code
    from tests.processes.conftest import CaseDriver

    with live_server.session():
        from app.formdefs.uscc import make_uscc

        ent = get_or_create_enterprise(make_uscc("91350121MA2XYK001"), "福建闽侯宏达电线电缆有限公司",
                                       region_code="350121")
        ensure_demo_account(ent, "demo123")
        case = open_case("hazard_investigation", unit_by_code("350121"), title="宏达电缆隐患排查", enterprise=ent,
                         product_category="wire_cable", product_name="聚氯乙烯绝缘电缆", is_key_product=True,
                         facts={"campaign_name": "重点产品排查", "self_inspection_due": "2099-05-20",
                                "inspection_due": "2099-07-25"})
        from app.auth.services import find_user

        # The demo clerk drives the earlier steps (a driver's own users would clash with other browser tests).
        clerk = find_user("mh_qs")
        driver = CaseDriver(case, users={(clerk.org_unit_id, "quality_supervision"): clerk})
        driver.complete("hi_campaign")
        driver.complete("hi_self_report", self_inspection_submitted=True)
        driver.complete("hi_review")
        driver.complete("hi_inspection", self_inspection_verdict="consistent")
        driver.complete("hi_ledger", hazards=[{"description": "导体截面不足", "source": "onsite", "severity": "general",
                                               "measures": "更换导体", "owner": "李四", "deadline": None,
                                               "status": "open"}], violations_found=False, help_needed=False)
        assert driver.ready_names() == ["hi_rectify_order"]
        return case.id, case.number


def _rectify_due(live_server, case_id):
    from sqlalchemy import select

    from app.clock import local_date
    from app.db import db
    from app.engine.models import HumanTask

    with live_server.session():
        row = db.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.spec_name == "hi_rectify"))
        return local_date(row.due_at) if row else None


def test_rectification_order_served_in_the_portal_and_answered(page, login, browser, live_server, order_case):
    from app.calendar.helpers import add_days
    from app.clock import local_today

    case_id, number = order_case
    year = local_today().year
    login(page, "mh_qs")
    page.goto(f"/cases/{case_id}")
    section = page.locator("#official-documents")
    section.locator("details.doc-issue summary").click()
    section.locator("select[name=kind]").select_option("rectification_order")
    section.locator("textarea[name=content]").fill("导体截面积不符合 GB/T 5023 要求")
    section.get_by_role("button", name="生成文书").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}#official-documents$"))
    expected = f"闽侯市监责改字〔{year}〕1号"
    row = page.locator("#official-documents tr[data-kind='rectification_order']")
    assert row.locator(".doc-number").inner_text() == expected
    with page.expect_download() as info:
        row.locator("a.doc-docx").first.click()
    text = "\n".join(p.text for p in Document(str(info.value.path())).paragraphs)
    assert expected in text and "福建闽侯宏达电线电缆有限公司" in text and "60日内改正" in text

    row.locator("details.doc-serve summary").click()
    row.locator("select[name=method]").select_option("electronic")
    row.get_by_role("button", name="登记送达").click()
    page.wait_for_load_state()
    assert "等待企业在企业端签收" in page.inner_text(".flash-info")
    # The clerk completes the order task; the rectification clock waits for service.
    page.goto("/inbox/department")
    task_row = page.locator("tr[data-task-id]", has_text=number)
    task_row.get_by_role("link", name="查看").click()
    page.get_by_role("button", name="签收任务").click()
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    page.fill("#f-rectify_requirements", "更换导体截面不足的电缆，60 日内报告整改情况")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert _rectify_due(live_server, case_id) is None

    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    ent = phone.new_page()
    ent.goto("/portal/login")
    ent.fill("input[name=username]", "ent_demo")
    ent.fill("input[name=password]", "demo123")
    ent.get_by_role("button", name="登录").click()
    ent.wait_for_url(re.compile(r"/portal/$"))
    card = ent.locator(f"a[data-case='{case_id}']")
    assert "1 份文书待签收" in card.inner_text()
    card.click()
    assert expected in ent.inner_text("#served")
    # Nothing scrolls sideways on the phone.
    assert ent.evaluate("document.documentElement.scrollWidth") <= 390
    ent.get_by_role("button", name="确认签收").click()
    ent.wait_for_load_state()
    today = local_today()
    assert f"送达日期为 {today.isoformat()}" in ent.inner_text(".p-flash")
    due = date.fromisoformat(add_days(today.isoformat(), 60))
    assert _rectify_due(live_server, case_id) == due
    form = ent.locator("#submit-rectification_report")
    assert f"提交期限：{due.isoformat()}" in form.inner_text()
    form.locator("textarea[name=note]").fill(REPORT)
    form.locator("input[name=files]").set_input_files(files=[{"name": "整改照片.pdf", "mimeType": "application/pdf",
                                                             "buffer": b"%PDF-1.4 rectified"}])
    form.get_by_role("button", name="提交整改报告").click()
    ent.wait_for_load_state()
    assert "已提交整改报告" in ent.inner_text(".p-flash")
    # A staff page is not for the enterprise: back to the portal.
    ent.goto("/inbox/")
    assert ent.url.endswith("/portal/")
    phone.close()

    page.goto("/inbox/department")
    task_row = page.locator("tr[data-task-id]", has_text=number)
    assert "复查整改情况" in task_row.inner_text()
    task_row.get_by_role("link", name="查看").click()
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    form = page.inner_text(".task-form")
    assert REPORT in form and today.isoformat() in form and "整改照片.pdf" in form
