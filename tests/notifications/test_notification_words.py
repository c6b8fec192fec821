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
