"""Validation messages follow the interface language: 必填项 in Chinese, "Required" in English."""


def test_required_field_message_in_chinese(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    html = client.post(f"/inbox/tasks/{task.id}/complete", data={"opinion": ""}).get_data(as_text=True)
    assert "必填项" in html


def test_required_field_message_in_english(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post("/locale", data={"locale": "en"})
    response = client.post(f"/inbox/tasks/{task.id}/complete",
                           data={"opinion": "", "inspection_date": "2026-13-45", "sample_count": "三"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Required" in html and "必填项" not in html
    assert "Enter a whole number" in html and "Enter a valid date (e.g. 2024-01-31)" in html
