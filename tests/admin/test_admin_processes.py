"""Process list, download, drafts, upload, deploy of new versions, diff, access control and audit rows."""
import io
import json

from sqlalchemy import select

from app.admin.models import ProcessDraft
from app.audit.models import CaseEvent
from app.engine.models import HumanTask, ProcessDefinition, ProcessInstance
from app.engine.service import complete_task, start_instance
from tests.engine.samples import props

EXTRA_TASK = (f'<bpmn:userTask id="recheck" name="复核">{props("enforcement", form_key="admin_review_form")}'
              '</bpmn:userTask>')


def _v2(bpmn):
    """Version 2: review -> recheck -> gateway (the recheck task is new)."""
    return bpmn(extra=EXTRA_TASK).replace('<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>',
                                          '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="recheck"/>'
                                          '<bpmn:sequenceFlow id="f3" sourceRef="recheck" targetRef="gw"/>')


def _events(db_session, event_type):
    return list(db_session.scalars(select(CaseEvent).where(CaseEvent.event_type == event_type)))


def _worker(make_user, task):
    user = make_user("350000", departments=(task.department_code,))
    task.assignee_id = user.id
    return user


def test_deploy_from_modeler_makes_version_2_while_instance_stays_on_1(admin_client, admin_user, bpmn, db_session,
                                                                       make_user):
    first = admin_client.post("/admin/api/deploy", json={"xml": bpmn()})
    assert first.status_code == 200 and first.get_json()["version"] == 1
    old = start_instance("admin_flow").instance_id

    response = admin_client.post("/admin/api/deploy", json={"xml": _v2(bpmn)})
    body = response.get_json()
    assert response.status_code == 200 and body["version"] == 2 and body["is_new"] is True
    assert "第 2 版" in body["message"]
    same = admin_client.post("/admin/api/deploy", json={"xml": _v2(bpmn)}).get_json()
    assert same["version"] == 2 and same["is_new"] is False and "未产生新版本" in same["message"]

    new = start_instance("admin_flow").instance_id
    assert db_session.get(ProcessInstance, old).definition.version == 1
    assert db_session.get(ProcessInstance, new).definition.version == 2
    for instance_id in (old, new):
        task = db_session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id))
        complete_task(task.id, _worker(make_user, task), {"comment": "同意", "approved": True})
    assert db_session.get(ProcessInstance, old).status == "completed"
    waiting = db_session.scalar(select(HumanTask).where(HumanTask.instance_id == new, HumanTask.status == "ready"))
    assert waiting.spec_name == "recheck" and waiting.department_code == "enforcement"

    deployed = _events(db_session, "definition_deployed")
    assert [e.actor_id for e in deployed] == [admin_user.id, admin_user.id]

    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "admin_flow" in page and "v2" in page and "v1" in page and admin_user.display_name in page

    diff = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "recheck" in diff and "复核" in diff and "f3" in diff and "新增的环节" in diff
    assert "/admin/instances?key=admin_flow&amp;version=1" in diff


def test_deploy_refuses_errors_with_problems(admin_client, bpmn, db_session):
    response = admin_client.post("/admin/api/deploy", json={"xml": bpmn(form_key="no_such_form")})
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "invalid_bpmn"
    assert [p["element"] for p in body["problems"]] == ["review"]
    assert db_session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "admin_flow")) is None


def test_list_download_and_live_counts(admin_client, bpmn, db_session):
    admin_client.post("/admin/api/deploy", json={"xml": bpmn()})
    start_instance("admin_flow")
    start_instance("admin_flow")
    definition = db_session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "admin_flow"))
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert definition.sha256[:10] in page
    assert '<td class="live-count"><a href="/admin/instances?key=admin_flow&amp;version=1"' in page
    assert ">2</a></td>" in page

    download = admin_client.get(f"/admin/definitions/{definition.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="admin_flow_v1.bpmn"'
    assert download.get_data(as_text=True) == definition.xml
    assert admin_client.get("/admin/definitions/999999/download").status_code == 404


def test_draft_save_reopen_and_delete(admin_client, admin_user, bpmn, db_session):
    xml = bpmn(name="草稿流程")
    response = admin_client.post("/admin/api/drafts", json={"xml": xml})
    assert response.status_code == 200 and response.get_json()["key"] == "admin_flow"
    draft = db_session.scalar(select(ProcessDraft).where(ProcessDraft.process_key == "admin_flow"))
    assert draft.xml == xml and draft.updated_by_id == admin_user.id and draft.name == "草稿流程"
    # A draft may still be invalid: it is work in progress.
    admin_client.post("/admin/api/drafts", json={"xml": bpmn(form_key="later_form")})
    assert "later_form" in db_session.get(ProcessDraft, draft.id).xml

    modeler = admin_client.get("/admin/modeler?key=admin_flow").get_data(as_text=True)
    assert "later_form" in modeler and "草稿" in modeler
    assert "草稿" in admin_client.get("/admin/").get_data(as_text=True)

    assert admin_client.post("/admin/drafts/admin_flow/delete").status_code == 302
    assert db_session.scalar(select(ProcessDraft)) is None
    assert [e.summary for e in _events(db_session, "process_draft_saved")] == ["admin_flow", "admin_flow"]
    assert [e.actor_id for e in _events(db_session, "process_draft_deleted")] == [admin_user.id]
    assert admin_client.get("/admin/modeler?key=admin_flow").status_code == 404


def test_new_process_opens_blank_template(admin_client):
    page = admin_client.get("/admin/modeler").get_data(as_text=True)
    assert "bpmn-modeler.production.min.js" in page and "modeler-panel.js" in page
    assert "StartEvent_1" in page and "新流程" in page and "quality_supervision" in page


def test_upload_becomes_a_draft(admin_client, bpmn, db_session):
    data = {"file": (io.BytesIO(bpmn().encode("utf-8")), "mine.bpmn")}
    response = admin_client.post("/admin/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/modeler?key=admin_flow")
    assert db_session.scalar(select(ProcessDraft)).process_key == "admin_flow"


def test_upload_refuses_doctype_and_oversize(admin_client, bpmn, db_session, app):
    evil = bpmn().replace("<bpmn:definitions", '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                          "<bpmn:definitions", 1)
    response = admin_client.post("/admin/upload", data={"file": (io.BytesIO(evil.encode()), "evil.bpmn")},
                                 content_type="multipart/form-data", follow_redirects=True)
    assert "上传被拒绝" in response.get_data(as_text=True) and "DOCTYPE" in response.get_data(as_text=True)
    big = b"<a>" + b" " * app.config["MAX_BPMN_BYTES"] + b"</a>"
    response = admin_client.post("/admin/upload", data={"file": (io.BytesIO(big), "big.bpmn")},
                                 content_type="multipart/form-data", follow_redirects=True)
    assert "文件过大" in response.get_data(as_text=True)
    assert db_session.scalar(select(ProcessDraft)) is None


def test_non_admin_gets_403_and_anonymous_goes_to_login(client, make_user, bpmn):
    assert client.get("/admin/").status_code == 302
    staff = make_user("350000", departments=("quality_supervision",), roles=("staff", "supervisor"))
    client.post("/login", data={"username": staff.username, "password": "pw-123456"})
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/modeler").status_code == 403
    response = client.post("/admin/api/deploy", json={"xml": bpmn()})
    assert response.status_code == 403


def test_json_posts_need_csrf_token(admin_client, csrf_enabled, bpmn, db_session):
    response = admin_client.post("/admin/api/drafts", json={"xml": bpmn()}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf"
    assert db_session.scalar(select(ProcessDraft)) is None
    page = admin_client.get("/admin/modeler").get_data(as_text=True)
    token = page.split('"csrfToken": "', 1)[1].split('"', 1)[0]
    response = admin_client.post("/admin/api/drafts", json={"xml": bpmn()}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_english_interface(admin_client):
    admin_client.post("/locale", data={"locale": "en"})
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "New process" in page and "Upload BPMN file" in page
    modeler = admin_client.get("/admin/modeler").get_data(as_text=True)
    assert "Validate" in modeler and "Deploy new version" in modeler and '"department": "Department"' in modeler


def test_deploy_draft_from_the_list(admin_client, admin_user, bpmn, db_session):
    admin_client.post("/admin/api/drafts", json={"xml": bpmn(form_key="not_there")})
    refused = admin_client.post("/admin/drafts/admin_flow/deploy", follow_redirects=True).get_data(as_text=True)
    assert "草稿未能部署" in refused and "not_there" in refused
    assert db_session.scalar(select(ProcessDraft)) is not None  # nothing lost

    admin_client.post("/admin/api/drafts", json={"xml": bpmn()})
    done = admin_client.post("/admin/drafts/admin_flow/deploy", follow_redirects=True).get_data(as_text=True)
    assert "已部署为 admin_flow 第 1 版" in done
    assert db_session.scalar(select(ProcessDraft)) is None
    assert db_session.scalar(select(ProcessDefinition)).deployed_by_id == admin_user.id


def test_open_a_given_version(admin_client, bpmn):
    def embedded(text):  # the page embeds the XML as JSON (non-ASCII escaped)
        return json.dumps(text)[1:-1]

    admin_client.post("/admin/api/deploy", json={"xml": bpmn(name="第一版")})
    admin_client.post("/admin/api/deploy", json={"xml": bpmn(name="第二版")})
    admin_client.post("/admin/api/drafts", json={"xml": bpmn(name="草稿版")})
    assert embedded("草稿版") in admin_client.get("/admin/modeler?key=admin_flow").get_data(as_text=True)
    first = admin_client.get("/admin/modeler?key=admin_flow&version=1").get_data(as_text=True)
    assert embedded("第一版") in first and embedded("草稿版") not in first
    assert admin_client.get("/admin/modeler?key=admin_flow&version=9").status_code == 404
    bad = admin_client.get("/admin/modeler?key=admin_flow&version=x", follow_redirects=True)
    assert "版本号无效" in bad.get_data(as_text=True)
