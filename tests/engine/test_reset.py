"""Moving the token back to an earlier completed user task."""
import pytest
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine import service
from app.engine.instance_ops import reset_to_task, resettable_tasks
from app.engine.models import HumanTask, ProcessInstance
from app.errors import Conflict, InvalidInput
from tests.engine import samples


def rows(db, case_id, status=None):
    stmt = select(HumanTask).where(HumanTask.case_id == case_id).order_by(HumanTask.id)
    if status:
        stmt = stmt.where(HumanTask.status == status)
    return list(db.scalars(stmt))


@pytest.fixture()
def at_act(db_session, deploy_xml, make_case, make_user):
    """A review_flow case whose review was approved: the token sits on 'act' (city enforcement)."""
    deploy_xml(samples.review_process())
    case = make_case("review_flow")
    [review] = rows(db_session, case.id, "ready")
    service.complete_task(review.id, make_user("350121", ["quality_supervision"]), {"approved": True})
    inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    return case, inst


def test_reset_withdraws_later_work_and_reopens_the_task(db_session, at_act, make_user):
    case, inst = at_act
    [act] = rows(db_session, case.id, "ready")
    assert [t.spec_name for t in resettable_tasks(inst.id)] == ["review"]
    admin = make_user("350000", ["quality_supervision"], roles=("process_admin",))

    result = reset_to_task(inst.id, "review", admin.id, "初审意见有误，重新审核")
    assert result.status == "running" and result.new_task_ids
    assert db_session.get(HumanTask, act.id).status == "cancelled"
    [again] = rows(db_session, case.id, "ready")
    assert again.spec_name == "review" and again.id in result.new_task_ids
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.event_type == "instance_reset",
                                                      CaseEvent.instance_id == inst.id))
    assert event.actor_id == admin.id and event.data["reason"] == "初审意见有误，重新审核"
    assert "初审" in event.summary

    # Completed again with the other decision, the case now takes the other path.
    done = service.complete_task(again.id, make_user("350121", ["quality_supervision"]), {"approved": False})
    assert done.status == "completed" and rows(db_session, case.id, "ready") == []


def test_reset_refused_for_task_that_never_ran(db_session, at_act):
    case, inst = at_act
    with pytest.raises(InvalidInput, match="尚未办理完成"):
        reset_to_task(inst.id, "escalate", None, "试试")
    with pytest.raises(InvalidInput, match="尚未办理完成"):
        reset_to_task(inst.id, "act", None, "当前任务不能退回")
    assert [t.spec_name for t in rows(db_session, case.id, "ready")] == ["act"]


def test_reset_refused_without_reason_and_when_suspended_or_ended(db_session, at_act):
    case, inst = at_act
    with pytest.raises(InvalidInput, match="原因"):
        reset_to_task(inst.id, "review", None, "")
    service.suspend_instance(inst.id, None, "核查中")
    with pytest.raises(Conflict, match="已挂起"):
        reset_to_task(inst.id, "review", None, "退回")
    assert resettable_tasks(inst.id) == []
    service.resume_instance(inst.id, None)
    service.cancel_instance(inst.id, None, "撤销")
    with pytest.raises(Conflict, match="已撤销"):
        reset_to_task(inst.id, "review", None, "退回")


def test_reset_clears_an_error(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process(condition="score > 60"))
    case = make_case("review_flow")
    clerk = make_user("350121", ["quality_supervision"])
    [review] = rows(db_session, case.id, "ready")
    result = service.complete_task(review.id, clerk, {"approved": True})
    inst = db_session.get(ProcessInstance, result.instance_id)
    assert inst.status == "error"
    reset_to_task(inst.id, "review", None, "网关条件缺少评分，重新填写")
    assert inst.status == "running" and inst.error_message == "" and inst.error_element == ""
    [again] = rows(db_session, case.id, "ready")
    assert service.complete_task(again.id, clerk, {"score": 80}).status == "running"
    assert [t.spec_name for t in rows(db_session, case.id, "ready")] == ["act"]


def test_real_listed_supervision_reset_in_the_progress_loop_then_migrate(db_session, make_enterprise):
    """The real 挂牌督办 process: back from acceptance to the last progress report, then onto a new version."""
    from pathlib import Path

    from app.cases.services import open_case
    from app.engine.deploy import deploy_files
    from app.engine.migration import migrate_instance
    from app.seed.reference import unit_by_code
    from tests.processes.conftest import CaseDriver

    source = (Path(__file__).resolve().parents[2] / "processes" / "listed_supervision.bpmn").read_bytes()
    deploy_files({"listed_supervision.bpmn": source})
    case = CaseDriver(open_case("listed_supervision", unit_by_code("350121"), title="挂牌督办",
                                enterprise=make_enterprise(), facts={"reason": "重大隐患逾期未整改"}))
    case.complete("ls_propose", listing_level="city", listing_reason="overdue_rectification")
    case.complete("ls_decide_city", listing_decision="list")
    case.complete("ls_progress", rectification_done=False)
    case.complete("ls_progress", rectification_done=True)
    inst = case.instance()
    assert case.ready_names() == ["ls_accept"]
    assert [t.spec_name for t in resettable_tasks(inst.id)] == ["ls_propose", "ls_decide_city", "ls_progress"]

    reset_to_task(inst.id, "ls_progress", None, "整改材料不全，重新报送")
    assert case.ready_names() == ["ls_progress"]

    [v2] = deploy_files({"listed_supervision.bpmn": source.replace('name="市局摘牌"'.encode(),
                                                                  'name="市局决定摘牌"'.encode())})
    migrate_instance(inst.id, v2.definition_id, None, "摘牌环节更名")
    case.complete("ls_progress", rectification_done=True)
    case.complete("ls_accept", acceptance_result="pass")
    assert case.task("ls_delist_city").title == "市局决定摘牌"
    case.complete("ls_delist_city", delisted=True)
    assert case.status() == ("closed", "completed")
