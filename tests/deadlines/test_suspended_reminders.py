"""No deadline reminders or escalations for tasks of a suspended instance; they resume with it."""
from datetime import timedelta

from sqlalchemy import select

from app.db import utcnow
from app.engine import service
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask, ProcessInstance
from app.notifications.deadlines import escalate_overdue_tasks, send_due_reminders
from app.notifications.models import Notification
from tests.cases.case_bpmn import lifecycle_xml


def test_suspended_instance_is_not_reminded_until_resumed(db_session, make_user, make_case):
    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    clerk = make_user("350121")
    make_user("350121", roles=("staff", "supervisor"))
    case = make_case("penalty_case", org_code="350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    task.assignee_id = clerk.id
    task.due_at = utcnow() - timedelta(days=10)
    inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    service.suspend_instance(inst.id, clerk.id, "等待上级批复")

    assert send_due_reminders(utcnow()) == 0
    assert escalate_overdue_tasks(utcnow(), 3) == 0
    assert db_session.scalar(select(Notification).where(Notification.human_task_id == task.id)) is None

    service.resume_instance(inst.id, clerk.id, "批复已到")
    assert send_due_reminders(utcnow()) == 1
    assert escalate_overdue_tasks(utcnow(), 3) == 1
