"""Enterprise accounts: invited by the enterprise's bureau, password set on first login, disabled by it."""
import pytest

from app.auth.accounts import authenticate
from app.errors import Forbidden, InvalidInput, NotFound
from app.portal import accounts


@pytest.fixture()
def enterprise(enterprise_user):
    ent, _user = enterprise_user("闽侯县正和钢筋制品有限公司")
    return ent


def test_invitation_first_login_and_disable(enterprise, make_user, client, db_session):
    clerk = make_user("350121", ("quality_supervision",))
    code = accounts.invite(clerk, enterprise, "zhenghe_admin", "正和钢筋（张经理）")
    assert len(code) == 10
    resp = client.post("/portal/activate", data={"code": code, "password": "short", "password_again": "short"})
    assert resp.status_code == 400 and "至少 8 位" in resp.get_data(as_text=True)
    resp = client.post("/portal/activate", data={"code": code.lower(), "password": "Zh3ngHe-2026",
                                                 "password_again": "Zh3ngHe-2026"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/portal/")
    user = [u for u in accounts.accounts_of(enterprise.id) if u.username == "zhenghe_admin"][0]
    assert user.enterprise_id == enterprise.id and user.department_codes == set() and user.role_codes == set()
    assert client.get("/portal/").status_code == 200
    # The code is spent.
    client.post("/portal/logout")
    again = client.post("/portal/activate", data={"code": code, "password": "Another-2026",
                                                  "password_again": "Another-2026"})
    assert again.status_code == 400 and "邀请码无效" in again.get_data(as_text=True)
    # Disabled by its bureau: the login fails and an open session ends.
    client.post("/portal/login", data={"username": "zhenghe_admin", "password": "Zh3ngHe-2026"})
    accounts.set_active(clerk, user.id, False)
    assert client.get("/portal/").status_code == 302
    assert authenticate("zhenghe_admin", "Zh3ngHe-2026").user is None


def test_only_the_enterprises_bureau_or_above_manages_its_accounts(enterprise, make_user):
    xiamen = make_user("350203", ("quality_supervision",))
    fuzhou = make_user("350100", ("quality_supervision",))
    with pytest.raises(Forbidden):
        accounts.invite(xiamen, enterprise, "someone", "")
    code = accounts.invite(fuzhou, enterprise, "fz_invited", "")
    assert code
    user = accounts.activate(code, "Passw0rd-1", "Passw0rd-1")
    with pytest.raises(NotFound):
        accounts.set_active(xiamen, user.id, False)
    with pytest.raises(InvalidInput):
        accounts.invite(fuzhou, enterprise, "fz_invited", "")  # taken
    with pytest.raises(InvalidInput):
        accounts.invite(fuzhou, enterprise, "bad name!", "")


def test_the_bureau_invites_and_disables_through_its_pages(enterprise, make_user, client, login_as):
    clerk = make_user("350121", ("quality_supervision",))
    login_as(clerk)
    found = client.get("/portal/manage", query_string={"q": "正和钢筋"}).get_data(as_text=True)
    assert enterprise.name in found
    page = client.post(f"/portal/manage/enterprises/{enterprise.id}",
                       data={"username": "zhenghe_2", "display_name": "王会计"}).get_data(as_text=True)
    assert 'id="invitation-code"' in page
    code = page.split('id="invitation-code"')[1].split("<strong>")[1].split("</strong>")[0]
    user = accounts.activate(code, "Passw0rd-2", "Passw0rd-2")
    resp = client.post(f"/portal/manage/users/{user.id}/active", data={"active": "0"})
    assert resp.status_code == 302 and not user.is_active
    # Another bureau's clerk finds nothing and reaches nothing.
    login_as(make_user("350203", ("quality_supervision",)))
    assert enterprise.name not in client.get("/portal/manage", query_string={"q": "正和钢筋"}).get_data(as_text=True)
    assert client.get(f"/portal/manage/enterprises/{enterprise.id}").status_code == 404
    assert client.post(f"/portal/manage/users/{user.id}/active", data={"active": "1"}).status_code == 404
