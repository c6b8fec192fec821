"""Notification centre: idempotent sending, unread count in the header, mark read, assignment notices."""
import re

import pytest
from sqlalchemy import select

from app.engine.models import HumanTask
from app.notifications import mail, services
from app.notifications.models import Notification
from tests.engine import samples


def login(client, user):
    client.post("/login", data={"username": user.username, "password": "pw-123456"})


def bell_count(page):
    match = re.search(r'class="bell".*?(?:<span class="badge">(\d+)</span>)?</a>', page, re.S)
    assert match, "the header shows the bell"
    return int(match.group(1) or 0)


def test_same_dedupe_key_adds_one_row(db_session, make_user):
    user = make_user()
    first = services.notify(user.id, "system", "系统维护通知", dedupe_key="maint:1")
    again = services.notify(user.id, "system", "系统维护通知", dedupe_key="maint:1")
    assert first is not None and again is None
    assert services.unread_count(user.id) == 1
    with pytest.raises(ValueError):
        services.notify(user.id, "gossip", "?", dedupe_key="x")


def test_centre_lists_marks_read_and_header_counts(client, db_session, make_user):
    user, other = make_user(), make_user()
    for n in range(3):
        services.notify(user.id, "reminder", f"任务即将到期：检查{n}", dedupe_key=f"t:{n}", body="请尽快办理")
    foreign = services.notify(other.id, "system", "别人的消息", dedupe_key="other:1")
    db_session.flush()
    login(client, user)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "消息中心" in page and "任务即将到期：检查2" in page and "别人的消息" not in page
    assert bell_count(page) == 3
    assert re.search(r'class="active">全部</a>', page), "the 'all' tab is the active one"
    mine = db_session.scalars(select(Notification.id).where(Notification.user_id == user.id)).all()
    assert client.post(f"/notifications/{mine[0]}/read").status_code == 302
    assert bell_count(client.get("/").get_data(as_text=True)) == 2
    unread_page = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "检查0" not in unread_page and "检查1" in unread_page
    # Someone else's notification cannot be marked (nor does its existence leak).
    assert client.post(f"/notifications/{foreign}/read").status_code == 404
    response = client.post("/notifications/read-all", follow_redirects=True)
    assert "已将 2 条消息标为已读" in response.get_data(as_text=True)
    assert bell_count(response.get_data(as_text=True)) == 0
    assert services.unread_count(other.id) == 1


def test_open_marks_read_and_follows_the_link(client, db_session, make_user):
    user = make_user()
    nid = services.notify(user.id, "system", "督办通知", dedupe_key="open:1", link="/supervision/listed")
    login(client, user)
    response = client.post(f"/notifications/{nid}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/supervision/listed")
    assert services.unread_count(user.id) == 0


def test_centre_needs_login_and_csrf(client, csrf_enabled, make_user):
    assert client.get("/notifications/").status_code == 302
    user = make_user()
    services.notify(user.id, "system", "x", dedupe_key="csrf:1")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": user.username, "password": "pw-123456", "csrf_token": token})
    assert client.post("/notifications/read-all").status_code == 400
    assert services.unread_count(user.id) == 1


def test_assigned_task_notifies_the_assignee_not_the_head(db_session, deploy_xml, make_case, make_user):
    from app.engine import tasks

    deploy_xml(samples.review_process())
    case = make_case("review_flow", org_code="350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    head = make_user("350121", roles=("staff", "supervisor"))
    clerk, colleague = make_user("350121"), make_user("350121")
    # A new candidate task is not pushed to the whole department.
    assert services.unread_count(clerk.id) == 0
    tasks.assign_task(task.id, head, clerk.id, reason="熟悉该企业")
    rows = db_session.scalars(select(Notification).where(Notification.user_id == clerk.id)).all()
    assert [(r.kind, r.human_task_id, r.case_id) for r in rows] == [("assignment", task.id, case.id)]
    assert services.unread_count(head.id) == 0 and services.unread_count(colleague.id) == 0


def test_mail_sent_only_after_commit(app, db_session, make_user, monkeypatch):
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda settings, to, subject, body: sent.append((to, subject)))
    user = make_user()
    user.email = "clerk@example.gov.cn"
    app.config["MAIL_ENABLED"] = True
    try:
        services.notify(user.id, "reminder", "任务即将到期：检查", dedupe_key="mail:1")
        assert sent == []
        db_session.commit()
        assert sent == [("clerk@example.gov.cn", "任务即将到期：检查")]
        services.notify(user.id, "reminder", "不会发送", dedupe_key="mail:2")
        db_session.rollback()
        db_session.commit()
        assert len(sent) == 1
    finally:
        app.config["MAIL_ENABLED"] = False


def test_mail_failure_is_logged_not_raised(app, db_session, make_user, monkeypatch, caplog):
    def broken(*_a):
        raise OSError("connection refused")

    monkeypatch.setattr(mail, "send_mail", broken)
    user = make_user()
    user.email = "clerk@example.gov.cn"
    app.config["MAIL_ENABLED"] = True
    try:
        services.notify(user.id, "reminder", "任务即将到期", dedupe_key="mail:3")
        db_session.commit()
    finally:
        app.config["MAIL_ENABLED"] = False
    assert "mail to clerk@example.gov.cn not sent" in caplog.text
    assert services.unread_count(user.id) == 1
