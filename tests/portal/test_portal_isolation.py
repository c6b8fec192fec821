"""An enterprise sees only its own cases and documents, and never a staff page."""
from datetime import date, timedelta

from app.documents.service_of import acknowledge_service, record_service
from app.documents.services import issue_document
from app.errors import NotFound


def _served_case(enterprise_user, case_at_order, make_user, name, region="350121"):
    ent, user = enterprise_user(name, region)
    driver = case_at_order(ent, region)
    clerk = make_user(region, ("quality_supervision",))
    doc = issue_document(driver.case, clerk, "rectification_order")
    svc = record_service(driver.case, clerk, doc, method="electronic")
    return user, driver.case, doc, svc


def test_another_enterprises_case_documents_and_services_are_not_found(enterprise_user, case_at_order, make_user,
                                                                       client, portal_login):
    mine, my_case, _my_doc, _my_svc = _served_case(enterprise_user, case_at_order, make_user, "甲燃气具公司")
    _other, their_case, their_doc, their_svc = _served_case(enterprise_user, case_at_order, make_user, "乙燃气具公司")
    portal_login(mine)
    home = client.get("/portal/").get_data(as_text=True)
    assert my_case.number in home and their_case.number not in home
    assert client.get(f"/portal/cases/{their_case.id}").status_code == 404
    assert client.get(f"/portal/cases/{their_case.id}/documents/{their_doc.id}").status_code == 404
    # Their document through my case id: still not found.
    assert client.get(f"/portal/cases/{my_case.id}/documents/{their_doc.id}").status_code == 404
    assert client.post(f"/portal/cases/{their_case.id}/services/{their_svc.id}/acknowledge").status_code == 404
    assert client.post(f"/portal/cases/{my_case.id}/services/{their_svc.id}/acknowledge").status_code == 404
    assert client.post(f"/portal/cases/{their_case.id}/submit/rectification_report", data={"note": "x"}).status_code == 404
    assert their_svc.status == "pending"
    try:
        acknowledge_service(their_case, mine, their_svc.id)
        raise AssertionError("acknowledged another enterprise's document")
    except NotFound:
        pass


def test_unserved_documents_stay_with_the_bureau(enterprise_user, case_at_order, make_user, client, portal_login):
    ent, user = enterprise_user()
    driver = case_at_order(ent)
    clerk = make_user("350121", ("quality_supervision",))
    draft = issue_document(driver.case, clerk, "penalty_pre_notice", "草稿")
    portal_login(user)
    assert client.get(f"/portal/cases/{driver.case.id}/documents/{draft.id}").status_code == 404
    assert draft.number not in client.get(f"/portal/cases/{driver.case.id}").get_data(as_text=True)
    record_service(driver.case, clerk, draft, method="post", served_on=date.today() - timedelta(days=1))
    assert client.get(f"/portal/cases/{driver.case.id}/documents/{draft.id}").status_code == 200


def test_enterprise_users_reach_no_staff_page_and_staff_no_portal_page(enterprise_user, make_user, client,
                                                                       portal_login, login_as):
    _ent, user = enterprise_user()
    portal_login(user)
    for path in ("/", "/inbox/", "/cases/", "/reports/", "/documents/templates"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/portal/"), path
    assert client.post("/cases/1/notes", data={"body": "x"}).status_code == 403
    # The staff login does not let it in either.
    client.post("/portal/logout")
    resp = client.post("/login", data={"username": user.username, "password": "pw-123456"})
    assert client.get("/inbox/").headers.get("Location", "").endswith("/portal/")
    clerk = make_user("350121", ("quality_supervision",))
    login_as(clerk)
    assert client.get("/portal/").status_code == 403
    resp = client.post("/portal/login", data={"username": clerk.username, "password": "pw-123456"})
    assert resp.status_code == 401 and "监管人员" in resp.get_data(as_text=True)
    assert resp.status_code == 401


def test_the_portal_speaks_english_on_request(enterprise_user, client, portal_login):
    _ent, user = enterprise_user()
    portal_login(user)
    resp = client.post("/locale", data={"locale": "en"}, headers={"Referer": "/portal/"})
    assert resp.status_code == 302
    assert "My cases" in client.get("/portal/").get_data(as_text=True)
