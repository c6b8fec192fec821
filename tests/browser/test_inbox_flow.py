"""In the browser: a county quality-supervision clerk claims a task, is told what is wrong with the
form, fixes it (adding a table row), completes it, and the next task reaches the city's enforcement."""
import re

import pytest

from tests.dates import day

FLOW_KEY = "inbox_flow_demo"
CHECK_FORM = {
    "key": "inbox_flow_check", "title": "现场检查记录",
    "fields": [
        {"name": "inspection_date", "label": "检查日期", "type": "date", "required": True},
        {"name": "enterprise_uscc", "label": "企业信用代码", "type": "uscc", "required": True},
        {"name": "to_enforcement", "label": "移送执法", "type": "boolean"},
        {"name": "hazards", "label": "隐患台账", "type": "table", "min_rows": 1, "columns": [
            {"name": "description", "label": "隐患描述", "type": "text", "required": True},
            {"name": "severity", "label": "等级", "type": "select", "required": True,
             "options": [{"value": "general", "label": "一般"}, {"value": "major", "label": "重大"}]},
        ]},
    ],
}
CASE_FORM = {"key": "inbox_flow_case", "title": "立案审查",
             "fields": [{"name": "open_decision", "label": "是否立案", "type": "select", "required": True,
                         "options": [{"value": "open", "label": "立案"}, {"value": "not_open", "label": "不予立案"}]}]}


def _task(task_id, name, department, form_key, level):
    props = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in
                    (("department", department), ("formKey", form_key), ("orgLevel", level), ("dueRule", "5WD")))
    return (f'<bpmn:userTask id="{task_id}" name="{name}"><bpmn:extensionElements><spiffworkflow:properties>'
            f'{props}</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


FLOW_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_flow" targetNamespace="http://qsflow.test">
  <bpmn:process id="{FLOW_KEY}" name="浏览器测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    {_task("check", "现场检查", "quality_supervision", "inbox_flow_check", "county")}
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_end"/>
    <bpmn:sequenceFlow id="f_enf" sourceRef="gw" targetRef="review">
      <bpmn:conditionExpression>to_enforcement == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_end" sourceRef="gw" targetRef="end"/>
    {_task("review", "立案审查", "enforcement", "inbox_flow_case", "city")}
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def county_case(live_server):
    """A case at 闽侯县 running the two-step test process; returns its number."""
    from app.cases.services import get_or_create_enterprise, open_case
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    live_server.add_form(CHECK_FORM)
    live_server.add_form(CASE_FORM)
    live_server.deploy_xml(FLOW_XML, f"{FLOW_KEY}.bpmn")
    with live_server.session():
        ent = get_or_create_enterprise(make_uscc("91350121MA2XYK901"), "闽侯县浏览器测试电缆有限公司",
                                       region_code="350121")
        case = open_case(FLOW_KEY, unit_by_code("350121"), title="电线电缆现场检查", enterprise=ent,
                         product_category="wire_cable", product_name="BV 电线", is_key_product=True)
        return case.number


def _row(page, case_number):
    return page.locator("tr[data-task-id]", has_text=case_number)


def test_claim_fix_errors_complete_and_hand_to_city_enforcement(page, login, browser, live_server, county_case):
    login(page, "mh_qs")
    page.goto("/inbox/department")
    row = _row(page, county_case)
    assert row.count() == 1 and "现场检查" in row.inner_text()
    row.get_by_role("button", name="签收").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    _row(page, county_case).get_by_role("link", name="办理").click()
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    assert "剩余 5 个工作日" in page.inner_text(".task-status")

    # First try: no date, a USCC with a wrong check character, an incomplete hazard row.
    page.fill("#f-enterprise_uscc", "91350121MA2XYK9010")
    page.fill("input[name='hazards-0-description']", "接地标识缺失")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_load_state()
    errors = page.inner_text(".task-form")
    assert "表单有 3 处需要更正" in errors and "必填项" in errors and "请选择有效的选项" not in errors
    assert page.input_value("#f-enterprise_uscc") == "91350121MA2XYK9010"  # kept as typed
    assert page.input_value("input[name='hazards-0-description']") == "接地标识缺失"

    # Fix it: a real date and USCC, the row's severity, a second row added with the table's button.
    page.fill("#f-inspection_date", "2026-03-02")
    page.fill("#f-enterprise_uscc", "91350100M000100Y43")
    page.select_option("select[name='hazards-0-severity']", "general")
    page.get_by_role("button", name="添加一行").click()
    second = page.locator("table[data-form-table='hazards'] tbody tr").nth(1)
    second.locator("input[type=text]").fill("绝缘层厚度不足")
    second.locator("select").select_option("major")
    # A third row added by mistake is removed again.
    page.get_by_role("button", name="添加一行").click()
    rows = page.locator("table[data-form-table='hazards'] tbody tr")
    rows.nth(2).locator("input[type=text]").fill("多余的一行")
    rows.nth(2).get_by_role("button", name="删除").click()
    assert rows.count() == 2 and rows.nth(1).locator(".fd-rownum").inner_text() == "2"
    page.check("#f-to_enforcement")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    flash = page.inner_text(".flash-success")
    assert "「现场检查」已办结" in flash and "「立案审查」（福州市市场监督管理局执法稽查科）" in flash

    with live_server.session() as db:
        from sqlalchemy import select

        from app.cases.models import Case

        facts = db.scalar(select(Case).where(Case.number == county_case)).facts
    assert [h["description"] for h in facts["hazards"]] == ["接地标识缺失", "绝缘层厚度不足"]
    assert facts["enterprise_uscc"] == "91350100M000100Y43"

    # The next task waits in Fuzhou's enforcement inbox; Xiamen neither lists nor opens it.
    task_url = None
    for username, expected in (("fz_enf", 1), ("xm_enf", 0)):
        context = browser.new_context(base_url=live_server.url)
        other = context.new_page()
        login(other, username)
        other.goto("/inbox/department")
        rows = _row(other, county_case)
        assert rows.count() == expected, username
        if expected:
            assert "立案审查" in rows.inner_text()
            task_url = rows.get_by_role("link", name="立案审查").get_attribute("href")
        else:
            response = other.goto(task_url)
            assert response.status == 403 and "辖区" in other.inner_text("main")
        context.close()


HI_STEPS = [  # the real hazard_investigation up to the ledger, driven through the engine as mh_qs
    ("hi_campaign", {"task_issue_date": "2026-03-02", "enterprise_role": "producer", "checklist_issued": True}),
    ("hi_self_report", {"self_inspection_submitted": True, "self_inspection_date": "2026-03-10",
                        "self_found_count": 1, "self_inspection_summary": "自查发现标识问题 1 项"}),
    ("hi_review", {"review_result": "complete", "review_opinion": "自查报告完整"}),
    ("hi_inspection", {"inspection_date": "2026-03-20", "inspectors": "张明、李华",
                       "self_inspection_verdict": "consistent", "inspection_record": "现场核查与自查一致"}),
]


@pytest.fixture()
def hazard_case(live_server):
    """A real hazard_investigation case at 闽侯县, advanced to 登记隐患台账 (hi_ledger)."""
    from pathlib import Path

    from sqlalchemy import select

    from app.auth.services import find_user
    from app.cases.services import get_or_create_enterprise, open_case
    from app.engine.deploy import latest_definition
    from app.engine.models import HumanTask
    from app.engine.service import complete_task
    from app.formdefs.registry import get_registry
    from app.formdefs.schema import validate_submission
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    if not (Path(__file__).resolve().parents[2] / "processes" / "hazard_investigation.bpmn").exists():
        pytest.skip("processes/hazard_investigation.bpmn 尚未提交")
    with live_server.session() as db:
        assert latest_definition("hazard_investigation") is not None, "hazard_investigation 未能部署"
        ent = get_or_create_enterprise(make_uscc("91350121MA2XYK902"), "闽侯县排查测试燃气具有限公司",
                                       region_code="350121")
        case = open_case("hazard_investigation", unit_by_code("350121"), title="燃气器具重点产品排查",
                         enterprise=ent, product_category="gas_appliance", product_name="家用燃气灶",
                         is_key_product=True, facts={"campaign_name": "2026 年重点工业产品质量安全排查治理",
                                                     "self_inspection_due": day(20),
                                                     "inspection_due": day(50)})
        clerk = find_user("mh_qs")
        for spec_name, data in HI_STEPS:
            task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready",
                                                     HumanTask.spec_name == spec_name))
            assert task is not None, f"{spec_name} not ready"
            clean, errors = validate_submission(get_registry().get(task.form_key), data)
            assert not errors, (spec_name, errors)
            complete_task(task.id, clerk, clean)
        return case.number


def test_real_hazard_ledger_sends_violation_to_county_enforcement(page, login, browser, live_server, hazard_case):
    login(page, "mh_qs")
    page.goto("/inbox/department")
    row = _row(page, hazard_case)
    assert "登记隐患台账" in row.inner_text()
    row.get_by_role("link", name="查看").click()
    page.get_by_role("button", name="签收任务").click()
    page.wait_for_url(re.compile(r"/inbox/tasks/\d+$"))
    # A hazard row without its source and status is refused, the description kept.
    page.fill("input[name='hazards-0-description']", "燃气灶熄火保护装置响应时间超标")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_load_state()
    assert "需要更正" in page.inner_text(".task-form")
    assert page.input_value("input[name='hazards-0-description']") == "燃气灶熄火保护装置响应时间超标"
    page.select_option("select[name='hazards-0-source']", "onsite")
    page.select_option("select[name='hazards-0-severity']", "general")
    page.select_option("select[name='hazards-0-status']", "open")
    page.fill("input[name='hazards-0-deadline']", day(40))
    page.check("#f-violations_found")
    page.fill("#f-violation_description", "生产不符合安全标准的产品")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    flash = page.inner_text(".flash-success")
    assert "「登记隐患台账」已办结" in flash and "闽侯县市场监督管理局执法稽查科" in flash

    for username, expected in (("mh_enf", 1), ("sm_enf", 0)):
        context = browser.new_context(base_url=live_server.url)
        other = context.new_page()
        login(other, username)
        other.goto("/inbox/department")
        assert _row(other, hazard_case).count() == expected, username
        context.close()
