"""Every endpoint that takes an id refuses a user of another city (福州 case, 厦门 user)."""
import io

import pytest
from sqlalchemy import select

from app.cases.attachments import save_attachment
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask, ProcessInstance
from app.notifications.services import notify_users
from app.reports.services import ensure_report
from app.reports.statutory import weekly_period
from app.seed.reference import unit_by_code
from tests.cases.case_bpmn import lifecycle_xml

ALL_ROLES = ("staff", "supervisor", "process_admin")


@pytest.fixture()
def fuzhou(db_session, make_user, make_case):
    """A 福州 case with a running instance, an open task, a document, a notification and a report."""
    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    owner = make_user("350100", roles=ALL_ROLES)
    case = make_case("penalty_case", org_code="350100", user_id=owner.id)
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    instance = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))

    class Upload:
        filename = "报告.pdf"
        stream = io.BytesIO(b"%PDF-1.4 test")

    att = save_attachment(case, Upload(), owner)
    note = notify_users([owner], "reminder", "测试提醒", key="t1", case_id=case.id)
    from datetime import date
    report, _ = ensure_report("weekly", unit_by_code("350100"), weekly_period(date(2026, 11, 19)), owner.id)
    db_session.flush()
    return {"case": case, "task": task, "instance": instance, "att": att, "report": report, "owner": owner,
            "notification": note[0] if isinstance(note, list) and note else None}


def _requests(f):
    c, t, i = f["case"].id, f["task"].id, f["instance"].id
    yield "get", f"/cases/{c}", {}
    yield "get", f"/cases/{c}/diagram.json", {}
    yield "post", f"/cases/{c}/notes", {"body": "越权意见"}
    yield "post", f"/cases/{c}/attachments", {"file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf")}
    yield "get", f"/cases/{c}/attachments/{f['att'].id}", {}
    yield "get", f"/inbox/tasks/{t}", {}
    yield "post", f"/inbox/tasks/{t}/draft", {}
    yield "post", f"/inbox/tasks/{t}/draft/discard", {}
    yield "post", f"/inbox/tasks/{t}/complete", {}
    for action in ("claim", "release", "assign", "delegate"):
        yield "post", f"/inbox/tasks/{t}/{action}", {"assignee_id": str(f["owner"].id), "reason": "越权"}
    yield "get", f"/admin/instances/{i}", {}
    for action in ("suspend", "resume", "cancel", "retry", "reset"):
        yield "post", f"/admin/instances/{i}/{action}", {"reason": "越权操作", "data": "{}", "spec_name": "register"}
    yield "get", f"/admin/instances/{i}/migrate?target=1", {}
    yield "post", f"/admin/instances/{i}/migrate", {"target": "1", "reason": "越权操作"}
    yield "get", f"/reports/{f['report'].id}", {}
    yield "get", f"/reports/{f['report'].id}/export.xlsx", {}
    for action in ("regenerate", "remarks", "submit"):
        yield "post", f"/reports/{f['report'].id}/{action}", {"remarks": "越权"}
    yield "post", f"/supervision/tasks/{t}/remind", {"note": "越权"}
    yield "get", f"/supervision/tasks/{t}/reassign", {}
    yield "post", f"/supervision/tasks/{t}/reassign", {"assignee_id": str(f["owner"].id), "reason": "越权"}
    yield "get", f"/supervision/cases/{c}/list", {}
    yield "post", f"/supervision/cases/{c}/list", {"reason": "越权挂牌"}


def test_other_city_is_refused_everywhere(db_session, fuzhou, make_user, login_as):
    """A 厦门 head with every role gets 403/404 on each 福州 id, and nothing changes."""
    client = login_as(make_user("350200", roles=ALL_ROLES))
    before = (fuzhou["task"].status, fuzhou["task"].assignee_id, fuzhou["instance"].status)
    leaks = []
    for method, url, data in _requests(fuzhou):
        response = getattr(client, method)(url, data=data) if method == "post" else client.get(url)
        if response.status_code not in (403, 404):
            leaks.append((method, url, response.status_code))
    assert leaks == []
    db_session.expire_all()
    assert (fuzhou["task"].status, fuzhou["task"].assignee_id, fuzhou["instance"].status) == before


def test_someone_elses_notification_is_not_found(db_session, fuzhou, make_user, login_as):
    """Opening or marking another user's notification answers 404 and leaves it unread."""
    from app.notifications.models import Notification

    client = login_as(make_user("350100"))
    note_id = fuzhou["notification"]
    for url in (f"/notifications/{note_id}/open", f"/notifications/{note_id}/read"):
        assert client.post(url).status_code == 404
    db_session.expire_all()
    assert db_session.get(Notification, note_id).read_at is None
