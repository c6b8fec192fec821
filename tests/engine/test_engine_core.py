"""Engine behaviour through the persisted service: deploy, start, complete, refuse, timers, retry."""
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.engine import service
from app.engine.errors import DeployError
from app.engine.models import HumanTask, ProcessDefinition, ProcessInstance
from app.errors import Conflict, Forbidden
from app.seed.reference import unit_by_code
from tests.engine import samples


def ready_tasks(db, case_id):
    return list(db.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")))


def test_deploy_versions_only_when_changed(db_session, deploy_xml):
    first = deploy_xml(samples.review_process())
    again = deploy_xml(samples.review_process())
    changed = deploy_xml(samples.review_process(condition="approved == True and 1 == 1"))
    assert (first[0].version, first[0].is_new) == (1, True)
    assert (again[0].version, again[0].is_new) == (1, False)
    assert (changed[0].version, changed[0].is_new) == (2, True)
    assert db_session.scalar(select(ProcessDefinition.sha256).where(ProcessDefinition.version == 2)) != \
        db_session.scalar(select(ProcessDefinition.sha256).where(ProcessDefinition.version == 1))


@freeze_time("2026-09-28 02:00:00")
def test_start_routes_task_to_county_department_with_working_day_deadline(db_session, deploy_xml, make_case):
    deploy_xml(samples.review_process())
    case = make_case("review_flow", org_code="350121")
    [task] = ready_tasks(db_session, case.id)
    assert (task.spec_name, task.title, task.department_code) == ("review", "初审", "quality_supervision")
    assert task.org_unit_id == unit_by_code("350121").id
    # 5 working days after Mon 28 Sep 2026: 29, 30 Sep, (National Day 1-7 Oct), 8, 9 Oct and the
    # make-up working Saturday 10 Oct; due at the end of that day, Beijing time.
    assert task.due_at == datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC)
    events = [e.event_type for e in db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert events[:3] == ["case_opened", "instance_started", "task_created"]


def test_complete_moves_to_city_enforcement(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    case = make_case("review_flow", org_code="350121")
    clerk = make_user("350121", ["quality_supervision"])
    [task] = ready_tasks(db_session, case.id)
    result = service.complete_task(task.id, clerk, {"approved": True})
    assert result.status == "running"
    [nxt] = ready_tasks(db_session, case.id)
    assert (nxt.spec_name, nxt.department_code, nxt.org_unit_id) == ("act", "enforcement", unit_by_code("350100").id)
    assert db_session.get(HumanTask, task.id).completed_by_id == clerk.id


def test_rejected_path_completes_case(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    case = make_case("review_flow")
    clerk = make_user("350121", ["quality_supervision"])
    [task] = ready_tasks(db_session, case.id)
    assert service.complete_task(task.id, clerk, {"approved": False}).status == "completed"
    assert case.status == "closed" and case.closed_at is not None


def test_refuses_other_department_other_bureau_and_done_tasks(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    case = make_case("review_flow", org_code="350121")
    [task] = ready_tasks(db_session, case.id)
    with pytest.raises(Forbidden):
        service.complete_task(task.id, make_user("350121", ["enforcement"]), {"approved": True})
    with pytest.raises(Forbidden):
        service.complete_task(task.id, make_user("350102", ["quality_supervision"]), {"approved": True})
    clerk = make_user("350121", ["quality_supervision"])
    service.complete_task(task.id, clerk, {"approved": False})
    with pytest.raises(Conflict):
        service.complete_task(task.id, clerk, {"approved": True})


def test_boundary_timer_fires_once_with_frozen_time(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    with freeze_time("2026-11-02 01:00:00"):
        case = make_case("review_flow")
        [task] = ready_tasks(db_session, case.id)
        service.complete_task(task.id, make_user("350121", ["quality_supervision"]), {"approved": True})
        inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
        assert inst.next_timer_at == datetime(2026, 11, 12, 1, 0, tzinfo=UTC)
        assert service.fire_timers(inst.id) is None  # not due yet: nothing happens
    with freeze_time("2026-11-12 01:00:01"):
        assert service.due_timer_instance_ids(datetime.now(UTC)) == [inst.id]
        service.fire_timers(inst.id)
        [esc] = ready_tasks(db_session, case.id)
        assert (esc.spec_name, esc.org_unit_id) == ("escalate", unit_by_code("350000").id)
        cancelled = db_session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                               HumanTask.status == "cancelled")).all()
        assert [t.spec_name for t in cancelled] == ["act"]
        version = inst.version
        assert service.fire_timers(inst.id) is None  # second firing changes nothing
        assert inst.version == version and len(ready_tasks(db_session, case.id)) == 1


@freeze_time("2026-11-20 02:00:00")
def test_message_before_and_after_wait(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.message_process())
    case = make_case("objection_flow", facts={"objection_deadline": "2026-12-01T23:59:59+08:00"})
    # The objection arrives while the notice is still being written: it is kept, then delivered.
    assert service.send_message(case.id, "objection", {"reason": "送检样品非本企业生产"}) is None
    [notice] = ready_tasks(db_session, case.id)
    service.complete_task(notice.id, make_user("350121", ["quality_supervision"]), {})
    [retest] = ready_tasks(db_session, case.id)
    assert retest.spec_name == "retest" and retest.department_code == "testing_body"


def test_expression_error_sets_error_and_retry_with_fixed_data(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process(condition="score > 60"))
    case = make_case("review_flow")
    [task] = ready_tasks(db_session, case.id)
    result = service.complete_task(task.id, make_user("350121", ["quality_supervision"]), {"approved": True})
    inst = db_session.get(ProcessInstance, result.instance_id)
    assert inst.status == "error" and inst.error_element == "gw" and "score" in inst.error_message
    assert db_session.get(HumanTask, task.id).status == "completed"  # the user's work is kept
    retried = service.retry_instance(inst.id, None, {"score": 75})
    assert retried.status == "running"
    assert [t.spec_name for t in ready_tasks(db_session, case.id)] == ["act"]


def test_suspend_blocks_completion_and_cancel_withdraws_tasks(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    case = make_case("review_flow")
    [task] = ready_tasks(db_session, case.id)
    clerk = make_user("350121", ["quality_supervision"])
    service.suspend_instance(task.instance_id, clerk.id, "等待检测")
    with pytest.raises(Conflict):
        service.complete_task(task.id, clerk, {"approved": True})
    service.resume_instance(task.instance_id, clerk.id)
    service.cancel_instance(task.instance_id, clerk.id, "重复立案")
    assert ready_tasks(db_session, case.id) == [] and case.status == "cancelled"


@pytest.mark.parametrize("condition, fragment", [
    ("__import__('os').system('true')", "__import__"),
    ("().__class__.__base__.__subclasses__()", "__class__"),
])
def test_malicious_conditions_refused_at_deploy(db_session, deploy_xml, condition, fragment):
    with pytest.raises(DeployError) as err:
        deploy_xml(samples.review_process(condition=condition))
    assert any(p.element == "f_yes" for p in err.value.problems)
    assert fragment in str(err.value.problems[0]) or "双下划线" in str(err.value.problems[0])


def test_bare_timer_duration_refused(db_session, deploy_xml):
    with pytest.raises(DeployError) as err:
        deploy_xml(samples.review_process(timer="P10D"))
    assert "引号" in err.value.problems[0].message and err.value.problems[0].element == "act_timeout"
