"""Attachments and comments on a case: type/size checks, scope, audit, CSRF, safe return URL."""
import io
import zipfile

from sqlalchemy import select

from app.audit.models import CaseEvent
from app.cases.models import CaseAttachment, CaseNote
from app.engine.models import HumanTask

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _upload(client, case, data, name, **extra):
    form = {"file": (io.BytesIO(data), name), **extra}
    return client.post(f"/cases/{case.id}/attachments", data=form, content_type="multipart/form-data")


def test_upload_download_and_audit(app, db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    response = _upload(client, case, PDF, "检验报告.pdf", description="检验报告")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}#documents")
    att = db_session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id))
    assert att.filename == "检验报告.pdf" and att.size_bytes == len(PDF)
    # Stored under UPLOAD_DIR with a random name, never the user's.
    stored = list(__import__("pathlib").Path(app.config["UPLOAD_DIR"]).glob(att.stored_name))
    assert stored and "检验报告" not in att.stored_name
    event = db_session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                      CaseEvent.event_type == "attachment_uploaded"))
    assert event.summary == "检验报告.pdf"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "检验报告.pdf" in page and "上传附件" in page
    download = client.get(f"/cases/{case.id}/attachments/{att.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]


def test_office_and_image_types_accepted(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    assert _upload(client, case, _docx_bytes(), "整改报告.docx").status_code == 302
    assert _upload(client, case, PNG, "现场照片.PNG").status_code == 302
    names = set(db_session.scalars(select(CaseAttachment.filename).where(CaseAttachment.case_id == case.id)))
    assert names == {"整改报告.docx", "现场照片.PNG"}


def test_forbidden_type_disguised_content_and_oversize(app, db_session, kinds_deployed, make_user, make_case,
                                                        login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    response = _upload(client, case, b"MZ\x90\x00 this is a program", "virus.exe")
    assert response.status_code == 400 and "不支持的文件类型" in response.get_data(as_text=True)
    response = _upload(client, case, b"MZ\x90\x00 this is a program", "report.pdf")
    assert response.status_code == 400 and "文件内容与扩展名不符" in response.get_data(as_text=True)
    response = _upload(client, case, PDF, "report.docx")  # a PDF is not a Word file
    assert response.status_code == 400
    old = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 64
    try:
        response = _upload(client, case, PDF + b"0" * 100, "big.pdf")
    finally:
        app.config["MAX_UPLOAD_BYTES"] = old
    assert response.status_code == 400 and "文件超过大小上限" in response.get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/attachments", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要上传的文件" in response.get_data(as_text=True)
    assert db_session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id)) is None


def test_attachment_for_a_task_of_another_case_is_refused(db_session, kinds_deployed, make_user, make_case,
                                                          login_as):
    case, other = make_case("penalty_case", "350121"), make_case("penalty_case", "350121")
    foreign_task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == other.id))
    own_task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    client = login_as(make_user("350121"))
    assert _upload(client, case, PDF, "a.pdf", human_task_id=str(foreign_task.id)).status_code == 400
    assert _upload(client, case, PDF, "a.pdf", human_task_id=str(own_task.id)).status_code == 302
    att = db_session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id))
    assert att.human_task_id == own_task.id


def test_other_city_cannot_download_or_upload(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    _upload(client, case, PDF, "r.pdf")
    att = db_session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id))
    outsider = login_as(make_user("350203"))
    assert outsider.get(f"/cases/{case.id}/attachments/{att.id}").status_code == 404
    assert _upload(outsider, case, PDF, "x.pdf").status_code == 404
    assert outsider.post(f"/cases/{case.id}/notes", data={"body": "越权意见"}).status_code == 404
    # The attachment id is checked against the case in the URL too.
    other = make_case("penalty_case", "350121")
    insider = login_as(make_user("350121"))
    assert insider.get(f"/cases/{other.id}/attachments/{att.id}").status_code == 404


def test_notes_added_listed_and_audited(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    author = make_user("350121")
    client = login_as(author)
    response = client.post(f"/cases/{case.id}/notes", data={"body": "建议立案调查", "next": f"/cases/{case.id}?x=1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}?x=1")
    note = db_session.scalar(select(CaseNote).where(CaseNote.case_id == case.id))
    assert note.body == "建议立案调查" and note.author_id == author.id
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "建议立案调查" in html and author.display_name in html and "添加意见" in html


def test_bad_note_keeps_the_text_and_external_next_is_ignored(db_session, kinds_deployed, make_user, make_case,
                                                              login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    response = client.post(f"/cases/{case.id}/notes", data={"body": "   "})
    assert response.status_code == 400 and "请输入意见内容" in response.get_data(as_text=True)
    long_text = "长" * 4001
    response = client.post(f"/cases/{case.id}/notes", data={"body": long_text})
    assert response.status_code == 400 and long_text in response.get_data(as_text=True)
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/cases/{case.id}/notes", data={"body": "好", "next": evil})
        assert response.headers["Location"].endswith(f"/cases/{case.id}#notes")


def test_posts_need_csrf_token(csrf_enabled, db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    user = make_user("350121")
    client = csrf_enabled.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/login", data={"username": user.username, "password": "pw-123456",
                                       "csrf_token": token}).status_code == 302
    response = client.post(f"/cases/{case.id}/notes", data={"body": "无令牌"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    response = _upload(client, case, PDF, "r.pdf")
    assert response.status_code == 400
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post(f"/cases/{case.id}/notes", data={"body": "有令牌", "csrf_token": token}).status_code == 302


def test_partials_on_the_inbox_task_page(db_session, kinds_deployed, make_user, make_case, login_as):
    case = make_case("penalty_case", "350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    client = login_as(make_user("350121"))
    _upload(client, case, PDF, "任务页附件.pdf", human_task_id=str(task.id), next=f"/inbox/tasks/{task.id}")
    client.post(f"/cases/{case.id}/notes", data={"body": "任务页意见", "human_task_id": str(task.id)})
    response = client.get(f"/inbox/tasks/{task.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "任务页附件.pdf" in html and "任务页意见" in html
    assert f'action="/cases/{case.id}/attachments"' in html
    assert f'name="human_task_id" value="{task.id}"' in html
    assert f'name="next" value="/inbox/tasks/{task.id}"' in html


def test_refused_upload_offers_the_form_again_with_the_description_kept(db_session, kinds_deployed, make_user,
                                                                       make_case, login_as):
    case = make_case("penalty_case", "350121")
    client = login_as(make_user("350121"))
    no_file = client.post(f"/cases/{case.id}/attachments", data={"description": "整改照片（第二批）"},
                          content_type="multipart/form-data")
    page = no_file.get_data(as_text=True)
    assert no_file.status_code == 400
    assert 'value="整改照片（第二批）"' in page and 'type="file"' in page and "重新上传" in page
