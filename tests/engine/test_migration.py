"""Moving running instances to another version: safe moves go through, unsafe ones are refused."""
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine import service
from app.engine.migration import check_migration, migrate_instance
from app.engine.models import HumanTask, ProcessInstance
from app.errors import Conflict, InvalidInput
from tests.engine import samples

KEY = "mig_flow"


def task(tid, name, department="quality_supervision"):
    return f'<bpmn:userTask id="{tid}" name="{name}">{samples.props(department)}</bpmn:userTask>'


def chain(*tasks, key=KEY):
    """start -> tasks in order -> end."""
    ids = ["start"] + [t[0] for t in tasks] + ["end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>'
                    for a, b in zip(ids, ids[1:], strict=False))
    body = "".join(task(*t) for t in tasks)
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{key}" name="迁移测试流程" isExecutable="true">
    <bpmn:startEvent id="start"/>{body}{flows}<bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def parent_with_call(key="mig_parent", child="mig_child", register_name="登记"):
    return samples.HEAD.format(key=key) + f"""
  <bpmn:process id="{child}" name="子流程" isExecutable="true">
    <bpmn:startEvent id="c_start"/>
    <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="inspect"/>
    {task("inspect", "现场检查")}
    <bpmn:sequenceFlow id="c2" sourceRef="inspect" targetRef="c_end"/>
    <bpmn:endEvent id="c_end"/>
  </bpmn:process>
  <bpmn:process id="{key}" name="父流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="register"/>
    {task("register", register_name)}
    <bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="call_child"/>
    <bpmn:callActivity id="call_child" name="调用检查子流程" calledElement="{child}"/>
    <bpmn:sequenceFlow id="f3" sourceRef="call_child" targetRef="close"/>
    {task("close", "结案")}
    <bpmn:sequenceFlow id="f4" sourceRef="close" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def ready(db, case_id):
    stmt = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready").order_by(HumanTask.id)
    return list(db.scalars(stmt))


def instance_of(db, case_id):
    return db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case_id))


@pytest.fixture()
def clerk(make_user):
    return make_user("350121", ["quality_supervision"])


def test_added_task_after_current_one_is_safe_and_runs(db_session, deploy_xml, make_case, clerk):
    v1 = deploy_xml(chain(("review", "初审"), ("act", "处理")))[0]
    case = make_case(KEY)
    [review] = ready(db_session, case.id)
    v2 = deploy_xml(chain(("review", "初审"), ("check", "复核"), ("act", "处理")))[0]
    inst = instance_of(db_session, case.id)

    plan = check_migration(inst.id, v2.definition_id)
    assert plan.is_safe and plan.added == ["复核"] and (plan.from_version, plan.to_version) == (1, 2)

    result = migrate_instance(inst.id, v2.definition_id, None, "新增复核环节")
    assert result.status == "running" and inst.definition_id == v2.definition_id
    # The open inbox row is the same task: no duplicate, nothing cancelled.
    assert [t.id for t in ready(db_session, case.id)] == [review.id]
    service.complete_task(review.id, clerk, {})
    assert [t.spec_name for t in ready(db_session, case.id)] == ["check"]
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.instance_id == inst.id,
                                                      CaseEvent.event_type == "instance_migrated"))
    assert (event.data["from_version"], event.data["to_version"]) == (1, 2)
    assert event.data["reason"] == "新增复核环节" and v1.definition_id == event.data["from_definition_id"]
    # The migrated instance runs to its end on the new version.
    [check] = ready(db_session, case.id)
    service.complete_task(check.id, clerk, {})
    [act] = ready(db_session, case.id)
    assert service.complete_task(act.id, clerk, {}).status == "completed"


def test_removed_task_that_is_active_is_refused(db_session, deploy_xml, make_case):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case(KEY)
    v2 = deploy_xml(chain(("act", "处理")))[0]
    inst = instance_of(db_session, case.id)
    plan = check_migration(inst.id, v2.definition_id)
    assert not plan.is_safe and plan.removed == ["初审"]
    assert any("初审" in r and "删除" in r and "正在办理" in r for r in plan.reasons)
    with pytest.raises(Conflict) as refused:
        migrate_instance(inst.id, v2.definition_id, None, "精简流程")
    assert "初审" in refused.value.message
    db_session.refresh(inst)
    assert inst.definition.version == 1 and [t.spec_name for t in ready(db_session, case.id)] == ["review"]


def test_changed_task_that_already_ran_is_refused(db_session, deploy_xml, make_case, clerk):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case(KEY)
    service.complete_task(ready(db_session, case.id)[0].id, clerk, {})
    v2 = deploy_xml(chain(("review", "初审", "enforcement"), ("act", "处理")))[0]
    plan = check_migration(instance_of(db_session, case.id).id, v2.definition_id)
    assert plan.changed == ["初审"]
    assert plan.reasons and "初审" in plan.reasons[0] and "已执行" in plan.reasons[0]
    with pytest.raises(Conflict):
        migrate_instance(plan.instance_id, v2.definition_id, None, "调整科室")


def test_boundary_timer_added_to_the_active_task_is_refused(db_session, deploy_xml, make_case):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case(KEY)
    timer = ('<bpmn:boundaryEvent id="review_late" attachedToRef="review"><bpmn:timerEventDefinition>'
             '<bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
             '<bpmn:sequenceFlow id="f_late" sourceRef="review_late" targetRef="end"/>')
    v2 = deploy_xml(chain(("review", "初审"), ("act", "处理")).replace('<bpmn:endEvent id="end"/>',
                                                                       timer + '<bpmn:endEvent id="end"/>'))[0]
    plan = check_migration(instance_of(db_session, case.id).id, v2.definition_id)
    # The timer would never be armed for a task that is already open: refused.
    assert any("初审" in r and "正在办理" in r for r in plan.reasons), plan.reasons


def test_changed_task_not_reached_yet_is_safe(db_session, deploy_xml, make_case, clerk):
    deploy_xml(chain(("review", "初审"), ("act", "处理")))
    case = make_case(KEY)
    v2 = deploy_xml(chain(("review", "初审"), ("act", "立案处理", "enforcement")))[0]
    inst = instance_of(db_session, case.id)
    migrate_instance(inst.id, v2.definition_id, None, "改由执法科办理")
    service.complete_task(ready(db_session, case.id)[0].id, clerk, {})
    [act] = ready(db_session, case.id)
    assert (act.title, act.department_code) == ("立案处理", "enforcement")


def test_started_call_activity_is_refused(db_session, deploy_xml, make_case, clerk):
    deploy_xml(parent_with_call())
    case = make_case("mig_parent")
    service.complete_task(ready(db_session, case.id)[0].id, clerk, {})
    assert [t.spec_name for t in ready(db_session, case.id)] == ["inspect"]
    v2 = deploy_xml(parent_with_call(register_name="登记受理"), filename="v2.bpmn")
    target = next(r for r in v2 if r.key == "mig_parent")
    plan = check_migration(instance_of(db_session, case.id).id, target.definition_id)
    assert any("调用检查子流程" in r and "已启动" in r for r in plan.reasons)
    with pytest.raises(Conflict):
        migrate_instance(plan.instance_id, target.definition_id, None, "改名")


def test_waiting_timer_keeps_its_due_time(db_session, deploy_xml, make_case, clerk):
    deploy_xml(samples.review_process(key=KEY))
    with freeze_time("2026-11-02 01:00:00"):
        case = make_case(KEY)
        service.complete_task(ready(db_session, case.id)[0].id, clerk, {"approved": True})
        inst = instance_of(db_session, case.id)
        assert inst.next_timer_at == datetime(2026, 11, 12, 1, 0, tzinfo=UTC)
    v2 = deploy_xml(samples.review_process(key=KEY).replace('<bpmn:endEvent id="end_done" name="办结"/>',
                                                            '<bpmn:endEvent id="end_done" name="办结归档"/>'))[0]
    with freeze_time("2026-11-05 01:00:00"):
        migrate_instance(inst.id, v2.definition_id, None, "结束节点更名")
        # The boundary timer was armed on 2 Nov: migrating on 5 Nov must not restart the 10 days.
        assert inst.next_timer_at == datetime(2026, 11, 12, 1, 0, tzinfo=UTC)
        assert [t.spec_name for t in ready(db_session, case.id)] == ["act"]


def test_refusals_for_wrong_target_missing_reason_and_ended_instance(db_session, deploy_xml, make_case, clerk):
    v1 = deploy_xml(chain(("review", "初审")))[0]
    other = deploy_xml(chain(("review", "初审"), key="other_flow"))[0]
    case = make_case(KEY)
    inst = instance_of(db_session, case.id)
    with pytest.raises(InvalidInput, match="同一流程"):
        migrate_instance(inst.id, other.definition_id, None, "错误目标")
    with pytest.raises(InvalidInput, match="无需迁移"):
        check_migration(inst.id, v1.definition_id)
    v2 = deploy_xml(chain(("review", "初审"), ("act", "处理")))[0]
    with pytest.raises(InvalidInput, match="原因"):
        migrate_instance(inst.id, v2.definition_id, None, "  ")
    service.complete_task(ready(db_session, case.id)[0].id, clerk, {})
    with pytest.raises(Conflict, match="已办结"):
        migrate_instance(inst.id, v2.definition_id, None, "太晚了")


@freeze_time("2026-11-20 02:00:00")
def test_waiting_event_gateway_migrates_and_still_catches_the_message(db_session, deploy_xml, make_case, clerk):
    deploy_xml(samples.message_process())
    case = make_case("objection_flow", facts={"objection_deadline": "2026-12-01T23:59:59+08:00"})
    service.complete_task(ready(db_session, case.id)[0].id, clerk, {})
    inst = instance_of(db_session, case.id)
    assert (inst.status, inst.next_timer_at) == ("waiting", datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC))
    v2 = deploy_xml(samples.message_process().replace('name="复检"', 'name="复检确认"'))[0]
    plan = check_migration(inst.id, v2.definition_id)
    assert plan.is_safe and plan.changed == ["复检"]
    migrate_instance(inst.id, v2.definition_id, None, "复检环节更名")
    assert (inst.status, inst.next_timer_at) == ("waiting", datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC))
    service.send_message(case.id, "objection", {"reason": "对检验结论有异议"})
    assert [t.title for t in ready(db_session, case.id)] == ["复检确认"]
