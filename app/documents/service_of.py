"""Service (送达) of documents: how and when a document reached the party, and the clocks it starts.

When service completes (a recorded date, or the enterprise's acknowledgement in the portal) the case
fact `<kind>_served_on` is set and the message `served:<kind>` carries {"served_date": ...} to the
case's process, which computes the deadlines that run from receipt (see docs/documents.md).
"""
from app.audit.services import record_event
from app.cases import attachments as case_files
from app.cases.services import merge_case_facts
from app.clock import local_today
from app.db import db, utcnow
from app.documents.kinds import get_kind
from app.documents.models import SERVICE_METHODS, DocumentService
from app.documents.services import may_issue
from app.engine import messages as engine_messages
from app.engine import service as engine
from app.errors import Conflict, Forbidden, InvalidInput, NotFound

METHOD_LABELS = {"direct": "直接送达", "post": "邮寄送达", "electronic": "电子送达（企业端签收）",
                 "left_at_premises": "留置送达", "public_notice": "公告送达"}


def record_service(case, user, doc, *, method, served_on=None, recipient="", note="", receipt_attachment_id=None):
    """Record how the document is served; electronic service waits for the enterprise's acknowledgement."""
    if not may_issue(user, case):
        raise Forbidden("只有承办过本案环节的科室人员可以登记送达")
    if method not in SERVICE_METHODS:
        raise InvalidInput("请选择送达方式", field="method")
    if any(s.status == "served" for s in doc.services):
        raise Conflict("该文书已送达")
    if any(s.status == "pending" for s in doc.services):
        raise Conflict("该文书已电子送达，正在等待企业签收")
    if receipt_attachment_id is not None and case_files.ids_outside_case(case.id, [receipt_attachment_id]):
        raise InvalidInput("送达回证附件不属于本案", field="receipt_attachment_id")
    svc = DocumentService(document_id=doc.id, method=method, recipient=recipient.strip()[:100],
                          note=note.strip()[:500], receipt_attachment_id=receipt_attachment_id,
                          recorded_by_id=user.id, recorded_at=utcnow())
    if method == "electronic":
        if case.enterprise_id is None:
            raise InvalidInput("本案没有当事企业，无法电子送达", field="method")
        svc.status = "pending"
    else:
        if served_on is None:
            raise InvalidInput("请填写送达日期", field="served_on")
        if served_on > local_today():
            raise InvalidInput("送达日期不能晚于今天", field="served_on")
        svc.status, svc.served_on = "served", served_on
    db.add(svc)
    doc.services.append(svc)
    db.flush()
    record_event("document_service_recorded", case_id=case.id, actor_id=user.id,
                 summary=f"{get_kind(doc.kind).title} {doc.number}：{METHOD_LABELS[method]}",
                 data={"document_id": doc.id, "service_id": svc.id, "method": method,
                       "served_on": served_on.isoformat() if svc.served_on else None})
    if svc.status == "served":
        _served(case, doc, svc, user.id)
    return svc


def acknowledge_service(case, enterprise_user, svc_id):
    """The enterprise acknowledges an electronically served document: served today, at this moment."""
    svc = db.get(DocumentService, svc_id)
    if svc is None or svc.document.case_id != case.id or case.enterprise_id != enterprise_user.enterprise_id:
        raise NotFound("送达记录不存在")
    if svc.status != "pending":
        raise Conflict("该文书已签收")
    now = utcnow()
    svc.status, svc.served_on = "served", local_today(now)
    svc.acknowledged_by_id, svc.acknowledged_at = enterprise_user.id, now
    db.flush()
    record_event("document_acknowledged", case_id=case.id, actor_id=enterprise_user.id,
                 summary=f"{get_kind(svc.document.kind).title} {svc.document.number}：企业签收",
                 data={"document_id": svc.document_id, "service_id": svc.id, "at": now.isoformat()})
    _served(case, svc.document, svc, enterprise_user.id)
    return svc


def _served(case, doc, svc, actor_id):
    """Service completed: the case fact, then the message the process waits for (stored if early)."""
    kind = get_kind(doc.kind)
    served = svc.served_on.isoformat()
    merge_case_facts(case.id, data={f"{kind.code}_served_on": served, f"{kind.code}_number": doc.number})
    catchable = {m.name for m in engine_messages.catchable_messages(case.id)}
    if kind.served_message in catchable:
        engine.send_message(case.id, kind.served_message,
                            {"served_date": served, "document_number": doc.number, "method": svc.method},
                            user_id=actor_id)

