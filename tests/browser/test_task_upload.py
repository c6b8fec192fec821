"""In the browser: uploading a document on the task page keeps what was typed in the task form, and the new
document can be ticked in the form's attachment field at once; a claim race ends on a friendly message."""
import re

import pytest

FLOW_KEY = "upload_flow_demo"
FORM = {
    "key": "upload_flow_check", "title": "整改材料",
    "fields": [
        {"name": "rectify_summary", "label": "整改情况", "type": "textarea", "required": True},
        {"name": "rectify_files", "label": "整改材料", "type": "attachments", "required": True},
    ],
}
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_up" targetNamespace="http://qsflow.test">
  <bpmn:process id="{FLOW_KEY}" name="上传测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rectify"/>
    <bpmn:userTask id="rectify" name="提交整改材料"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="department" value="quality_supervision"/>
      <spiffworkflow:property name="formKey" value="upload_flow_check"/>
      <spiffworkflow:property name="orgLevel" value="county"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rectify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def upload_task(live_server):
    """A case at 闽侯县 waiting at a task whose form asks for documents; returns (case id, task id)."""
    from sqlalchemy import select

    from app.cases.services import get_or_create_enterprise, open_case
    from app.engine.models import HumanTask
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    live_server.add_form(FORM)
    live_server.deploy_xml(XML, f"{FLOW_KEY}.bpmn")
    with live_server.session() as db:
        ent = get_or_create_enterprise(make_uscc("91350121MA2XYU001"), "闽侯县上传测试有限公司", region_code="350121")
        case = open_case(FLOW_KEY, unit_by_code("350121"), title="整改材料上传", enterprise=ent)
        task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
        return case.id, task.id


def test_upload_keeps_the_typed_form_and_offers_the_new_document(page, login, live_server, upload_task, tmp_path):
    case_id, task_id = upload_task
    login(page, "mh_qs")
    page.goto(f"/inbox/tasks/{task_id}")
    page.get_by_role("button", name="签收任务").click()
    page.wait_for_url(re.compile(rf"/inbox/tasks/{task_id}$"))
    assert "文件会出现在这里供勾选" in page.inner_text(".task-form")
    page.fill("#f-rectify_summary", "已更换全部不合格插头，附整改照片")

    photo = tmp_path / "整改照片.pdf"
    photo.write_bytes(b"%PDF-1.4\n% test\n")
    upload = page.locator(".task-extras form.upload-form")
    upload.locator("input[type=file]").set_input_files(str(photo))
    upload.locator("input[name=description]").fill("整改后照片")
    upload.get_by_role("button", name="上传").click()
    page.wait_for_selector(".upload-result.flash-success")
    # Still the same page, the typed text kept, the new document offered in the form's field.
    assert page.url.endswith(f"/inbox/tasks/{task_id}")
    assert page.input_value("#f-rectify_summary") == "已更换全部不合格插头，附整改照片"
    choice = page.locator("#f-rectify_files input[type=checkbox]")
    assert choice.count() == 1 and "整改照片.pdf" in page.inner_text("#f-rectify_files")
    assert "整改照片.pdf" in page.inner_text(".case-docs table")
    choice.check()
    page.get_by_role("button", name="提交办结").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert "「提交整改材料」已办结" in page.inner_text(".flash-success")
    with live_server.session() as db:
        from app.cases.models import Case

        facts = db.get(Case, case_id).facts
    assert facts["rectify_summary"] == "已更换全部不合格插头，附整改照片" and len(facts["rectify_files"]) == 1


def test_a_refused_upload_is_said_in_place_and_keeps_the_form(page, login, live_server, upload_task, tmp_path):
    _case_id, task_id = upload_task
    login(page, "mh_qs")
    page.goto(f"/inbox/tasks/{task_id}")
    page.get_by_role("button", name="签收任务").click()
    page.fill("#f-rectify_summary", "先写下的内容")
    bad = tmp_path / "script.exe"
    bad.write_bytes(b"MZ")
    upload = page.locator(".task-extras form.upload-form")
    upload.locator("input[type=file]").set_input_files(str(bad))
    upload.get_by_role("button", name="上传").click()
    page.wait_for_selector(".upload-result.flash-error")
    assert page.input_value("#f-rectify_summary") == "先写下的内容"


def test_claim_race_ends_on_a_message_not_a_409_page(browser, page, login, live_server, upload_task):
    _case_id, task_id = upload_task
    login(page, "mh_qs")
    # Filtered to the enterprise: other browser tests leave more than a page of tasks in the same live server.
    page.goto("/inbox/department?enterprise=闽侯县上传测试有限公司")
    # A colleague claims it first, in another browser.
    other_context = browser.new_context(base_url=live_server.url)
    other = other_context.new_page()
    login(other, "mh_qs_head")
    other.goto(f"/inbox/tasks/{task_id}")
    other.get_by_role("button", name="签收任务").click()
    other_context.close()
    page.locator(f"tr[data-task-id='{task_id}']").get_by_role("button", name="签收").click()
    page.wait_for_url(re.compile(rf"/inbox/tasks/{task_id}$"))
    assert "该任务已被他人签收" in page.inner_text(".flash-error")
    assert "409" not in page.title()
