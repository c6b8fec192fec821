"""Token administration: the system admins' page (secret shown once) and the `flask api-tokens` commands."""
import re

from sqlalchemy import select

from app.api.models import ApiToken


def test_admin_page_issues_and_revokes(client, db_session, make_user, login_as):
    account = make_user("350100", departments=("consumer_protection",))
    admin = login_as(make_user("350000", roles=("system_admin",)))
    assert admin.get("/admin/api-tokens/").status_code == 200
    page = admin.post("/admin/api-tokens/", data={"name": "12315 平台", "username": account.username,
                                                 "scopes": ["complaints:import"]})
    secret = re.search(r'<pre id="token-secret">(qsf_[^<]+)</pre>', page.get_data(as_text=True)).group(1)
    token = db_session.scalar(select(ApiToken).where(ApiToken.name == "12315 平台"))
    assert token.scopes == ["complaints:import"] and token.user_id == account.id and secret not in token.token_hash
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/complaints", headers=headers, json={"complaints": []}).status_code == 422
    listing = admin.get("/admin/api-tokens/").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing  # shown once, never again
    assert admin.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_admin_page_refuses_bad_input_and_non_admins(client, make_user, login_as):
    admin = login_as(make_user("350000", roles=("system_admin",)))
    bad = admin.post("/admin/api-tokens/", data={"name": "x", "username": "nobody", "scopes": ["root"]})
    assert bad.status_code == 400
    staff = login_as(make_user("350000"))
    assert staff.get("/admin/api-tokens/").status_code == 403


def test_cli_create_list_revoke(app, db_session, make_user):
    account = make_user("350000")
    runner = app.test_cli_runner()
    made = runner.invoke(args=["api-tokens", "create", "e-CQS", "--user", account.username,
                               "--scope", "sampling:import"])
    assert made.exit_code == 0 and made.output.strip().splitlines()[-1].startswith("qsf_")
    token_id = int(re.search(r"#(\d+)", made.output).group(1))
    assert "e-CQS" in runner.invoke(args=["api-tokens", "list"]).output
    assert runner.invoke(args=["api-tokens", "revoke", str(token_id)]).exit_code == 0
    again = runner.invoke(args=["api-tokens", "revoke", str(token_id)])
    assert again.exit_code != 0 and "已被吊销" in again.output
    unknown = runner.invoke(args=["api-tokens", "create", "x", "--user", "nobody", "--scope", "cases:read"])
    assert unknown.exit_code != 0
