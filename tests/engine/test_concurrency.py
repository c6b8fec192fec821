"""Two users completing the same task at once: exactly one succeeds, the other gets a conflict."""
import threading

from sqlalchemy import select

from app.auth.accounts import create_user
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, unit_of_work
from app.engine import service
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask
from app.errors import Conflict
from app.formdefs.uscc import make_uscc
from app.seed.reference import unit_by_code
from tests.engine import samples


def test_concurrent_completion_one_wins(app, committed_db):
    with unit_of_work():
        deploy_files({"review.bpmn": samples.review_process().encode()}, form_exists=None)
        unit = unit_by_code("350121")
        ent = get_or_create_enterprise(make_uscc("91350121MA0000001"), "并发测试企业")
        case = open_case("review_flow", unit, title="并发", enterprise=ent)
        users = [create_user(f"racer{i}", "pw-123456", f"并发{i}", unit, ["quality_supervision"]) for i in (1, 2)]
        task_id = db.scalar(select(HumanTask.id).where(HumanTask.case_id == case.id))
        user_ids = [u.id for u in users]
    db.remove()

    barrier = threading.Barrier(2)
    outcomes = []

    def worker(user_id, approved):
        with app.app_context():
            try:
                from app.auth.models import User

                # Meet before touching the database: on SQLite the first transaction queues the other.
                barrier.wait(timeout=10)
                with unit_of_work():
                    service.complete_task(task_id, db.get(User, user_id), {"approved": approved})
                outcomes.append(("ok", user_id))
            except Conflict as exc:
                outcomes.append(("conflict", exc.message))
            finally:
                db.remove()

    threads = [threading.Thread(target=worker, args=(uid, uid == user_ids[0])) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"], outcomes
    winner = next(uid for kind, uid in outcomes if kind == "ok")
    row = db.get(HumanTask, task_id)
    assert row.status == "completed" and row.completed_by_id == winner
    # Nothing lost, nothing doubled: exactly one follow-up state for the winner's decision.
    open_tasks = db.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready")).all()
    assert len(open_tasks) == (1 if winner == user_ids[0] else 0)
