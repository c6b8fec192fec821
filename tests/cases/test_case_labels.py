"""Case page labels as users read them: a form label with a percent sign must not break the page."""


def test_fact_labelled_with_percent_sign_renders(db_session, kinds_deployed, make_user, make_case, login_as):
    # supervision_sampling's plan form labels key_share_target "重点产品占比目标（%）".
    case = make_case("supervision_sampling", "350121", facts={"key_share_target": 30})
    client = login_as(make_user("350121"))
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    assert "重点产品占比目标（%）" in response.get_data(as_text=True)


def test_fact_labelled_with_percent_sign_in_english(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("supervision_sampling", "350121", facts={"key_share_target": 30})
    client = login_as(make_user("350121"))
    client.post("/locale", data={"locale": "en"})
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    assert "Key product share target (%)" in response.get_data(as_text=True)
