"""Fixtures for the web-hardening tests."""
import pytest

from app.cases.services import KIND_LABELS
from app.engine.deploy import deploy_files
from tests.cases.case_bpmn import lifecycle_xml


@pytest.fixture()
def kinds_deployed(db_session):
    """Every case kind deployed as a small two-step process."""
    files = {f"{k}.bpmn": lifecycle_xml(k).encode("utf-8") for k in KIND_LABELS}
    return deploy_files(files, form_exists=None)
