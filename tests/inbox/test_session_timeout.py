"""Login hardening seen from the inbox: an idle session expires, an active one slides on."""
from datetime import UTC, datetime, timedelta

from flask import g
from freezegun import freeze_time


def _get(client, url):
    # The test's app context outlives requests here; flask-login would reuse the user cached in g.
    g.pop("_login_user", None)
    return client.get(url)


def test_idle_session_expires_and_activity_extends_it(app, make_user, login_as, client):
    lifetime = app.permanent_session_lifetime
    assert timedelta(minutes=5) <= lifetime <= timedelta(hours=12)
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with freeze_time(start) as clock:
        login_as(make_user())
        assert _get(client, "/inbox/").status_code == 200
        # Activity just before the limit keeps the user in (the timeout counts from the last request).
        clock.move_to(start + lifetime - timedelta(minutes=1))
        assert _get(client, "/inbox/").status_code == 200
        clock.move_to(start + 2 * lifetime - timedelta(minutes=2))
        assert _get(client, "/inbox/").status_code == 200
        # Idle for longer than the lifetime: back to the login page.
        clock.move_to(start + 3 * lifetime)
        response = _get(client, "/inbox/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
