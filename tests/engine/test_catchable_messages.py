"""Which outside messages a case's processes can catch, read from the deployed definitions and the state."""
from pathlib import Path

from app.engine import service
from app.engine.deploy import deploy_directory
from app.engine.messages import catchable_messages
from tests.engine.samples import HEAD, props
from tests.processes.conftest import CaseDriver, clock  # noqa: F401  (clock: a fixture)

PROCESSES = Path(__file__).resolve().parents[2] / "processes"

CALLEE = HEAD.format(key="cm_callee") + """
  <bpmn:message id="m_supplement" name="supplement"/>
  <bpmn:process id="cm_callee" name="补正材料" isExecutable="true">
    <bpmn:startEvent id="c_start"/>
    <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="c_wait"/>
    <bpmn:intermediateCatchEvent id="c_wait" name="收到补正材料">
      <bpmn:messageEventDefinition messageRef="m_supplement"/>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="c2" sourceRef="c_wait" targetRef="c_end"/>
    <bpmn:endEvent id="c_end"/>
  </bpmn:process>
</bpmn:definitions>"""

CALLER = HEAD.format(key="cm_caller") + f"""
  <bpmn:message id="m_withdraw" name="withdrawal"/>
  <bpmn:message id="m_ack" name="receipt"/>
  <bpmn:message id="m_out" name="notice_sent"/>
  <bpmn:process id="cm_caller" name="外部来件" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="审查">{props("quality_supervision")}</bpmn:userTask>
    <bpmn:boundaryEvent id="withdrawn" name="申请人撤回" attachedToRef="review">
      <bpmn:messageEventDefinition messageRef="m_withdraw"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_w" sourceRef="withdrawn" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="ack"/>
    <bpmn:receiveTask id="ack" name="收到送达回证" messageRef="m_ack"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ack" targetRef="throw"/>
    <bpmn:intermediateThrowEvent id="throw" name="启动召回">
      <bpmn:messageEventDefinition messageRef="m_out"/>
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="throw" targetRef="call"/>
    <bpmn:callActivity id="call" name="补正" calledElement="cm_callee"/>
    <bpmn:sequenceFlow id="f5" sourceRef="call" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _view(case_id):
    return [(m.name, m.element_name, m.is_awaited, m.stored_count) for m in catchable_messages(case_id)]


def test_catches_of_boundary_receive_task_and_called_process_each_awaited_in_turn(db_session, make_case, make_user):
    from app.engine.deploy import deploy_files

    deploy_files({"cm_callee.bpmn": CALLEE.encode(), "cm_caller.bpmn": CALLER.encode()}, form_exists=None)
    case = make_case("penalty_case", start_process=False)
    service.start_instance("cm_caller", case_id=case.id)
    driver = CaseDriver(case)
    # Thrown messages (notice_sent) are not something a clerk can register.
    assert _view(case.id) == [("withdrawal", "申请人撤回", True, 0), ("receipt", "收到送达回证", False, 0),
                              ("supplement", "收到补正材料", False, 0)]
    service.send_message(case.id, "supplement", {"note": "提前送来"})
    task = driver.task("review")
    service.complete_task(task.id, make_user("350121", departments=("quality_supervision",)), {})
    # The stored supplement waits for the called process; the receive task is awaited now, first in the list.
    assert _view(case.id) == [("receipt", "收到送达回证", True, 0), ("withdrawal", "申请人撤回", False, 0),
                              ("supplement", "收到补正材料", False, 1)]
    service.send_message(case.id, "receipt", {})
    # Reaching the call activity delivered the stored supplement: the process ended, nothing is catchable.
    assert driver.status() == ("open", "completed")
    assert _view(case.id) == []


def test_failed_sample_objection_is_awaited_only_after_the_notice(db_session, clock, make_enterprise):
    from app.cases.services import open_case
    from app.seed.reference import unit_by_code

    deploy_directory(PROCESSES)
    facts = {"sample_no": "GB260001", "test_report_no": "FJQI-2026-0123", "test_lab": "福建省产品质量检验研究院",
             "test_date": "2026-02-26", "is_food": False, "is_consumer_product": True, "goods_value": 86000,
             "failed_items": [{"item": "绝缘电阻", "limit": "≥2MΩ", "measured": "0.5MΩ", "is_safety": True}]}
    case = open_case("failed_sample_disposal", unit_by_code("350121"), title="抽检不合格", enterprise=make_enterprise(),
                     product_category="wire_cable", product_name="电缆", facts=facts)
    driver = CaseDriver(case)
    found = {m.name: m for m in catchable_messages(case.id)}
    assert found["objection"].element_name == "收到异议及复检申请" and not found["objection"].is_awaited
    # The penalty case runs inside the disposal (call activity): its hearing request is catchable here too.
    assert found["hearing_request"].element_name == "当事人申请听证"
    assert not any(name.startswith("start:") for name in found)
    driver.complete("fs_register")
    driver.complete("fs_notice", notice_date="2026-03-02", notice_served_date="2026-03-02")
    first = catchable_messages(case.id)[0]
    assert (first.name, first.is_awaited) == ("objection", True)
    assert not {m.name: m for m in catchable_messages(case.id)}["hearing_request"].is_awaited
