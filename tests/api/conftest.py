"""API fixtures: a token for an account made by make_user, and headers that carry it."""
import pytest

from app.api.tokens import SCOPES, create_token

ALL_SCOPES = tuple(SCOPES)


@pytest.fixture()
def make_token(db_session, make_user):
    """make_token(org_code, departments, scopes) -> (user, headers)."""
    def make(org_code="350121", departments=("quality_supervision",), scopes=ALL_SCOPES, roles=("staff",)):
        user = make_user(org_code, departments=departments, roles=roles)
        _token, secret = create_token(f"测试令牌{user.username}", user, list(scopes))
        return user, {"Authorization": f"Bearer {secret}"}
    return make


@pytest.fixture()
def library(db_session):
    """The real process library, deployed."""
    from pathlib import Path

    from app.engine.deploy import deploy_directory

    return deploy_directory(Path(__file__).resolve().parent.parent.parent / "processes")
