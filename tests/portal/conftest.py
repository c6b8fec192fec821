"""An enterprise with a portal account, a hazard case driven to the rectification order, and its clerk."""
import itertools

import pytest

from app.cases.services import get_or_create_enterprise
from app.formdefs.uscc import make_uscc
from app.portal.accounts import create_enterprise_user, home_bureau
from tests.documents.conftest import FACTS, hazard_library  # noqa: F401  (fixture)
from tests.processes.conftest import CaseDriver

PASSWORD = "pw-123456"
_seq = itertools.count(1)


@pytest.fixture()
def enterprise_user(db_session):
    """Make an enterprise (registered in `region`) with one portal account."""
    def make(name="闽侯县安泰燃气具制造有限公司", region="350121", username=None):
        ent = get_or_create_enterprise(make_uscc(f"91{region}MA2P{next(_seq):05d}"), name,
                                       region_code=region)
        user = create_enterprise_user(ent.id, home_bureau(ent).id, username or f"ent_{ent.id}", name, PASSWORD)
        return ent, user
    return make


@pytest.fixture()
def portal_login(client):
    """Log the client in through the portal login."""
    def login(user):
        client.post("/portal/logout")
        client.post("/logout")
        resp = client.post("/portal/login", data={"username": user.username, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        return client
    return login


@pytest.fixture()
def case_at_order(hazard_library, make_case):  # noqa: F811
    """A hazard case of the enterprise driven to 下达并送达责令改正通知书 (hi_rectify_order)."""
    users = {}  # one driving user per bureau and department, shared by the cases of a test

    def make(enterprise, org_code="350121"):
        case = make_case("hazard_investigation", org_code, facts=dict(FACTS), enterprise=enterprise,
                         product_category="gas_appliance", product_name="家用燃气灶具", is_key_product=True)
        driver = CaseDriver(case, users=users)
        driver.complete("hi_campaign")
        driver.complete("hi_self_report", self_inspection_submitted=True)
        driver.complete("hi_review")
        driver.complete("hi_inspection", self_inspection_verdict="consistent")
        driver.complete("hi_ledger", hazards=[{"description": "熄火保护装置缺失", "source": "onsite", "severity": "general",
                                               "measures": "更换", "owner": "张三", "deadline": None, "status": "open"}],
                        violations_found=False, help_needed=False)
        assert driver.ready_names() == ["hi_rectify_order"]
        return driver
    return make
