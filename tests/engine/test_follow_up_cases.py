"""A process opens a follow-up case by throwing `start:<process_key>` with a payload."""
from sqlalchemy import select

from app.cases.models import Case
from tests.engine import samples


def throw_process(with_tasks_after=False):
    tail = ""
    if with_tasks_after:
        tail = f"""
    <bpmn:userTask id="one" name="后续一">{samples.props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="one" targetRef="two"/>
    <bpmn:userTask id="two" name="后续二">{samples.props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="two" targetRef="end"/>"""
    return samples.HEAD.format(key="thrower") + """
  <bpmn:message id="msg_start" name="start:review_flow"/>
  <bpmn:process id="thrower" name="抛出" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="throw"/>
    <bpmn:intermediateThrowEvent id="throw" name="启动后续">
      <bpmn:messageEventDefinition messageRef="msg_start">
        <bpmn:extensionElements>
          <spiffworkflow:messagePayload>{"reason": "测试", "title": "后续案件"}</spiffworkflow:messagePayload>
        </bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="throw" targetRef="{after}"/>{tail}
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>""".replace("{after}", "one" if with_tasks_after else "end").replace("{tail}", tail)

def test_thrown_start_message_opens_follow_up_case_with_payload(db_session, deploy_xml, make_case):
    deploy_xml(samples.review_process())
    deploy_xml(throw_process(), filename="thrower.bpmn")
    case = make_case("thrower")
    [follow] = db_session.scalars(select(Case).where(Case.id != case.id))
    assert (follow.kind, follow.title, follow.org_unit_id) == ("review_flow", "后续案件", case.org_unit_id)
    assert follow.facts == {"reason": "测试", "parent_case_number": case.number}
    assert follow.enterprise_id == case.enterprise_id
    assert case.status == "closed"
    assert [t.spec_name for t in follow_tasks(db_session, follow.id)] == ["review"]


def follow_tasks(db, case_id):
    from app.engine.models import HumanTask
    return list(db.scalars(select(HumanTask).where(HumanTask.case_id == case_id)))


def test_follow_up_is_opened_once_not_again_on_later_saves(db_session, deploy_xml, make_case, make_user):
    from app.engine import service

    deploy_xml(samples.review_process())
    deploy_xml(throw_process(with_tasks_after=True), filename="thrower.bpmn")
    case = make_case("thrower")
    clerk = make_user("350121")
    for _ in range(2):
        [task] = [t for t in follow_tasks(db_session, case.id) if t.status == "ready"]
        service.complete_task(task.id, clerk, {})
    assert case.status == "closed"
    assert len(db_session.scalars(select(Case).where(Case.id != case.id)).all()) == 1
