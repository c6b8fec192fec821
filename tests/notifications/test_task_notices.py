"""Completing a task marks its unread notices read; a task without any costs no statement for them."""
from sqlalchemy import select

from app.engine import service
from app.engine.models import HumanTask
from app.notifications.models import Notification
from app.notifications.services import notify
from tests.engine import samples


def _ready(db_session, case_id):
    return db_session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))


def test_the_done_tasks_notices_are_read_and_others_stay_unread(db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    clerk = make_user("350121", ["quality_supervision"])
    task = _ready(db_session, make_case("review_flow").id)
    other = _ready(db_session, make_case("review_flow").id)
    # Sent in the same transaction, just before the completion (an assignment, then the work done at once).
    mine = notify(clerk.id, "assignment", "新分派任务", human_task_id=task.id, dedupe_key=f"a{task.id}")
    theirs = notify(clerk.id, "assignment", "新分派任务", human_task_id=other.id, dedupe_key=f"a{other.id}")
    service.complete_task(task.id, clerk, {"approved": True})
    db_session.expire_all()
    assert db_session.get(Notification, mine).read_at is not None
    assert db_session.get(Notification, theirs).read_at is None


def test_no_notice_no_statement_for_notices(db_session, deploy_xml, make_case, make_user, count_queries):
    deploy_xml(samples.review_process())
    clerk = make_user("350121", ["quality_supervision"])
    task = _ready(db_session, make_case("review_flow").id)
    with count_queries() as counter:
        service.complete_task(task.id, clerk, {"approved": True})
    touched = [s for s in counter.statements if s.startswith("UPDATE notification")]
    # PostgreSQL always runs it: a lock that waited there reads the EXISTS as of before the wait.
    assert len(touched) == (1 if db_session.get_bind().dialect.name == "postgresql" else 0)


def test_a_notice_sent_after_the_lock_read_is_still_read(db_session, deploy_xml, make_case, make_user):
    from app import signals
    from app.notifications.services import UNREAD_TASK_NOTICES

    deploy_xml(samples.review_process())
    clerk = make_user("350121", ["quality_supervision"])
    task = _ready(db_session, make_case("review_flow").id)
    notice = notify(clerk.id, "reminder", "任务即将到期", human_task_id=task.id, dedupe_key=f"r{task.id}")
    # As if the lock had read "no notice" just before this one was written in the same transaction.
    signals.task_completed.send(task.case_id, form_key=task.form_key, spec_name=task.spec_name, data={},
                                task_id=task.id, user_id=clerk.id, at=None, lock_flags={UNREAD_TASK_NOTICES: False})
    assert db_session.get(Notification, notice).read_at is not None
