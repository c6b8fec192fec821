"""Notification wording: a person's bureau is named once, however the account's name is written."""
from app.notifications.services import person_label


def test_person_label_names_the_bureau_once(db_session, make_user):
    head = make_user("350100")
    head.display_name = "福州市执法稽查科负责人"
    assert person_label(head) == "福州市执法稽查科负责人"
    head.display_name = "福州市市场监督管理局执法稽查科负责人"
    assert person_label(head) == "福州市市场监督管理局执法稽查科负责人"
    head.display_name = "张三"
    assert person_label(head) == "福州市市场监督管理局张三"


def test_english_interface_words_stored_notifications(app, db_session, make_user, login_as, client):
    from flask_babel import refresh

    from app.notifications import services

    user = make_user("350121")
    services.notify(user.id, "overdue", "任务已超期：复查（BH-350121-2026-00003，闽侯某厂）", dedupe_key="w:1",
                    body="办理期限为 2026-11-25 23:59，已超期 2 个工作日，请立即办理。")
    services.notify(user.id, "system", "系统维护通知", dedupe_key="w:2", body="今晚维护")
    login_as(user)
    client.post("/locale", data={"locale": "en"})
    refresh()
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Task overdue: 复查（BH-350121-2026-00003，闽侯某厂）" in html
    assert "Was due 2026-11-25 23:59, 2 working days overdue; please deal with it now." in html
    assert "系统维护通知" in html  # unknown text is shown as stored
    client.post("/locale", data={"locale": "zh_Hans_CN"})
    refresh()
    assert "任务已超期：复查" in client.get("/notifications/").get_data(as_text=True)
