"""What an enterprise sees: only its own cases, what is asked of it now with the deadline, documents served on it."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.cases.models import Case
from app.clock import local_date
from app.db import db
from app.documents.models import CaseDocument, DocumentService
from app.engine.models import ProcessInstance
from app.errors import NotFound
from app.portal import submissions


@dataclass
class PortalCase:
    """One case on the enterprise's list."""

    case: Case
    asked: list  # [(Submission, is_awaited)]
    deadline: object  # Beijing date of the earliest timer of its running process, or None
    pending_services: int


def enterprise_case(user, case_id) -> Case:
    """The case if it concerns the user's enterprise; NotFound otherwise (no hint it exists)."""
    case = db.get(Case, case_id)
    if case is None or user.enterprise_id is None or case.enterprise_id != user.enterprise_id:
        raise NotFound("案件不存在")
    return case


def deadline_of(case_id):
    """The next statutory clock of the case's running processes (e.g. the rectification deadline)."""
    at = db.scalar(select(func.min(ProcessInstance.next_timer_at)).where(
        ProcessInstance.case_id == case_id, ProcessInstance.status.in_(("running", "waiting"))))
    return local_date(at) if at else None


def served_documents(case_id) -> list[tuple[CaseDocument, DocumentService]]:
    """Documents served (or being served electronically) on the enterprise, with their service."""
    stmt = (select(CaseDocument, DocumentService).join(DocumentService, DocumentService.document_id == CaseDocument.id)
            .where(CaseDocument.case_id == case_id).order_by(DocumentService.id))
    return list(db.execute(stmt).all())


def served_document(case, document_id) -> CaseDocument:
    """A document of the case that has been served on the enterprise (NotFound for any other)."""
    for doc, _svc in served_documents(case.id):
        if doc.id == document_id:
            return doc
    raise NotFound("文书不存在")


def my_cases(user) -> list[PortalCase]:
    """The enterprise's open cases first, newest first, each with what is asked now."""
    cases = db.scalars(select(Case).where(Case.enterprise_id == user.enterprise_id)
                       .order_by((Case.status == "open").desc(), Case.opened_at.desc()).limit(200))
    out = []
    for case in cases:
        is_open = case.status == "open"
        asked = submissions.open_submissions(case.id) if is_open else []
        pending = sum(1 for _d, s in served_documents(case.id) if s.status == "pending")
        out.append(PortalCase(case, asked, deadline_of(case.id) if is_open else None, pending))
    return out
