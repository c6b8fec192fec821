"""A modeler file whose process id is a built-in process's replaces it only after an explicit confirmation."""
from sqlalchemy import select

from app.admin.models import ProcessDraft
from app.engine.models import ProcessDefinition
from tests.admin.conftest import flow_xml


def _versions(db_session, key):
    return list(db_session.scalars(select(ProcessDefinition.version).where(ProcessDefinition.key == key)))


def test_builtin_id_clash_needs_confirmation_in_the_modeler(admin_client, db_session):
    xml = flow_xml(key="recall", name="我的召回流程")
    before = _versions(db_session, "recall")
    refused = admin_client.post("/admin/api/deploy", json={"xml": xml})
    body = refused.get_json()
    assert refused.status_code == 409 and body["confirm"] == "replace_builtin" and "内置流程" in body["message"]
    assert _versions(db_session, "recall") == before
    confirmed = admin_client.post("/admin/api/deploy", json={"xml": xml, "replace_builtin": True})
    assert confirmed.status_code == 200 and confirmed.get_json()["key"] == "recall"
    assert len(_versions(db_session, "recall")) == len(before) + 1


def test_builtin_draft_deploy_needs_the_box_ticked(admin_client, db_session):
    admin_client.post("/admin/api/drafts", json={"xml": flow_xml(key="recall", name="我的召回流程")})
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'name="replace_builtin"' in page
    before = _versions(db_session, "recall")
    response = admin_client.post("/admin/drafts/recall/deploy", follow_redirects=True)
    assert "内置流程" in response.get_data(as_text=True) and _versions(db_session, "recall") == before
    assert db_session.scalar(select(ProcessDraft).where(ProcessDraft.process_key == "recall")) is not None
    admin_client.post("/admin/drafts/recall/deploy", data={"replace_builtin": "1"})
    assert len(_versions(db_session, "recall")) == len(before) + 1


def test_other_ids_deploy_without_a_question(admin_client, db_session):
    response = admin_client.post("/admin/api/deploy", json={"xml": flow_xml(key="my_own_flow")})
    assert response.status_code == 200
