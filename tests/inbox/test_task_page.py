"""The task page: form rendering, validation with kept input, drafts, completion, hand-over, errors."""
import re

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine.models import HumanTask
from app.inbox.models import TaskDraft

GOOD = {"opinion": "同意立案调查", "approved": ["false", "true"], "inspection_date": "2026-03-02",
        "fine_amount": "1500.5", "sample_count": "3", "enterprise_uscc": "91350100m000100y43",
        "severity": "major", "measures": ["stop", "rectify"],
        "hazards-0-description": "接地标识缺失", "hazards-0-deadline": "2026-04-01",
        "hazards-3-description": "绝缘层厚度不足", "hazards-3-is_fixed": ["false", "true"],
        "hazards-7-description": ""}


def _ready(db_session, case_id):
    return list(db_session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                           HumanTask.status == "ready")))


def test_validation_errors_are_inline_and_keep_the_input(open_task, make_user, login_as, client, db_session):
    case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    bad = {"opinion": "", "inspection_date": "2019-12-31", "fine_amount": "12.345", "sample_count": "三",
           "enterprise_uscc": "91350100M000100Y44", "severity": "major",
           "hazards-0-description": "", "hazards-0-deadline": "2026-05-01", "hazards-1-description": "漏电"}
    response = client.post(f"/inbox/tasks/{task.id}/complete", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "表单有 6 处需要更正" in html
    assert "必填项" in html and "不能早于 2020-01-01" in html and "最多保留 2 位小数" in html
    assert "请输入整数" in html and "校验" in html
    # What the user typed is shown back, including the bad values and the table rows.
    assert 'value="12.345"' in html and 'value="三"' in html and 'value="91350100M000100Y44"' in html
    assert 'name="hazards-0-deadline" id="f-hazards-0-deadline" value="2026-05-01"' in html
    assert 'name="hazards-1-description" id="f-hazards-1-description" value="漏电"' in html
    assert re.search(r'<option value="major" selected>', html)
    # The cell error sits in row 0's description cell.
    assert re.search(r'<td class="has-error" data-label="隐患描述"><input[^>]+name="hazards-0-description"', html)
    db_session.refresh(task)
    assert task.status == "ready" and _ready(db_session, case.id) == [task]


def test_complete_goes_back_to_inbox_naming_the_next_task(open_task, make_user, login_as, client, db_session):
    case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    response = client.post(f"/inbox/tasks/{task.id}/complete", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox/")
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "「初审」已办结，下一步：「立案处理」（福州市市场监督管理局执法稽查科）" in inbox
    db_session.refresh(task)
    assert task.status == "completed" and task.completed_by_id == clerk.id
    facts = db_session.get(type(case), case.id).facts
    assert facts["fine_amount"] == "1500.50" and facts["enterprise_uscc"] == "91350100M000100Y43"
    assert facts["measures"] == ["stop", "rectify"] and facts["approved"] is True
    assert facts["hazards"] == [
        {"description": "接地标识缺失", "deadline": "2026-04-01", "is_fixed": False},
        {"description": "绝缘层厚度不足", "deadline": None, "is_fixed": True}]
    (nxt,) = _ready(db_session, case.id)
    assert nxt.title == "立案处理" and nxt.department_code == "enforcement"
    # The city's enforcement clerk finds it in the department inbox.
    login_as(make_user("350100", ["enforcement"]))
    assert f'data-task-id="{nxt.id}"' in client.get("/inbox/department").get_data(as_text=True)


def test_last_task_completes_the_process(open_task, make_user, login_as, client, db_session):
    case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post(f"/inbox/tasks/{task.id}/complete",
                data={"opinion": "不予立案", "inspection_date": "2026-03-02", "approved": "false"})
    assert "「初审」已办结，流程已全部完成" in client.get("/inbox/").get_data(as_text=True)
    assert db_session.get(type(case), case.id).status == "closed"


def test_non_candidate_cannot_complete_or_save(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["enforcement"]))  # same bureau, other department: may look, not act
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "不是承办科室人员" in page and "<fieldset disabled>" in page and "提交办结" not in page
    assert client.post(f"/inbox/tasks/{task.id}/complete", data=GOOD).status_code == 403
    assert client.post(f"/inbox/tasks/{task.id}/draft", data=GOOD).status_code == 403
    db_session.refresh(task)
    assert task.status == "ready"


def test_someone_elses_claimed_task_cannot_be_completed(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post(f"/inbox/tasks/{task.id}/claim")
    login_as(make_user("350121", ["quality_supervision"]))
    assert "已由他人签收" in client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert client.post(f"/inbox/tasks/{task.id}/complete", data=GOOD).status_code == 403


def test_draft_is_saved_reloaded_and_discarded(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    response = client.post(f"/inbox/tasks/{task.id}/draft",
                           data={"opinion": "初步意见", "hazards-0-description": "标识不清"})
    assert response.status_code == 302
    draft = db_session.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task.id))
    assert draft.saved_by_id == clerk.id and draft.data["opinion"] == "初步意见"
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "草稿已保存" in page and "已载入草稿" in page and ">初步意见</textarea>" in page
    assert 'value="标识不清"' in page
    # A draft with a malformed value is still kept, with the problem pointed out.
    response = client.post(f"/inbox/tasks/{task.id}/draft", data={"opinion": "改", "inspection_date": "明天"})
    assert response.status_code == 200 and "草稿已保存，但有 1 处格式" in response.get_data(as_text=True)
    db_session.refresh(draft)
    assert draft.data["inspection_date"] == "明天"
    assert client.post(f"/inbox/tasks/{task.id}/draft/discard").status_code == 302
    assert db_session.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task.id)) is None
    assert "已载入草稿" not in client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)


def test_draft_is_removed_when_the_task_is_completed(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post(f"/inbox/tasks/{task.id}/draft", data={"opinion": "草稿"})
    client.post(f"/inbox/tasks/{task.id}/complete", data=GOOD)
    assert db_session.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task.id)) is None
    events = db_session.scalars(select(CaseEvent.event_type).where(CaseEvent.human_task_id == task.id))
    assert {"task_draft_saved", "task_completed"} <= set(events)


def test_head_assigns_and_staff_may_not(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(make_user("350121", ["quality_supervision"]))
    assert client.post(f"/inbox/tasks/{task.id}/assign", data={"assignee_id": clerk.id}).status_code == 403
    head = make_user("350100", ["quality_supervision"], roles=("staff", "supervisor"))
    login_as(head)
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert f'<option value="{clerk.id}">{clerk.display_name}</option>' in page
    missing = client.post(f"/inbox/tasks/{task.id}/assign", data={"assignee_id": ""})
    assert missing.status_code == 400 and "请选择承办人" in missing.get_data(as_text=True)
    outsider = make_user("350203", ["quality_supervision"])
    wrong = client.post(f"/inbox/tasks/{task.id}/assign", data={"assignee_id": outsider.id})
    assert wrong.status_code == 400 and "不属于该任务的承办单位" in wrong.get_data(as_text=True)
    ok = client.post(f"/inbox/tasks/{task.id}/assign", data={"assignee_id": clerk.id, "reason": "熟悉该企业",
                                                              "next": "task"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/inbox/tasks/{task.id}")
    db_session.refresh(task)
    assert task.assignee_id == clerk.id
    login_as(clerk)
    assert f'data-task-id="{task.id}"' in client.get("/inbox/").get_data(as_text=True)


def test_holder_delegates_to_a_colleague(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    holder = make_user("350121", ["quality_supervision"])
    colleague = make_user("350121", ["quality_supervision"])
    login_as(holder)
    client.post(f"/inbox/tasks/{task.id}/claim")
    response = client.post(f"/inbox/tasks/{task.id}/delegate", data={"assignee_id": colleague.id, "reason": "出差"})
    assert response.status_code == 302
    db_session.refresh(task)
    assert task.assignee_id == colleague.id
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.human_task_id == task.id,
                                                      CaseEvent.event_type == "task_delegated"))
    assert event.data["reason"] == "出差"


def test_missing_form_is_explained_not_a_500(two_step, make_case, make_user, login_as, client, inbox_forms):
    case = make_case("penalty_case", "350121")
    (inbox_forms / "inbox_review.json").unlink()
    from app.db import db

    task = db.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    login_as(make_user("350121", ["quality_supervision"]))
    page = client.get(f"/inbox/tasks/{task.id}")
    assert page.status_code == 200 and "表单「inbox_review」不存在" in page.get_data(as_text=True)
    response = client.post(f"/inbox/tasks/{task.id}/complete", data=GOOD)
    assert response.status_code == 302
    assert "不存在" in client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert task.status == "ready"


def test_unknown_task_is_404(make_user, login_as, client):
    login_as(make_user())
    assert client.get("/inbox/tasks/999999").status_code == 404
    assert client.post("/inbox/tasks/999999/claim").status_code == 404



def test_engine_error_after_completion_keeps_the_work_and_says_so(deploy_xml, inbox_forms, make_case, make_user,
                                                                  login_as, client, db_session):
    from app.cases.models import Case
    from app.engine.models import ProcessInstance

    xml = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="http://qsflow.test">
  <bpmn:process id="recall" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="t"/>
    <bpmn:userTask id="t" name="核查"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="department" value="quality_supervision"/>
      <spiffworkflow:property name="formKey" value="inbox_act"/>
      <spiffworkflow:property name="orgLevel" value="county"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="b" sourceRef="t" targetRef="g"/>
    <bpmn:exclusiveGateway id="g" default="d"/>
    <bpmn:sequenceFlow id="c" sourceRef="g" targetRef="e"><bpmn:conditionExpression>no_such_value &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="d" sourceRef="g" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>"""
    deploy_xml(xml)
    case = make_case("recall", "350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    login_as(make_user("350121", ["quality_supervision"]))
    response = client.post(f"/inbox/tasks/{task.id}/complete", data={"decision_no": "闽侯市监处〔2026〕1号"})
    assert response.status_code == 302
    flash = client.get("/inbox/").get_data(as_text=True)
    assert "「核查」已办结，但流程后续步骤执行出错" in flash
    instance = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    assert instance.status == "error"
    assert db_session.get(Case, case.id).facts["decision_no"] == "闽侯市监处〔2026〕1号"
