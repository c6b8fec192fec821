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


def test_follow_up_timeline_row_names_the_kind_and_case_not_the_process_key(db_session, make_case, make_user,
                                                                            login_as):
    from app.audit.services import record_event

    parent = make_case("penalty_case", start_process=False, facts={"source_decision_no": "闽侯市监罚〔2026〕8号"})
    child = make_case("listed_supervision", start_process=False)
    record_event("follow_up_started", case_id=parent.id, summary="listed_supervision",
                 data={"follow_up_case_id": child.id})
    html = login_as(make_user("350121")).get(f"/cases/{parent.id}").get_data(as_text=True)
    assert f"挂牌督办 {child.number}" in html and "listed_supervision" not in html
    assert "来源处罚决定书文号" in html and "source_decision_no" not in html
