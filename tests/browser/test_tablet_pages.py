"""Browser, tablet portrait (820 px): the overdue board, the dashboard and the modeler fit the screen; every
column of the overdue board (status, holder, actions included) is on screen without scrolling sideways."""
from datetime import timedelta

import pytest

TABLET = {"width": 820, "height": 1180}
FLOW_KEY = "tablet_late_flow"
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_tab" targetNamespace="http://qsflow.test">
  <bpmn:process id="{FLOW_KEY}" name="平板超期测试" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="现场检查（平板布局）"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="department" value="quality_supervision"/>
      <spiffworkflow:property name="orgLevel" value="county"/>
      <spiffworkflow:property name="dueRule" value="5WD"/>
      <spiffworkflow:property name="formKey" value="tablet_late_check"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _page_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture(scope="module")
def late_task(live_server):
    """An overdue task at 闽侯县 quality supervision, with long names, on the Fuzhou heads' board."""
    from sqlalchemy import select

    from app.cases.services import get_or_create_enterprise, open_case
    from app.db import utcnow
    from app.engine.models import HumanTask
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    live_server.add_form({"key": "tablet_late_check", "title": "现场检查",
                          "fields": [{"name": "note", "label": "检查情况", "type": "text"}]})
    live_server.deploy_xml(XML, f"{FLOW_KEY}.bpmn")
    with live_server.session() as db:
        ent = get_or_create_enterprise(make_uscc("91350121MA2XTB002"), "闽侯县平板布局超期演示燃气具制造有限公司",
                                       region_code="350121")
        case = open_case(FLOW_KEY, unit_by_code("350121"), title="平板布局：家用燃气灶具抽检不合格后处理超期演示",
                         enterprise=ent, product_category="gas_appliance", product_name="家用燃气灶具")
        task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
        task.due_at = utcnow() - timedelta(days=6)
        return case.number


def test_overdue_board_shows_every_column_on_a_tablet(page, login, late_task):
    page.set_viewport_size(TABLET)
    login(page, "mh_qs_head")
    page.goto("/supervision/overdue?department=all")
    row = page.locator(".sv-overdue tbody tr", has_text=late_task)
    assert row.count() == 1
    assert _page_overflow(page) == 0
    for cell in row.locator("td").all():
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= TABLET["width"] + 0.5, cell.inner_text()
    for name in ("催办", "改派"):
        button = row.get_by_role("button", name=name).or_(row.get_by_role("link", name=name))
        box = button.first.bounding_box()
        assert box and box["x"] + box["width"] <= TABLET["width"], name
    # The status and holder are labelled in the card.
    assert "超期" in row.inner_text() and row.locator("td[data-label='承办人']").is_visible()
    label = row.locator("td[data-label='承办人']").evaluate("td => getComputedStyle(td, '::before').content")
    assert "承办人" in label


def test_reassign_from_the_overdue_board(page, login, late_task):
    login(page, "mh_qs_head")
    page.goto("/supervision/overdue")  # the head's own department first
    row = page.locator(".sv-overdue tbody tr", has_text=late_task)
    row.get_by_role("link", name="改派").click()
    page.select_option("select[name=assignee_id]", label="闽侯县质量监督科经办人")
    page.locator("form button.btn-primary").click()
    page.wait_for_load_state()
    page.goto("/supervision/overdue")
    assert "闽侯县质量监督科经办人" in page.locator(".sv-overdue tbody tr", has_text=late_task).inner_text()


@pytest.mark.parametrize(("user", "url"), [("fz_qs_head", "/reports/dashboard"), ("admin", "/admin/modeler"),
                                           ("mh_qs", "/inbox/department"), ("mh_qs_head", "/supervision/listed")])
def test_key_pages_fit_a_tablet(page, login, late_task, user, url):
    page.set_viewport_size(TABLET)
    login(page, user)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert _page_overflow(page) == 0, url
