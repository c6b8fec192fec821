"""Login shell: hashed passwords, lockout after repeated failures, CSRF, safe redirects."""
import re

from app.auth.models import User


def login(client, username, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password})


def test_login_page_is_chinese(client):
    page = client.get("/login")
    assert page.status_code == 200 and "用户登录" in page.get_data(as_text=True)


def test_login_then_home_shows_bureau(client, make_user):
    user = make_user("350121", ["quality_supervision"])
    assert user.password_hash.startswith("pbkdf2:") and "pw-123456" not in user.password_hash
    response = login(client, user.username, "pw-123456")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "闽侯县市场监督管理局" in home and "工作台" in home


def test_wrong_password_and_lockout(client, make_user, db_session):
    user = make_user()
    for _ in range(4):
        bad = login(client, user.username, "wrong")
        assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    locked = login(client, user.username, "wrong")
    assert "登录失败次数过多" in locked.get_data(as_text=True)
    # Even the right password is refused from this client while throttled.
    assert "登录失败次数过多" in login(client, user.username, "pw-123456").get_data(as_text=True)
    assert db_session.get(User, user.id).locked_until_at is None  # the account itself is never locked


def test_unknown_user_gets_same_message(client):
    assert "用户名或密码错误" in login(client, "nobody", "x").get_data(as_text=True)


def test_open_redirect_refused(client, make_user):
    user = make_user()
    response = login(client, user.username, "pw-123456", next_url="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_csrf_required_on_login(client, csrf_enabled):
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert ok.status_code == 401


def test_english_switch(client, make_user):
    user = make_user()
    login(client, user.username, "pw-123456")
    client.post("/locale", data={"locale": "en"})
    assert "Log out" in client.get("/").get_data(as_text=True)
