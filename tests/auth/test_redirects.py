"""After login (and after a case form) the user never lands on another site."""
import pytest

from app.auth.guards import local_path


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
                                    "https://evil.example/", "javascript:alert(1)", "evil.example", ""])
def test_foreign_or_odd_targets_are_refused(target):
    assert local_path(target) is None


def test_local_paths_pass():
    assert local_path("/cases/12?page=2#notes") == "/cases/12?page=2#notes"


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "/\t/evil.example"])
def test_login_with_foreign_next_goes_home(db_session, client, make_user, target):
    user = make_user()
    response = client.post("/login", query_string={"next": target},
                           data={"username": user.username, "password": "pw-123456"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_with_local_next_goes_there(db_session, client, make_user):
    user = make_user()
    response = client.post("/login?next=/inbox/", data={"username": user.username, "password": "pw-123456"})
    assert response.headers["Location"] == "/inbox/"


def test_notification_link_to_another_site_is_not_followed(db_session, client, make_user, login_as):
    from app.notifications.services import notify

    user = make_user()
    login_as(user)
    foreign = notify(user.id, "system", "外部链接", dedupe_key="ext1", link="https://evil.example/phish")
    local = notify(user.id, "system", "本站链接", dedupe_key="loc1", link="/inbox/")
    assert client.post(f"/notifications/{foreign}/open").headers["Location"] == "/notifications/"
    assert client.post(f"/notifications/{local}/open").headers["Location"] == "/inbox/"
