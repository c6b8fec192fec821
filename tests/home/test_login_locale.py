"""The sign-in page can be switched to English before signing in."""


def test_login_page_offers_the_language_switch(client):
    page = client.get("/login").get_data(as_text=True)
    assert "用户登录" in page and 'name="locale" value="en"' in page


def test_login_page_in_english_before_signing_in(client):
    response = client.post("/locale", data={"locale": "en"}, headers={"Referer": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "用户登录" not in page
