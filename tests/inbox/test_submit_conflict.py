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
    assert response.status_code == 409
    assert "该案件流程已暂停（原因：等待上级批复）" in html and "同意立案，建议从重处罚" in html
    assert "需要更正" not in html and "提交办结" not in html
    db_session.expire_all()
    assert db_session.scalar(select(HumanTask.status).where(HumanTask.id == task.id)) == "ready"


def test_suspended_task_is_marked_and_cannot_be_claimed(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    service.suspend_instance(task.instance_id, clerk.id, "等待上级批复")
    db_session.commit()
    login_as(clerk)
    listing = client.get("/inbox/department").get_data(as_text=True)
    assert "流程已暂停" in listing and f"/inbox/tasks/{task.id}/claim" not in listing
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert "该案件流程已暂停（原因：等待上级批复）" in page and "签收任务" not in page
    response = client.post(f"/inbox/tasks/{task.id}/claim")
    assert response.status_code == 302
    assert "恢复前不能签收" in client.get(response.headers["Location"]).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(HumanTask.assignee_id).where(HumanTask.id == task.id)) is None
