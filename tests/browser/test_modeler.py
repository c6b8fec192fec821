"""Browser: a process admin edits a deployed process in the modeler, validation points at the broken task,
the fixed process deploys as version 2, and an instance started on version 1 finishes on version 1."""
import re

import pytest
from playwright.sync_api import expect

KEY = "modeler_demo"
FORM = {"key": "modeler_check_form", "title": "复核意见",
        "fields": [{"name": "comment", "label": "意见", "type": "textarea"}]}


def _v1_xml():
    props = ('<bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="department" value="quality_supervision"/>'
             '<spiffworkflow:property name="formKey" value="modeler_check_form"/>'
             '</spiffworkflow:properties></bpmn:extensionElements>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{KEY}" targetNamespace="http://qsflow.test">
  <bpmn:process id="{KEY}" name="建模器演示流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="初审">{props}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end" name="办结"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="{KEY}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="280" y="138" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="450" y="160" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="216" y="178"/><di:waypoint x="280" y="178"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="380" y="178"/><di:waypoint x="450" y="178"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def _start_instance(live_server):
    from app.engine.service import start_instance

    with live_server.session():
        return start_instance(KEY).instance_id


def _instance_state(live_server, instance_id):
    from app.db import db
    from app.engine.models import HumanTask, ProcessInstance

    with live_server.session():
        inst = db.get(ProcessInstance, instance_id)
        tasks = db.query(HumanTask).filter_by(instance_id=instance_id, status="ready").all()
        return inst.definition.version, inst.status, [(t.spec_name, t.department_code, t.form_key) for t in tasks]


def _complete_ready_task(live_server, instance_id):
    from app.auth.accounts import create_user
    from app.db import db
    from app.engine.models import HumanTask
    from app.engine.service import complete_task
    from app.seed.reference import unit_by_code

    with live_server.session():
        task = db.query(HumanTask).filter_by(instance_id=instance_id, status="ready").one()
        # These instances have no case (so no bureau): the engine lets the task's assignee complete it.
        worker = create_user(f"worker_{instance_id}", "pw-123456", "办理人", unit_by_code("350000"),
                             [task.department_code])
        task.assignee_id = worker.id
        db.flush()
        complete_task(task.id, worker, {"comment": "同意"})


def _click_element(page, element_id):
    selected = page.evaluate("() => window.qsflowModeler.get('selection').get().map(e => e.id)")
    if selected == [element_id]:
        return  # a click on the selected element would toggle it off
    page.locator(f'g.djs-element.djs-shape[data-element-id="{element_id}"] .djs-hit').first.click()


def _new_ids(page, known):
    ids = page.evaluate("() => window.qsflowModeler.get('elementRegistry').getAll()"
                        ".filter(e => !e.labelTarget).map(e => e.id)")
    return [i for i in ids if i not in known]


@pytest.mark.browser
def test_modeler_edit_validate_deploy_new_version(page, login, live_server):
    live_server.add_form(FORM)
    live_server.deploy_xml(_v1_xml(), f"{KEY}.bpmn")
    old_instance = _start_instance(live_server)
    assert _instance_state(live_server, old_instance)[0] == 1

    script_errors = []
    page.on("pageerror", lambda exc: script_errors.append(str(exc)))
    login(page, "admin")
    page.goto(f"/admin/modeler?key={KEY}")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    assert script_errors == []
    known = _new_ids(page, [])

    # Replace "end" by: review -> new user task -> new end event, all through the context pad.
    _click_element(page, "end")
    page.locator('.djs-context-pad .entry[data-action="delete"]').click()
    _click_element(page, "review")
    page.locator('.djs-context-pad .entry[data-action="append.append-task"]').click()
    page.keyboard.type("立案审查")
    page.keyboard.press("Enter")
    [task_id] = [i for i in _new_ids(page, known) if i.startswith("Activity_")]
    _click_element(page, task_id)
    page.locator('.djs-context-pad .entry[data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    [task_id] = [i for i in _new_ids(page, known) if i.startswith("Activity_")]
    _click_element(page, task_id)
    page.locator('.djs-context-pad .entry[data-action="append.end-event"]').click()
    page.keyboard.press("Escape")

    _click_element(page, task_id)
    expect(page.locator("#panel")).to_contain_text("用户任务")
    page.select_option("#prop-department", "enforcement")
    page.fill("#prop-formKey", "modeler_missing_form")
    page.press("#prop-formKey", "Tab")
    page.fill("#prop-dueRule", "15WD")
    page.press("#prop-dueRule", "Tab")

    page.click("#btn-save")
    expect(page.locator("#modeler-status")).to_contain_text("草稿已保存")
    page.goto("/admin/")
    expect(page.locator(f"#process-{KEY} .draft-note")).to_contain_text("草稿")
    page.goto(f"/admin/modeler?key={KEY}")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")

    page.click("#btn-validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验未通过")
    problem = page.locator(f'#problem-list li[data-element="{task_id}"]')
    expect(problem).to_contain_text("modeler_missing_form")
    expect(page.locator(f'.qs-problem-badge[data-element="{task_id}"]')).to_be_visible()
    problem.click()
    expect(page.locator("#prop-formKey")).to_have_value("modeler_missing_form")

    page.fill("#prop-formKey", "modeler_check_form")
    page.press("#prop-formKey", "Tab")
    page.click("#btn-validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验通过")
    expect(page.locator(".qs-problem-badge.error")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-deploy")
    expect(page.locator("#modeler-status")).to_contain_text(f"已部署为 {KEY} 第 2 版")

    page.goto("/admin/")
    versions = page.locator(f"#process-{KEY} table.versions tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("v2")
    expect(versions.nth(1).locator(".live-count")).to_have_text("1")
    expect(page.locator(f"#process-{KEY} .draft-note")).to_have_count(0)

    new_instance = _start_instance(live_server)
    assert _instance_state(live_server, new_instance)[::2] == (2, [("review", "quality_supervision",
                                                                   "modeler_check_form")])
    # The old instance finishes on version 1 (review -> end); the new one reaches the added task.
    _complete_ready_task(live_server, old_instance)
    _complete_ready_task(live_server, new_instance)
    assert _instance_state(live_server, old_instance)[:2] == (1, "completed")
    version, status, tasks = _instance_state(live_server, new_instance)
    assert version == 2 and status != "completed"
    assert tasks == [(task_id, "enforcement", "modeler_check_form")]

    page.goto(f"/admin/processes/{KEY}/diff?from=1&to=2")
    expect(page.locator(".diff-added")).to_contain_text(task_id)
    expect(page.locator(".diff-removed")).to_contain_text("end")
    assert re.search(r"v1.*v2", page.inner_text("main"), re.S)


@pytest.mark.browser
def test_modeler_keeps_what_it_does_not_edit(page, login, live_server):
    """Opening and saving a process keeps spiffworkflow properties and multi-instance variable refs."""
    live_server.add_form(FORM)
    form_prop = '<spiffworkflow:property name="formKey" value="modeler_check_form"/>'
    xml = _v1_xml().replace(KEY, "modeler_loop").replace(
        form_prop, form_prop + '<spiffworkflow:property name="dueRule" value="5WD"/>')
    xml = xml.replace("</bpmn:userTask>", "<bpmn:multiInstanceLoopCharacteristics>"
                      "<bpmn:loopDataInputRef>batches</bpmn:loopDataInputRef>"
                      '<bpmn:inputDataItem id="batch" name="batch"/>'
                      "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>")
    live_server.deploy_xml(xml, "modeler_loop.bpmn")

    login(page, "admin")
    page.goto("/admin/modeler?key=modeler_loop")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    _click_element(page, "review")
    expect(page.locator("#prop-department")).to_have_value("quality_supervision")
    expect(page.locator("#prop-dueRule")).to_have_value("5WD")
    page.fill("#prop-name", "逐批初审")
    page.press("#prop-name", "Tab")
    page.click("#btn-validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验通过")
    page.click("#btn-save")
    expect(page.locator("#modeler-status")).to_contain_text("草稿已保存")

    from app.admin.models import ProcessDraft
    from app.db import db

    with live_server.session():
        draft = db.query(ProcessDraft).filter_by(process_key="modeler_loop").one().xml
    assert "逐批初审" in draft
    assert re.search(r"<bpmn:loopDataInputRef>batches</bpmn:loopDataInputRef>", draft)
    assert '<spiffworkflow:property name="dueRule" value="5WD"' in draft


@pytest.mark.browser
def test_modeler_edits_camunda_attributes(page, login, live_server):
    """A Camunda Modeler file keeps its dialect: the panel edits camunda:candidateGroups and camunda:formKey."""
    live_server.add_form(FORM)
    spiff_props = _v1_xml().split("<bpmn:extensionElements>", 1)[1].split("</bpmn:extensionElements>", 1)[0]
    xml = (_v1_xml().replace(KEY, "modeler_camunda")
           .replace(f"<bpmn:extensionElements>{spiff_props}</bpmn:extensionElements>", "")
           .replace('xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"',
                    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
           .replace('<bpmn:userTask id="review" name="初审">',
                    '<bpmn:userTask id="review" name="初审" camunda:candidateGroups="quality_supervision" '
                    'camunda:formKey="modeler_check_form">'))
    live_server.deploy_xml(xml, "modeler_camunda.bpmn")

    login(page, "admin")
    page.goto("/admin/modeler?key=modeler_camunda")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    _click_element(page, "review")
    expect(page.locator("#panel")).to_contain_text("Camunda")
    expect(page.locator("#prop-department")).to_have_value("quality_supervision")
    page.select_option("#prop-department", "enforcement")
    page.fill("#prop-formKey", "camunda_missing_form")
    page.press("#prop-formKey", "Tab")
    page.click("#btn-validate")
    expect(page.locator('#problem-list li[data-element="review"]')).to_contain_text("camunda_missing_form")
    page.fill("#prop-formKey", "modeler_check_form")
    page.press("#prop-formKey", "Tab")
    page.click("#btn-validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验通过")
    page.click("#btn-save")
    expect(page.locator("#modeler-status")).to_contain_text("草稿已保存")

    from app.admin.models import ProcessDraft
    from app.db import db

    with live_server.session():
        draft = db.query(ProcessDraft).filter_by(process_key="modeler_camunda").one().xml
    assert 'camunda:candidateGroups="enforcement"' in draft and "spiffworkflow:properties" not in draft


@pytest.mark.browser
def test_new_process_from_blank_template(page, login, live_server):
    """A new process: name its key, draw start -> user task -> end, deploy it as version 1."""
    live_server.add_form(FORM)
    login(page, "admin")
    page.goto("/admin/")
    page.click("#new-process")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    page.fill("#prop-process-id", "bad key!")
    page.once("dialog", lambda dialog: dialog.accept())
    page.press("#prop-process-id", "Tab")
    expect(page.locator("#prop-process-id")).not_to_have_value("bad key!")
    page.fill("#prop-process-id", "blank_flow")
    page.press("#prop-process-id", "Tab")
    page.fill("#prop-process-name", "空白新建流程")
    page.press("#prop-process-name", "Tab")
    expect(page.locator("#process-key")).to_have_text("blank_flow")

    known = _new_ids(page, [])
    _click_element(page, "StartEvent_1")
    page.locator('.djs-context-pad .entry[data-action="append.append-task"]').click()
    page.keyboard.type("登记")
    page.keyboard.press("Enter")
    page.locator('.djs-context-pad .entry[data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    [task_id] = [i for i in _new_ids(page, known) if i.startswith("Activity_")]
    _click_element(page, task_id)
    page.locator('.djs-context-pad .entry[data-action="append.end-event"]').click()
    page.keyboard.press("Escape")
    _click_element(page, task_id)
    page.select_option("#prop-department", "quality_supervision")
    page.select_option("#prop-orgLevel", "city")
    page.fill("#prop-formKey", "modeler_check_form")
    page.press("#prop-formKey", "Tab")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-deploy")
    expect(page.locator("#modeler-status")).to_contain_text("已部署为 blank_flow 第 1 版")

    from app.engine.deploy import latest_definition

    with live_server.session():
        definition = latest_definition("blank_flow")
        assert definition.name == "空白新建流程"
        task = definition.meta["user_tasks"][task_id]
        assert (task["department"], task["orgLevel"], task["formKey"]) == ("quality_supervision", "city",
                                                                           "modeler_check_form")
