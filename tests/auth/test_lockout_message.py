"""The lockout message names the configured lock time, not a fixed 15 minutes."""


def test_lockout_message_follows_the_setting(db_session, app, client, make_user):
    user = make_user()
    old = app.config["LOGIN_LOCK_SECONDS"], app.config["LOGIN_MAX_FAILURES"]
    app.config.update(LOGIN_LOCK_SECONDS=600, LOGIN_MAX_FAILURES=2)
    try:
        client.post("/login", data={"username": user.username, "password": "wrong"})
        response = client.post("/login", data={"username": user.username, "password": "wrong"})
    finally:
        app.config["LOGIN_LOCK_SECONDS"], app.config["LOGIN_MAX_FAILURES"] = old
    text = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "请 10 分钟后再试" in text and "15 分钟" not in text


def test_unknown_user_costs_the_same_hashing_as_a_wrong_password(db_session, client, make_user, monkeypatch):
    """Response time must not tell which user names exist: both failures run one password check."""
    from app.auth import accounts

    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    user = make_user()
    wrong = client.post("/login", data={"username": user.username, "password": "wrong"})
    unknown = client.post("/login", data={"username": "nobody-here", "password": "wrong"})
    assert wrong.status_code == unknown.status_code == 401
    assert len(calls) == 2 and calls[0].split("$")[0] == calls[1].split("$")[0]
