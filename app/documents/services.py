"""Issuing documents: numbered once, each generation a new stored version; templates uploaded by admins."""
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from app.audit.services import record_event
from app.cases.external import may_register
from app.cases.models import Case
from app.clock import local_today
from app.db import db
from app.documents import numbering, rendering
from app.documents.context import merge_context
from app.documents.kinds import KINDS, get_kind
from app.documents.models import CaseDocument, DocumentTemplate, DocumentVersion
from app.errors import Forbidden, InvalidInput, NotFound

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_CONTENT_CHARS = 4000


def may_issue(user, case) -> bool:
    """Staff who may register outside events on the case (worked on it) may issue its documents."""
    return not getattr(user, "is_enterprise", False) and may_register(user, case)


def active_template(kind_code) -> DocumentTemplate | None:
    """The newest uploaded template of the kind (None: the built-in one is used)."""
    stmt = (select(DocumentTemplate).where(DocumentTemplate.kind == kind_code)
            .order_by(DocumentTemplate.id.desc()).limit(1))
    return db.scalar(stmt)


def list_documents(case_id) -> list[CaseDocument]:
    """The case's documents, oldest first, with versions and services loaded."""
    stmt = (select(CaseDocument).where(CaseDocument.case_id == case_id).order_by(CaseDocument.id)
            .options(selectinload(CaseDocument.versions).options(defer(DocumentVersion.content)),
                     selectinload(CaseDocument.services)))
    return list(db.scalars(stmt))


def get_document(case_id, document_id) -> CaseDocument:
    """One document of the case (NotFound when it belongs to another case)."""
    doc = db.get(CaseDocument, document_id)
    if doc is None or doc.case_id != case_id:
        raise NotFound("文书不存在")
    return doc


def get_version(doc, version=None) -> DocumentVersion:
    """A stored version (the newest when none is named)."""
    if version is None:
        return doc.current
    for v in doc.versions:
        if v.version == version:
            return v
    raise NotFound("文书版本不存在")


def _served_list(case_id) -> str:
    titles = []
    for d in list_documents(case_id):
        kind = get_kind(d.kind)
        if kind.word:
            titles.append(f"《{kind.title}》（{d.number}）")
    return "、".join(titles)


def _new_version(doc, case, user, content) -> DocumentVersion:
    kind = get_kind(doc.kind)
    served = _served_list(case.id) if kind.code == "service_receipt" else ""
    context = merge_context(case, kind, number=doc.number, content=content, served_documents=served)
    template = active_template(kind.code)
    data = rendering.render_docx(template.content if template else rendering.default_template(kind.code), context)
    version = DocumentVersion(document_id=doc.id, version=len(doc.versions) + 1, content=data,
                              sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), context=context,
                              template_id=template.id if template else None, generated_by_id=user.id)
    db.add(version)
    doc.versions.append(version)
    db.flush()
    return version


def _clean_content(content) -> str:
    content = (content or "").strip()
    if len(content) > MAX_CONTENT_CHARS:
        raise InvalidInput(f"正文不能超过 {MAX_CONTENT_CHARS} 字", field="content")
    return content


def issue_document(case: Case, user, kind_code, content="") -> CaseDocument:
    """Number (numbered kinds) and generate a document of the case; audited."""
    if not may_issue(user, case):
        raise Forbidden("只有承办过本案环节的科室人员可以制作文书")
    kind = get_kind(kind_code)
    if kind is None:
        raise InvalidInput("未知的文书种类", field="kind")
    content = _clean_content(content)
    doc = CaseDocument(case_id=case.id, kind=kind.code, org_unit_id=case.org_unit_id, created_by_id=user.id)
    if kind.word:
        year = local_today().year
        value = numbering.allocate(case.org_unit_id, kind.code, year)
        doc.series_year, doc.series_no = year, value
        doc.number = numbering.format_number(case.org_unit.name, kind.word, year, value)
    db.add(doc)
    db.flush()
    version = _new_version(doc, case, user, content)
    record_event("document_issued", case_id=case.id, actor_id=user.id,
                 summary=f"{kind.title} {doc.number}".strip(),
                 data={"document_id": doc.id, "kind": kind.code, "number": doc.number, "sha256": version.sha256})
    return doc


def regenerate_document(case: Case, user, doc: CaseDocument, content=None) -> DocumentVersion:
    """A new version of the document under the same number (earlier versions are kept); audited."""
    if not may_issue(user, case):
        raise Forbidden("只有承办过本案环节的科室人员可以制作文书")
    text = doc.current.context.get("content", "") if content is None else _clean_content(content)
    version = _new_version(doc, case, user, text)
    record_event("document_regenerated", case_id=case.id, actor_id=user.id,
                 summary=f"{get_kind(doc.kind).title} {doc.number} 第{version.version}版",
                 data={"document_id": doc.id, "version": version.version, "sha256": version.sha256})
    return version


def upload_template(user, kind_code, filename, content: bytes) -> DocumentTemplate:
    """Store an admin's template for a kind; refused when it names placeholders QSFlow does not fill."""
    if not (user.has_role("process_admin") or user.has_role("system_admin")):
        raise Forbidden("只有流程管理员可以上传文书模板")
    if kind_code not in KINDS:
        raise InvalidInput("未知的文书种类", field="kind")
    if not content:
        raise InvalidInput("请选择模板文件", field="file")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise InvalidInput("模板文件不能超过 2 MB", field="file")
    placeholders = rendering.check_template(content)
    tpl = DocumentTemplate(kind=kind_code, filename=(filename or "template.docx")[-200:], content=content,
                           sha256=hashlib.sha256(content).hexdigest(), placeholders=placeholders,
                           uploaded_by_id=user.id)
    db.add(tpl)
    db.flush()
    record_event("document_template_uploaded", actor_id=user.id, summary=f"{KINDS[kind_code].title}：{tpl.filename}",
                 data={"template_id": tpl.id, "kind": kind_code, "sha256": tpl.sha256})
    return tpl


def list_templates() -> list[DocumentTemplate]:
    """Uploaded templates, newest first."""
    return list(db.scalars(select(DocumentTemplate).order_by(DocumentTemplate.id.desc())))
