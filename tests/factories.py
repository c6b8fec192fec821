"""Factories as fixtures: users in org units, cases, deployed test processes."""
import itertools
import textwrap

import pytest

from app.auth.accounts import create_user
from app.cases.services import get_or_create_enterprise, open_case
from app.engine.deploy import deploy_files
from app.formdefs.uscc import make_uscc
from app.seed.reference import unit_by_code

_seq = itertools.count(1)


@pytest.fixture()
def make_user(db_session):
    def make(org_code="350121", departments=("quality_supervision",), roles=("staff",), username=None):
        username = username or f"user{next(_seq)}"
        return create_user(username, "pw-123456", f"测试用户{username}", unit_by_code(org_code),
                           departments, roles)
    return make


@pytest.fixture()
def make_enterprise(db_session):
    def make(name="福建某某电器有限公司"):
        n = next(_seq)
        return get_or_create_enterprise(make_uscc(f"91350100M{n:08d}"), f"{name}{n}", region_code="350121")
    return make


@pytest.fixture()
def make_case(db_session, make_enterprise):
    def make(kind, org_code="350121", start_process=True, facts=None, user_id=None, **kw):
        return open_case(kind, unit_by_code(org_code), title=kw.pop("title", "测试案件"),
                         enterprise=kw.pop("enterprise", None) or make_enterprise(), facts=facts or {},
                         start_process=start_process, user_id=user_id, **kw)
    return make


@pytest.fixture()
def deploy_xml(db_session):
    """Deploy BPMN text (no form check unless asked); returns the results."""
    def deploy(xml, filename=None, form_exists=None):
        xml = textwrap.dedent(xml).strip().encode("utf-8")
        name = filename or "test.bpmn"
        return deploy_files({name: xml}, form_exists=form_exists)
    return deploy


@pytest.fixture()
def login_as(client):
    """Log the test client in through the login form as a user made by make_user."""
    def login(user):
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": "pw-123456"})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client
    return login
