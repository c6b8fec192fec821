"""Submitting a task whose instance an admin suspended keeps the typed form and says why."""
from sqlalchemy import select

from app.engine import service
from app.engine.models import HumanTask


def test_suspended_instance_returns_the_form_with_the_input(open_task, make_user, login_as, client, db_session):
    case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    service.suspend_instance(task.instance_id, clerk.id, "等待上级批复")
    db_session.commit()  # as in production; the test's outer transaction is still rolled back
    login_as(clerk)
    response = client.post(f"/inbox/tasks/{task.id}/complete",
                           data={"opinion": "同意立案，建议从重处罚", "inspection_date": "2026-05-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "已挂起" in html and "同意立案，建议从重处罚" in html
    db_session.expire_all()
    assert db_session.scalar(select(HumanTask.status).where(HumanTask.id == task.id)) == "ready"
