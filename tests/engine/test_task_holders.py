"""Claim, release, assign and delegate inbox tasks: who may, what the audit log keeps."""
import pytest
from sqlalchemy import select

from app import signals
from app.audit.models import CaseEvent
from app.engine import service, tasks
from app.engine.models import HumanTask
from app.errors import Conflict, Forbidden, InvalidInput
from tests.engine import samples


@pytest.fixture()
def task(db_session, deploy_xml, make_case):
    deploy_xml(samples.review_process())
    case = make_case("review_flow", org_code="350121")
    return db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))


def events(db, task):
    return [e.event_type for e in db.scalars(select(CaseEvent).where(CaseEvent.human_task_id == task.id)
                                                 .order_by(CaseEvent.id))]


def test_claim_then_other_colleague_conflicts_and_release_returns_to_pool(db_session, task, make_user):
    alice, bob = make_user("350121"), make_user("350121")
    tasks.claim_task(task.id, alice)
    assert task.assignee_id == alice.id
    with pytest.raises(Conflict):
        tasks.claim_task(task.id, bob)
    # Only the holder can complete it now.
    with pytest.raises(Forbidden):
        service.complete_task(task.id, bob, {"approved": False})
    tasks.release_task(task.id, alice)
    assert task.assignee_id is None
    assert events(db_session, task)[-2:] == ["task_claimed", "task_released"]


def test_other_department_or_bureau_cannot_claim(db_session, task, make_user):
    with pytest.raises(Forbidden):
        tasks.claim_task(task.id, make_user("350121", ["enforcement"]))
    with pytest.raises(Forbidden):
        tasks.claim_task(task.id, make_user("350203"))


def test_head_assigns_to_colleague_and_signal_reaches_assignee(db_session, task, make_user):
    head = make_user("350100", ["quality_supervision"], ["staff", "supervisor"])
    clerk = make_user("350121")
    received = []

    def on_assigned(sender, **kw):
        received.append((sender.id, kw["assignee_id"], kw["actor_id"]))

    signals.task_assigned.connect(on_assigned)
    try:
        tasks.assign_task(task.id, head, clerk.id, "请尽快办理")
    finally:
        signals.task_assigned.disconnect(on_assigned)
    assert task.assignee_id == clerk.id
    assert received == [(task.id, clerk.id, head.id)]
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.event_type == "task_assigned"))
    assert event.data["reason"] == "请尽快办理" and event.actor_id == head.id


def test_staff_cannot_assign_and_assignee_must_be_a_candidate(db_session, task, make_user):
    clerk = make_user("350121")
    with pytest.raises(Forbidden):
        tasks.assign_task(task.id, clerk, clerk.id)
    head = make_user("350121", ["quality_supervision"], ["staff", "supervisor"])
    with pytest.raises(InvalidInput):
        tasks.assign_task(task.id, head, make_user("350203").id)
    # A head of another city has no say over this county's task.
    with pytest.raises(Forbidden):
        tasks.assign_task(task.id, make_user("350200", ["quality_supervision"], ["supervisor"]), clerk.id)


def test_holder_delegates_with_reason(db_session, task, make_user):
    alice, bob = make_user("350121"), make_user("350121")
    tasks.claim_task(task.id, alice)
    tasks.delegate_task(task.id, alice, bob.id, "出差，转交办理")
    assert task.assignee_id == bob.id
    with pytest.raises(Forbidden):
        tasks.delegate_task(task.id, alice, alice.id)
    assert {u.id for u in tasks.assignable_users(task.id)} >= {alice.id, bob.id}


def test_completed_task_cannot_change_holder(db_session, task, make_user):
    alice = make_user("350121")
    service.complete_task(task.id, alice, {"approved": False})
    with pytest.raises(Conflict):
        tasks.claim_task(task.id, alice)
