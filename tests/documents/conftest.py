"""A hazard-investigation case in 闽侯 with its quality-supervision clerk (who may issue its documents)."""
from pathlib import Path

import pytest

from app.engine.deploy import deploy_files

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FILES = ("hazard_investigation", "penalty_case", "credit_disclosure", "listed_supervision")
FACTS = {"campaign_name": "2026年重点工业产品质量安全排查治理", "self_inspection_due": "2099-05-20",
         "inspection_due": "2099-07-25"}


@pytest.fixture()
def hazard_library(db_session):
    """The hazard process and the ones it calls or opens, deployed."""
    return deploy_files({f"{k}.bpmn": (PROCESSES / f"{k}.bpmn").read_bytes() for k in FILES})


@pytest.fixture()
def hazard_case(hazard_library, make_case):
    """Open a hazard case (its first task is the quality-supervision department's)."""
    def make(org_code="350121", **kw):
        return make_case("hazard_investigation", org_code, facts=dict(FACTS), product_category="gas_appliance",
                         product_name="家用燃气灶具", is_key_product=True, **kw)
    return make


@pytest.fixture()
def clerk(make_user):
    """A quality-supervision clerk of 闽侯 (350121)."""
    return make_user("350121", ("quality_supervision",))
