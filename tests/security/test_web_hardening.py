"""Web hardening (issue 15): revoked sessions, security headers, ids out of range, upload names, login throttling,
local redirects only."""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cases.models import CaseAttachment, CaseNote
from app.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(client, username, password="pw-123456", addr="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_logout_revokes_a_copied_session_cookie(app, db_session, make_user):
    user = make_user()
    browser = app.test_client()
    assert _login(browser, user.username).status_code == 302
    cookie = browser.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_security_headers_on_pages_and_errors(client, make_user, login_as):
    for response in (client.get("/login"), login_as(make_user()).get("/"), client.get("/no-such-page")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_script_the_policy_would_block():
    """Inline handlers and inline scripts without the nonce would silently stop working under the CSP."""
    offenders = []
    for path in (ROOT / "app").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text:
            offenders.append(f"{path.name}: inline handler")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag and "csp_nonce()" not in tag:
                offenders.append(f"{path.name}: {tag}")
    assert offenders == []


def test_nonce_changes_per_request_and_matches_the_inline_script(app, db_session, client, make_user, login_as,
                                                                kinds_deployed):
    page = login_as(make_user("350121", roles=("staff", "system_admin"))).get("/cases/start/risk_signal")
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in page.get_data(as_text=True)


@pytest.mark.parametrize("big", ["9223372036854775808", "2147483648", "99999999999999999999999"])
def test_out_of_range_task_id_on_notes_and_uploads_is_404(app, db_session, kinds_deployed, make_user, make_case,
                                                          login_as, big):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    note = client.post(f"/cases/{case.id}/notes", data={"body": "意见", "human_task_id": big})
    upload = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(PDF), "a.pdf"), "human_task_id": big})
    assert (note.status_code, upload.status_code) == (404, 404)
    assert db_session.scalar(select(CaseNote).where(CaseNote.case_id == case.id)) is None
    # The page after the refusal still renders (the session was rolled back first).
    assert client.get(f"/cases/{case.id}").status_code == 200


@pytest.mark.parametrize("big", ["9223372036854775808", "2147483648"])
def test_out_of_range_ids_in_urls_are_404(db_session, make_user, login_as, big):
    client = login_as(make_user("350100", roles=("staff", "supervisor", "process_admin", "system_admin")))
    for url in (f"/cases/{big}", f"/inbox/tasks/{big}", f"/admin/definitions/{big}/download",
                f"/admin/instances/{big}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/notifications/{big}/read").status_code == 404


@pytest.mark.parametrize("name", ["a\x00.pdf", "report\x01.pdf", "line\nbreak.pdf", "tab\t.pdf", "del\x7f.pdf"])
def test_control_characters_in_upload_names_refused_nothing_on_disk(app, db_session, kinds_deployed, make_user,
                                                                    make_case, login_as, name):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    before = set(Path(app.config["UPLOAD_DIR"]).iterdir())
    response = client.post(f"/cases/{case.id}/attachments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), name)})
    assert response.status_code == 400
    if "\n" not in name:  # a newline breaks the multipart header itself: the whole request is refused
        assert "控制字符" in response.get_data(as_text=True)
    assert set(Path(app.config["UPLOAD_DIR"]).iterdir()) == before
    assert db_session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id)) is None


def test_one_message_for_unknown_and_known_users_even_when_throttled(app, db_session, client, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    known = [_login(client, user.username, "wrong").get_data(as_text=True) for _ in range(limit + 1)]
    unknown = [_login(client, "no-such-user", "wrong").get_data(as_text=True) for _ in range(limit + 1)]
    messages = [re.search(r'role="alert"[^>]*>([^<]*)<', t) for t in known + unknown]
    texts = [m.group(1).strip() if m else "" for m in messages]
    assert texts[:limit - 1] == texts[limit + 1:2 * limit] and "用户名或密码错误" in texts[0]
    assert texts[limit - 1] == texts[2 * limit] and "登录失败次数过多" in texts[limit - 1]


def test_a_stranger_cannot_lock_the_user_out(app, db_session, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        _login(client, user.username, "guess", addr="203.0.113.9")
    assert "登录失败次数过多" in _login(client, user.username, "pw-123456", addr="203.0.113.9").get_data(as_text=True)
    assert _login(app.test_client(), user.username, addr="10.1.2.3").status_code == 302


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)",
                                     "http://localhost.evil.example/"])
def test_notification_read_redirects_to_local_paths_only(db_session, make_user, login_as, referer):
    user = make_user()
    client = login_as(user)
    row = Notification(user_id=user.id, kind="test", title="提醒", body="", link="", dedupe_key=f"t-{referer}")
    db_session.add(row)
    db_session.flush()
    response = client.post(f"/notifications/{row.id}/read", headers={"Referer": referer})
    assert response.status_code == 302 and response.headers["Location"].startswith("/")
    assert not response.headers["Location"].startswith("//")
    assert client.post("/locale", data={"locale": "en"}, headers={"Referer": referer}).headers["Location"] == "/"


def test_same_site_referer_is_followed(db_session, make_user, login_as):
    client = login_as(make_user())
    response = client.post("/locale", data={"locale": "en"}, headers={"Referer": "http://localhost/inbox/?page=2"})
    assert response.headers["Location"] == "/inbox/?page=2"


def test_old_throttle_rows_are_dropped(app, db_session, client):
    from datetime import timedelta

    from app.auth.models import LoginThrottle
    from app.db import utcnow

    db_session.add(LoginThrottle(key="x" * 64, failures=3, updated_at=utcnow() - timedelta(days=2)))
    db_session.flush()
    _login(client, "someone-new", "wrong")
    assert db_session.get(LoginThrottle, "x" * 64) is None


def test_database_range_errors_render_404_after_a_rollback(database_url, tmp_path):
    """A value the database cannot hold (PostgreSQL: integer out of range; SQLite: OverflowError) is a 404,
    and the error page renders on a session that was rolled back first."""
    from sqlalchemy import text
    from sqlalchemy.exc import DataError

    from app import create_app
    from app.db import db
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "UPLOAD_DIR": str(tmp_path),
                      "PROPAGATE_EXCEPTIONS": False})
    @app.get("/boom/<kind>")
    def boom(kind):
        if kind == "overflow":
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        raise DataError("SELECT", {}, Exception("integer out of range"))

    client = app.test_client()
    for kind in ("overflow", "data"):
        with app.app_context():
            db.execute(text("SELECT 1"))
            response = client.get(f"/boom/{kind}")
        assert response.status_code == 404 and "页面或记录不存在" in response.get_data(as_text=True)
    db.remove()


def test_behind_a_proxy_the_throttle_uses_the_forwarded_client(database_url, tmp_path):
    from app import create_app
    from app.auth.accounts import create_user
    from app.db import db, unit_of_work
    from app.seed.reference import unit_by_code
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "UPLOAD_DIR": str(tmp_path), "PROXY_HOPS": 1,
                      "LOGIN_MAX_FAILURES": 2})
    with app.app_context(), unit_of_work():
        user = create_user("proxied_user", "pw-123456", "代理用户", unit_by_code("350121"))
        user_id = user.id
    try:
        client = app.test_client()
        for _ in range(3):
            client.post("/login", data={"username": "proxied_user", "password": "x"},
                        headers={"X-Forwarded-For": "198.51.100.7"})
        ok = app.test_client().post("/login", data={"username": "proxied_user", "password": "pw-123456"},
                                    headers={"X-Forwarded-For": "192.0.2.10"})
        assert ok.status_code == 302
    finally:
        with app.app_context():
            from sqlalchemy import delete

            from app.audit.models import CaseEvent
            from app.auth.models import LoginThrottle, User

            with unit_of_work():
                db.execute(delete(LoginThrottle))
                db.execute(delete(CaseEvent).where(CaseEvent.actor_id == user_id))
                db.execute(delete(User).where(User.id == user_id))
        db.remove()
