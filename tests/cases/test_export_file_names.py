"""File names the user downloads carry Beijing time."""


def test_export_file_is_named_with_beijing_time(db_session, make_user, login_as):
    """An export at 07:30 Beijing time (23:30 UTC the day before) carries the Beijing date and time."""
    from freezegun import freeze_time

    client = login_as(make_user())
    with freeze_time("2026-11-22 23:30:00"):
        response = client.get("/cases/export?format=csv")
    assert response.status_code == 200
    assert "cases-202611230730.csv" in response.headers["Content-Disposition"]
