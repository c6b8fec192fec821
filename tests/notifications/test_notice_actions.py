"""The notification centre offers "mark all read" only while something is unread."""
from app.notifications import services


def _login(client, user):
    client.post("/login", data={"username": user.username, "password": "pw-123456"})


def test_mark_all_read_only_when_something_is_unread(client, db_session, make_user):
    user = make_user()
    services.notify(user.id, "reminder", "任务即将到期：现场检查", dedupe_key="ux:1")
    db_session.flush()
    _login(client, user)
    assert "全部标为已读" in client.get("/notifications/").get_data(as_text=True)
    assert client.post("/notifications/read-all").status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert "任务即将到期：现场检查" in page and "全部标为已读" not in page
