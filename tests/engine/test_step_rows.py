"""A step's own rows (instance, inbox, audit), written with plain statements, read back as the ORM wrote them."""
import pytest
from sqlalchemy import inspect, select, update

from app import signals
from app.audit.models import CaseEvent
from app.audit.services import record_event
from app.db import db, unit_of_work
from app.engine import service
from app.engine.models import HumanTask, ProcessInstance
from app.errors import Conflict
from tests.engine.committed import committed_case
from tests.engine.samples import HEAD, props

BRANCHES = (("check_a", "抽样核查", "quality_supervision"), ("check_b", "现场检查", "enforcement"),
            ("check_c", "台账核对", "quality_supervision"))


def _split_process():
    """start -> intake -> parallel split into three user tasks -> join -> end."""
    branches = "".join(
        f'<bpmn:userTask id="{bid}" name="{name}">{props(dept, due_rule="5WD")}</bpmn:userTask>'
        f'<bpmn:sequenceFlow id="to_{bid}" sourceRef="split" targetRef="{bid}"/>'
        f'<bpmn:sequenceFlow id="from_{bid}" sourceRef="{bid}" targetRef="join"/>'
        for bid, name, dept in BRANCHES)
    return HEAD.format(key="split_flow") + (
        '<bpmn:process id="split_flow" name="并行核查" isExecutable="true"><bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="intake" name="受理">{props("quality_supervision")}</bpmn:userTask>'
        '<bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="intake"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="intake" targetRef="split"/>' + branches +
        '<bpmn:sequenceFlow id="f3" sourceRef="join" targetRef="end"/></bpmn:process></bpmn:definitions>')


@pytest.fixture()
def split_case(db_session, deploy_xml, make_case, make_user):
    deploy_xml(_split_process())
    clerk = make_user("350121", ["quality_supervision"])
    case = make_case("split_flow", user_id=clerk.id)
    db_session.flush()
    return case, clerk


def _open_rows(case_id):
    return db.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")
                      .order_by(HumanTask.id)).all()


def test_three_tasks_opened_at_once_each_get_their_row_and_audit_row(db_session, split_case):
    case, clerk = split_case
    [intake] = _open_rows(case.id)
    result = service.complete_task(intake.id, clerk, {"note": "受理完毕"})
    db_session.expire_all()

    rows = _open_rows(case.id)
    assert sorted(r.spec_name for r in rows) == ["check_a", "check_b", "check_c"]
    assert sorted(result.new_task_ids) == [r.id for r in rows]
    assert all(r.due_at is not None and r.org_unit_id == case.org_unit_id for r in rows)
    assert db.get(HumanTask, intake.id).status == "completed"
    assert db.get(HumanTask, intake.id).completed_by_id == clerk.id

    events = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    step = events[[e.event_type for e in events].index("task_completed"):]
    assert [e.event_type for e in step] == ["task_completed", "task_created", "task_created", "task_created"]
    assert step[0].human_task_id == intake.id and step[0].data["data"] == {"note": "受理完毕"}
    # Each creation row names its own task (ids assigned by the same step's INSERT).
    assert {e.human_task_id: e.summary for e in step[1:]} == {r.id: r.title for r in rows}


def test_new_rows_are_in_the_session_as_stored_and_a_later_change_is_written(db_session, split_case,
                                                                            count_queries):
    case, clerk = split_case
    announced = []

    def keep(row, **_kw):
        announced.append(row)
    with signals.task_created.connected_to(keep):
        result = service.complete_task(_open_rows(case.id)[0].id, clerk, {})
    with count_queries() as counter:
        rows = [db_session.get(HumanTask, task_id) for task_id in result.new_task_ids]
    assert counter.count == 0 and rows == announced  # the step's own objects, not read back
    assert not db_session.dirty and all(inspect(row).persistent for row in rows)
    rows[0].assignee_id = clerk.id  # as a claim does
    db_session.flush()
    db_session.expire_all()
    assert db.get(HumanTask, result.new_task_ids[0]).assignee_id == clerk.id


def test_suspending_and_resuming_store_the_status_each_time(db_session, split_case):
    case, clerk = split_case
    inst = db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))

    def stored_status():
        return db.scalar(select(ProcessInstance.status).where(ProcessInstance.id == inst.id))
    service.suspend_instance(inst.id, clerk.id, "等待批复")
    assert stored_status() == "suspended"
    service.resume_instance(inst.id, clerk.id, "批复已到")  # sets the status, then the step saves the same one
    assert stored_status() == "running"


def test_closing_the_branches_cancels_nothing_and_completes_the_case(db_session, split_case, make_user):
    case, clerk = split_case
    service.complete_task(_open_rows(case.id)[0].id, clerk, {})
    enforcer = make_user("350121", ["enforcement"])
    for row in _open_rows(case.id):
        service.complete_task(row.id, enforcer if row.department_code == "enforcement" else clerk, {})
    db_session.expire_all()
    inst = db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    assert inst.status == "completed" and inst.ended_at is not None
    statuses = db.scalars(select(HumanTask.status).where(HumanTask.case_id == case.id)).all()
    assert sorted(statuses) == ["completed"] * 4


def test_the_instance_version_moves_once_per_step(db_session, split_case):
    case, clerk = split_case
    inst = db.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    before = inst.version
    service.complete_task(_open_rows(case.id)[0].id, clerk, {})
    assert inst.version == before + 1  # the object in the session knows the stored version
    stored = db.execute(select(ProcessInstance.version, ProcessInstance.status)
                        .where(ProcessInstance.id == inst.id)).one()
    assert tuple(stored) == (before + 1, "running")


def test_an_audit_row_recorded_before_the_step_is_written_by_the_orm_with_its_id(db_session, split_case):
    case, clerk = split_case
    note = record_event("comment_added", case_id=case.id, actor_id=clerk.id, summary="补充说明")
    service.complete_task(_open_rows(case.id)[0].id, clerk, {})
    db_session.flush()
    assert note.id is not None
    assert db.scalar(select(CaseEvent.summary).where(CaseEvent.id == note.id)) == "补充说明"


@pytest.fixture()
def committed_split_case(app, committed_db):
    return committed_case("split.bpmn", _split_process(), "split_flow", uscc_body="91350121MA0000003",
                          enterprise="并行测试企业", title="并行", username="splitter")


def test_a_version_changed_meanwhile_is_a_conflict_and_nothing_of_the_step_is_kept(committed_split_case):
    from app.auth.models import User

    case_id, user_id = committed_split_case
    with unit_of_work():
        [intake] = _open_rows(case_id)
        intake_id = intake.id
        version = db.scalar(select(ProcessInstance.version).where(ProcessInstance.case_id == case_id))
    db.remove()

    def another_writer(sender, **_kw):
        # Another transaction's step landing between this one's read and its write (a plain table UPDATE:
        # it does not touch this session's objects, as another worker's would not).
        table = ProcessInstance.__table__
        db.execute(update(table).where(table.c.case_id == sender).values(version=table.c.version + 1))

    signals.task_completed.connect(another_writer)
    try:
        with pytest.raises(Conflict), unit_of_work():
            service.complete_task(intake_id, db.get(User, user_id), {"note": "第一次"})
    finally:
        signals.task_completed.disconnect(another_writer)
        db.remove()

    with unit_of_work():
        assert [r.id for r in _open_rows(case_id)] == [intake_id]
        assert db.scalar(select(ProcessInstance.version).where(ProcessInstance.case_id == case_id)) == version
        assert db.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case_id,
                                                    CaseEvent.event_type == "task_completed")) is None
    db.remove()
    # Trying again (what the user does after the refresh the message asks for) goes through.
    with unit_of_work():
        result = service.complete_task(intake_id, db.get(User, user_id), {"note": "第二次"})
    db.remove()
    with unit_of_work():
        assert sorted(r.id for r in _open_rows(case_id)) == sorted(result.new_task_ids)
        assert len(result.new_task_ids) == 3
    db.remove()
