"""A message that arrived before its process waited for it is delivered by the step that starts the wait,
whichever transaction stored it; a case holding none costs that step no lookup (SQLite)."""
import pytest
from sqlalchemy import select

from app.auth.models import User
from app.db import db, unit_of_work
from app.engine import service
from app.engine.models import HumanTask, PendingMessage
from tests.engine.committed import committed_case
from tests.engine.samples import HEAD, props

XML = HEAD.format(key="sm_flow") + f"""
  <bpmn:message id="m_supplement" name="supplement"/>
  <bpmn:process id="sm_flow" name="补正流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="审查">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="收到补正材料">
      <bpmn:messageEventDefinition messageRef="m_supplement"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="handle"/>
    <bpmn:userTask id="handle" name="处理补正">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="handle" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture()
def flow_case(app, committed_db):
    return committed_case("sm_flow.bpmn", XML, "sm_flow", uscc_body="91350121MA0000007",
                          enterprise="补正测试企业", title="补正", username="supplementer")


def _complete_review(case_id, user_id):
    task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.spec_name == "review"))
    service.complete_task(task_id, db.get(User, user_id), {})


def _state(case_id):
    """(open task names, delivered flags of the case's stored messages), read in a new transaction."""
    try:
        names = sorted(db.scalars(select(HumanTask.spec_name).where(HumanTask.case_id == case_id,
                                                                     HumanTask.status == "ready")))
        delivered = [m.delivered_at is not None
                     for m in db.scalars(select(PendingMessage).where(PendingMessage.case_id == case_id))]
        return names, delivered
    finally:
        db.remove()


def test_a_message_stored_in_an_earlier_transaction_is_delivered_when_the_wait_begins(app, flow_case):
    case_id, user_id = flow_case
    with unit_of_work():
        assert service.send_message(case_id, "supplement", {"note": "提前送来"}) is None
    db.remove()
    assert _state(case_id) == (["review"], [False])
    with unit_of_work():
        _complete_review(case_id, user_id)
    db.remove()
    assert _state(case_id) == (["handle"], [True])


def test_a_message_stored_in_the_same_transaction_is_delivered_too(app, flow_case):
    case_id, user_id = flow_case
    with unit_of_work():
        service.send_message(case_id, "supplement", {})
        _complete_review(case_id, user_id)
    db.remove()
    assert _state(case_id) == (["handle"], [True])


def test_without_a_stored_message_the_step_waits_and_sqlite_looks_nothing_up(app, flow_case, count_queries):
    case_id, user_id = flow_case
    with unit_of_work(), count_queries() as counter:
        _complete_review(case_id, user_id)
    db.remove()
    assert _state(case_id) == ([], [])
    lookups = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT PENDING_MESSAGE")]
    # PostgreSQL looks up: a lock that waited reads its subqueries as of before the wait.
    assert len(lookups) == (1 if app.extensions["db_engine"].dialect.name == "postgresql" else 0)
    # The message that comes later is delivered at once.
    with unit_of_work():
        service.send_message(case_id, "supplement", {})
    db.remove()
    assert _state(case_id) == (["handle"], [])
