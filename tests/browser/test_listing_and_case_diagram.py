"""Browser, desktop (1366x768) and tablet (820 px): a head's listing on the board opens a listed-supervision
case at the right step (not again at 提出挂牌建议); the case page's diagram opens at a readable zoom on the
current step, with zoom controls."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
SIZES = pytest.mark.parametrize("size", [DESKTOP, TABLET], ids=["1366", "820"])
PARENT_KEY = "ux_listing_parent"
PARENT_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_uxl" targetNamespace="http://qsflow.test">
  <bpmn:process id="{PARENT_KEY}" name="挂牌来源演示流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="隐患整改复查"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="department" value="quality_supervision"/>
      <spiffworkflow:property name="orgLevel" value="county"/>
      <spiffworkflow:property name="formKey" value="ux_listing_check"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""
SCALE = ("() => document.querySelector('#case-diagram .viewport').transform.baseVal.consolidate().matrix.a")


def _open_case(live_server, kind, uscc, title, facts=None):
    from app.cases.services import get_or_create_enterprise, open_case
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    with live_server.session():
        ent = get_or_create_enterprise(make_uscc(uscc), f"{title}有限公司", region_code="350121")
        case = open_case(kind, unit_by_code("350121"), title=title, enterprise=ent, facts=facts or {})
        return case.id, case.number


def _ready_steps(live_server, case_id):
    from sqlalchemy import select

    from app.engine.models import HumanTask

    with live_server.session() as db:
        return [(t.spec_name, t.org_unit_id) for t in db.scalars(
            select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))]


def _listed_case_of(live_server, parent_number):
    from sqlalchemy import select

    from app.cases.models import Case

    with live_server.session() as db:
        listed = [c for c in db.scalars(select(Case).where(Case.kind == "listed_supervision"))
                  if (c.facts or {}).get("parent_case_number") == parent_number]
        return listed[0].id, listed[0].number


def _unit_id(live_server, code):
    from app.seed.reference import unit_by_code

    with live_server.session():
        return unit_by_code(code).id


@pytest.fixture(scope="module")
def parent_flow(live_server):
    live_server.add_form({"key": "ux_listing_check", "title": "复查", "fields": [{"name": "note", "label": "复查情况",
                                                                               "type": "text"}]})
    live_server.deploy_xml(PARENT_XML, f"{PARENT_KEY}.bpmn")


@pytest.mark.parametrize(("size", "head", "uscc", "first_step", "first_unit"), [
    (DESKTOP, "fz_qs_head", "91350121MA2XUL001", "ls_progress", "350121"),
    (TABLET, "fz_qs_head", "91350121MA2XUL002", "ls_progress", "350121"),
    (TABLET, "mh_qs_head", "91350121MA2XUL003", "ls_decide_city", "350100"),
], ids=["city-1366", "city-820", "county-820"])
def test_listing_on_the_board_starts_at_the_right_step(page, login, live_server, parent_flow, size, head, uscc,
                                                        first_step, first_unit):
    parent_id, parent_number = _open_case(live_server, PARENT_KEY, uscc, f"挂牌演示{uscc[-3:]}燃气具厂")
    page.set_viewport_size(size)
    login(page, head)
    page.goto(f"/supervision/cases/{parent_id}/list")
    expect(page.locator(".listing-next")).to_contain_text("报送整改进展" if first_step == "ls_progress" else "由市局作出")
    page.fill("textarea[name=reason]", "重大隐患逾期未整改")
    page.locator("form button.btn-danger").click()
    page.wait_for_url("**/supervision/listed**")
    listed_id, listed_number = _listed_case_of(live_server, parent_number)
    # The head's listing was the proposal (county) or the decision (city): ls_propose is not asked again.
    assert _ready_steps(live_server, listed_id) == [(first_step, _unit_id(live_server, first_unit))]
    row = page.locator(".sv-table tbody tr", has_text=listed_number)
    expect(row).not_to_contain_text("提出挂牌")
    expect(row).to_contain_text("报送整改进展" if first_step == "ls_progress" else "市局挂牌决定")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0


@pytest.fixture(scope="module")
def long_case(live_server):
    """A listed-supervision case (a process about 2,400 px wide) waiting at 提出挂牌建议 in 闽侯."""
    return _open_case(live_server, "listed_supervision", "91350121MA2XUD001", "长流程图演示电器厂",
                      facts={"reason": "重大隐患"})


@SIZES
def test_case_diagram_opens_readable_on_the_current_step(page, login, long_case, size):
    case_id, _number = long_case
    page.set_viewport_size(size)
    login(page, "mh_qs")
    page.goto(f"/cases/{case_id}")
    page.wait_for_selector("#case-diagram.is-loaded")
    opened = page.evaluate(SCALE)
    assert opened >= 0.79  # 12 px labels stay at least about 10 px on screen
    box = page.locator("#case-diagram").bounding_box()
    current = page.locator('#case-diagram .djs-element.qs-current[data-element-id="ls_propose"]').bounding_box()
    assert box["x"] <= current["x"] and current["x"] + current["width"] <= box["x"] + box["width"]
    assert box["y"] <= current["y"] and current["y"] + current["height"] <= box["y"] + box["height"]
    label = page.locator('#case-diagram [data-element-id="ls_propose"] text').first.bounding_box()
    assert label["height"] >= 9
    # The zoom controls: the whole diagram at fit, then back in.
    page.click("[data-zoom=fit]")
    fitted = page.evaluate(SCALE)
    assert fitted < opened
    page.click("[data-zoom=in]")
    assert page.evaluate(SCALE) > fitted
    expect(page.locator(".diagram-hint")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
