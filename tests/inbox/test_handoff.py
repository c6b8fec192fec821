"""Fewer clicks: the starter's first task is claimed and prefilled; "办结并继续" opens the next task
when it is the user's or their department's, and only then."""
from sqlalchemy import select

from app.engine.models import HumanTask
from app.inbox import handoff
from app.inbox.models import TaskDraft

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs" targetNamespace="http://qsflow.test">')


def _task(task_id, name, department, form_key, level):
    inner = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in
                    (("department", department), ("formKey", form_key), ("orgLevel", level)))
    return (f'<bpmn:userTask id="{task_id}" name="{name}"><bpmn:extensionElements><spiffworkflow:properties>'
            f'{inner}</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


# review (county QS) -> act (county QS, same department) -> end
SAME_DEPARTMENT = HEAD + f"""
  <bpmn:process id="penalty_case" name="测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    {_task("review", "初审", "quality_supervision", "inbox_review", "county")}
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="act"/>
    {_task("act", "立案处理", "quality_supervision", "inbox_act", "county")}
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""

REVIEW = {"opinion": "同意", "inspection_date": "2026-03-02"}


def _ready(db_session, case):
    return db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))


def test_first_task_is_claimed_and_prefilled_from_the_case_facts(db_session, two_step, make_case, make_user,
                                                                 login_as):
    user = make_user("350121")
    facts = {"opinion": "登记时写下的意见", "inspection_date": "2026-03-02", "severity": "major",
             "hazards": [{"description": "插头松动", "deadline": "2026-04-01", "is_fixed": False, "extra": "x"}],
             "not_a_field": "ignored"}
    case = make_case("penalty_case", "350121", facts=facts, user_id=user.id)
    task = handoff.take_up_first_task(user, case)
    assert task is not None and task.assignee_id == user.id
    draft = db_session.scalar(select(TaskDraft).where(TaskDraft.human_task_id == task.id))
    assert draft.data == {"opinion": "登记时写下的意见", "inspection_date": "2026-03-02", "severity": "major",
                          "hazards": [{"description": "插头松动", "deadline": "2026-04-01", "is_fixed": False}]}
    html = login_as(user).get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "登记时写下的意见" in html and 'value="2026-03-02"' in html and 'value="插头松动"' in html


def test_first_task_of_another_department_is_prefilled_but_not_claimed(db_session, two_step, make_case,
                                                                         make_user):
    clerk = make_user("350121", departments=("consumer_protection",))
    case = make_case("penalty_case", "350121", facts={"opinion": "转来的意见"}, user_id=clerk.id)
    assert handoff.take_up_first_task(clerk, case) is None
    task = _ready(db_session, case)
    assert task.assignee_id is None
    assert db_session.scalar(select(TaskDraft.data).where(TaskDraft.human_task_id == task.id)) == {
        "opinion": "转来的意见"}


def test_complete_and_continue_opens_the_same_departments_next_task(db_session, deploy_xml, inbox_forms,
                                                                    make_case, make_user, login_as):
    deploy_xml(SAME_DEPARTMENT)
    user = make_user("350121")
    case = make_case("penalty_case", "350121")
    first = _ready(db_session, case)
    client = login_as(user)
    client.post(f"/inbox/tasks/{first.id}/claim")
    response = client.post(f"/inbox/tasks/{first.id}/complete", data={**REVIEW, "then": "continue"})
    second = _ready(db_session, case)
    assert second.spec_name == "act" and second.assignee_id == user.id
    assert response.headers["Location"].endswith(f"/inbox/tasks/{second.id}")
    assert "已为您打开下一步「立案处理」" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_plain_submit_and_continue_to_another_bureau_go_back_to_the_inbox(db_session, two_step, make_case,
                                                                           make_user, login_as):
    user = make_user("350121")
    case = make_case("penalty_case", "350121")
    first = _ready(db_session, case)
    client = login_as(user)
    client.post(f"/inbox/tasks/{first.id}/claim")
    # The next step (立案处理) belongs to the city's enforcement: nothing to open, nothing claimed.
    response = client.post(f"/inbox/tasks/{first.id}/complete", data={**REVIEW, "approved": "1", "then": "continue"})
    assert response.headers["Location"].endswith("/inbox/")
    assert _ready(db_session, case).assignee_id is None
