"""The case page's 文书 section: issue, download, print, regenerate, service; template upload by admins."""
import io

from docx import Document

from app.documents.models import CaseDocument
from app.documents.rendering import default_template
from app.documents.services import list_documents


def _text(data):
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_clerk_issues_downloads_prints_and_serves_a_document(hazard_case, clerk, client, login_as, db_session):
    case = hazard_case()
    login_as(clerk)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="official-documents"' in page and "生成文书" in page
    resp = client.post(f"/documents/case/{case.id}", data={"kind": "rectification_order", "content": "熄火保护缺失"})
    assert resp.status_code == 302
    doc = list_documents(case.id)[0]
    assert doc.number.startswith("闽侯市监责改字〔")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert doc.number in page
    docx = client.get(f"/documents/{doc.id}/docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert doc.number in _text(docx.data) and "熄火保护缺失" in _text(docx.data)
    printed = client.get(f"/documents/{doc.id}/print").get_data(as_text=True)
    assert doc.number in printed and "熄火保护缺失" in printed and case.enterprise.name in printed
    assert client.post(f"/documents/{doc.id}/regenerate").status_code == 302
    assert client.get(f"/documents/{doc.id}/docx?version=1").status_code == 200
    assert client.get(f"/documents/{doc.id}/docx?version=3").status_code == 404
    resp = client.post(f"/documents/{doc.id}/service", data={"method": "post", "served_on": "2020-01-02"})
    assert resp.status_code == 302
    assert case.facts["rectification_order_served_on"] == "2020-01-02"
    assert client.post(f"/documents/{doc.id}/service", data={"method": "post", "served_on": "2020-01-02"}).status_code == 409


def test_documents_of_another_bureau_stay_hidden(hazard_case, clerk, make_user, client, login_as):
    case = hazard_case()
    login_as(clerk)
    client.post(f"/documents/case/{case.id}", data={"kind": "penalty_decision"})
    doc = list_documents(case.id)[0]
    login_as(make_user("350203", ("quality_supervision",)))
    assert client.get(f"/documents/{doc.id}/docx").status_code == 404
    assert client.get(f"/documents/{doc.id}/print").status_code == 404
    assert client.post(f"/documents/case/{case.id}", data={"kind": "penalty_decision"}).status_code == 404
    # Same bureau, a department that never worked on the case: it sees, it may not issue.
    login_as(make_user("350121", ("enforcement",)))
    assert client.get(f"/documents/{doc.id}/docx").status_code == 200
    assert client.post(f"/documents/case/{case.id}", data={"kind": "penalty_decision"}).status_code == 403
    assert len(list_documents(case.id)) == 1


def _template_with(*paragraphs):
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_template_upload_refuses_unknown_placeholders_with_the_list(make_user, client, login_as, hazard_case, clerk,
                                                                    db_session):
    admin = make_user("350000", ("it_office",), ("process_admin",))
    login_as(admin)
    bad = _template_with("{{ number }} {{ party_phone }} {{ fine_amount }}")
    resp = client.post("/documents/templates", data={"kind": "penalty_decision",
                                                     "file": (io.BytesIO(bad), "bad.docx")})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "fine_amount" in body and "party_phone" in body
    assert client.post("/documents/templates", data={"kind": "penalty_decision",
                                                     "file": (io.BytesIO(b"not a docx"), "x.docx")}).status_code == 400
    good = _template_with("自定义模板 {{ number }}", "{{ enterprise_name }} {{ facts.campaign_name }}")
    resp = client.post("/documents/templates", data={"kind": "penalty_decision", "file": (io.BytesIO(good), "ok.docx")})
    assert resp.status_code == 302
    case = hazard_case()
    login_as(clerk)
    client.post(f"/documents/case/{case.id}", data={"kind": "penalty_decision"})
    doc = db_session.get(CaseDocument, list_documents(case.id)[0].id)
    text = _text(doc.current.content)
    assert text.startswith("自定义模板 " + doc.number) and "重点工业产品" in text
    assert doc.current.template_id is not None
    # Staff without the role cannot reach the page.
    assert client.get("/documents/templates").status_code == 403
    assert default_template("penalty_decision")  # the built-in one still ships


def test_the_timeline_names_document_events(hazard_case, clerk, client, login_as):
    case = hazard_case()
    login_as(clerk)
    client.post(f"/documents/case/{case.id}", data={"kind": "interview_notice"})
    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True).split('id="timeline"')[1]
    assert "制作文书" in timeline and "document_issued" not in timeline


def test_a_template_reaching_into_python_is_refused(make_user, client, login_as):
    login_as(make_user("350000", ("it_office",), ("process_admin",)))
    evil = _template_with("{{ number.__class__.__mro__[1].__subclasses__() }}")
    resp = client.post("/documents/templates", data={"kind": "penalty_decision", "file": (io.BytesIO(evil), "e.docx")})
    assert resp.status_code == 400 and "模板无法生成文书" in resp.get_data(as_text=True)
