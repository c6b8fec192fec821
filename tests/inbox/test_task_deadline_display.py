"""The task page states its time limit in words ("5 个工作日"), never the raw rule code ("5WD")."""
from app.inbox.views import due_rule_label
from tests.pages import visible_text


def test_task_page_shows_time_limit_in_words(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    assert task.due_rule == "5WD"
    login_as(make_user("350121", ["quality_supervision"]))
    text = visible_text(client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True))
    assert "（时限 5 个工作日）" in text
    # Only the text a user reads: a random CSRF token in an attribute may hold "5WD".
    assert "5WD" not in text


def test_task_page_time_limit_in_english(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post("/locale", data={"locale": "en"})
    text = visible_text(client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True))
    assert "Due:" in text and "(time limit 5 working days)" in text and "5WD" not in text


def test_computed_rules_are_not_shown(app):
    # An expression rule (a date from the case facts) has no words; the due date alone is shown.
    with app.test_request_context():
        assert due_rule_label("add_days(inspection_due, 0)") == ""
        assert due_rule_label("24H") == "24 小时"
        assert due_rule_label("60d") == "60 日"
