"""In the browser: a reminder names the step, case number and enterprise and is read once the task is done;
a suspended process's task is marked in the inbox and refused with the administrator's reason."""
import re

import pytest

FLOW_KEY = "notice_flow_demo"
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_nt" targetNamespace="http://qsflow.test">
  <bpmn:process id="{FLOW_KEY}" name="提醒测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:userTask id="check" name="复查整改情况"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="department" value="quality_supervision"/>
      <spiffworkflow:property name="formKey" value="notice_flow_check"/>
      <spiffworkflow:property name="orgLevel" value="county"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""
FORM = {"key": "notice_flow_check", "title": "复查记录",
        "fields": [{"name": "recheck_note", "label": "复查情况", "type": "text", "required": True}]}


def _open(live_server, name, suffix):
    from sqlalchemy import select

    from app.cases.services import get_or_create_enterprise, open_case
    from app.engine.models import HumanTask
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    live_server.add_form(FORM)
    live_server.deploy_xml(XML, f"{FLOW_KEY}.bpmn")
    with live_server.session() as db:
        ent = get_or_create_enterprise(make_uscc(f"91350121MA2XN{suffix}"), name, region_code="350121")
        case = open_case(FLOW_KEY, unit_by_code("350121"), title=f"{name}复查", enterprise=ent)
        task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
        return case.number, task.id


@pytest.fixture()
def two_cases(live_server):
    return [_open(live_server, "闽侯县提醒甲电器有限公司", "T001"), _open(live_server, "闽侯县提醒乙电器有限公司", "T002")]


def test_reminders_name_case_and_enterprise_and_clear_when_done(page, login, live_server, two_cases):
    from app.db import utcnow
    from app.notifications.deadlines import send_due_reminders

    (number_a, task_a), (number_b, _task_b) = two_cases
    with live_server.session() as db:
        from app.engine.models import HumanTask

        for task_id in (task_a, _task_b):
            db.get(HumanTask, task_id).due_at = utcnow()  # due now: the "overdue" reminder
        send_due_reminders(utcnow())
    login(page, "mh_qs")
    page.goto("/notifications/")
    body = page.inner_text("main")
    # Two reminders for the same step are told apart by case number and enterprise.
    assert f"任务已超期：复查整改情况（{number_a}，闽侯县提醒甲电器有限公司）" in body
    assert f"任务已超期：复查整改情况（{number_b}，闽侯县提醒乙电器有限公司）" in body
    page.goto(f"/inbox/tasks/{task_a}")
    page.get_by_role("button", name="签收任务").click()
    page.fill("#f-recheck_note", "已整改到位")
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    page.goto("/notifications/?unread=1")
    unread = page.inner_text("main")
    assert number_a not in unread and number_b in unread


def test_suspended_task_is_marked_and_refused_with_the_reason(page, login, live_server, two_cases):
    from app.engine.models import HumanTask
    from app.engine.service import suspend_instance

    (number, task_id), _other = two_cases
    with live_server.session() as db:
        suspend_instance(db.get(HumanTask, task_id).instance_id, None, "等待省局复函")
    login(page, "mh_qs")
    page.goto("/inbox/department")
    row = page.locator("tr[data-task-id]", has_text=number)
    assert "流程已暂停" in row.inner_text()
    assert row.get_by_role("button", name="签收").count() == 0
    row.get_by_role("link", name="查看").click()
    page.wait_for_url(re.compile(rf"/inbox/tasks/{task_id}$"))
    assert "该案件流程已暂停（原因：等待省局复函）" in page.inner_text(".suspended-note")
    assert page.get_by_role("button", name="签收任务").count() == 0
    assert page.get_by_role("button", name="提交办结").count() == 0
