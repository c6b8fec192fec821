"""Case documents and comments: uploads checked by extension and content, stored outside the web root."""
import hashlib
import io
import os
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.services import record_event
from app.cases.models import CaseAttachment, CaseNote
from app.db import MAX_ID, db, utcnow
from app.engine.models import HumanTask
from app.errors import InvalidInput, NotFound

ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls", "zip", "ofd")
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "zip": "application/zip",
    "ofd": "application/ofd",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_NOTE_CHARS = 4000


def extension_of(filename) -> str:
    """The lower-case extension of a file name ("" when none)."""
    _, ext = os.path.splitext(filename or "")
    return ext[1:].lower()


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None


def content_matches(ext, data) -> bool:
    """True when the bytes really are a file of that type (a renamed .exe is not a .pdf)."""
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("doc", "xls"):
        return data.startswith(OLE2_MAGIC)
    if ext in ("zip", "docx", "xlsx", "ofd"):
        if not data.startswith(ZIP_MAGICS):
            return False
        names = _zip_names(data)
        if names is None:
            return False
        # Office and OFD files are zip containers with a known member at the root.
        required = {"docx": "word/", "xlsx": "xl/", "ofd": "OFD.xml"}.get(ext)
        return required is None or any(n == required or n.startswith(required) for n in names)
    return False


def _read_limited(stream, limit):
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件超过大小上限（{limit // (1024 * 1024) or 1} MB）", field="file")
    return data


def _safe_display_name(filename):
    # Only the base name is kept, for display and the download header; it never reaches the disk.
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in filename or ""):
        # NUL cannot be stored on PostgreSQL; other control characters break headers and listings.
        raise InvalidInput("文件名含有控制字符，请重命名后再上传", field="file")
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return name[-200:] or "file"


def _task_of_case(case, human_task_id):
    """The inbox task a note or document refers to: an id beyond any row is simply not found."""
    if not isinstance(human_task_id, int) or not 0 < human_task_id <= MAX_ID:
        raise NotFound("任务不存在")
    task = db.get(HumanTask, human_task_id)
    if task is None or task.case_id != case.id:
        raise InvalidInput("任务不属于该案件", field="human_task_id")
    return task


def upload_dir() -> Path:
    """The configured upload directory (created on demand)."""
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_attachment(case, file_storage, user, *, human_task_id=None, description="") -> CaseAttachment:
    """Check and store an uploaded file for a case; audited, flushed."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise InvalidInput("请选择要上传的文件", field="file")
    display = _safe_display_name(file_storage.filename)
    ext = extension_of(display)
    if ext not in ALLOWED_EXTENSIONS:
        raise InvalidInput("不支持的文件类型，仅允许 PDF、JPG、PNG、DOC、DOCX、XLS、XLSX、ZIP、OFD", field="file")
    data = _read_limited(file_storage.stream, current_app.config["MAX_UPLOAD_BYTES"])
    if not data:
        raise InvalidInput("文件为空", field="file")
    if not content_matches(ext, data):
        raise InvalidInput("文件内容与扩展名不符，请上传真实的文件", field="file")
    if human_task_id is not None:
        _task_of_case(case, human_task_id)
    stored = secrets.token_hex(16) + "." + ext
    # Written before the row is flushed (a row without its file would be a broken download); removed
    # again when the row cannot be stored, so a refused upload leaves nothing on disk.
    path = upload_dir() / stored
    path.write_bytes(data)
    now = utcnow()
    att = CaseAttachment(case_id=case.id, human_task_id=human_task_id, filename=display, stored_name=stored,
                         content_type=CONTENT_TYPES[ext], size_bytes=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), description=(description or "")[:200],
                         uploaded_by_id=user.id, uploaded_at=now)
    try:
        db.add(att)
        db.flush()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    record_event("attachment_uploaded", case_id=case.id, human_task_id=human_task_id, actor_id=user.id,
                 summary=display, data={"attachment_id": att.id, "size_bytes": len(data)}, at=now)
    return att


def list_attachments(case_id, human_task_id=None) -> list[CaseAttachment]:
    """The case's documents, newest first (only one task's when given)."""
    stmt = select(CaseAttachment).where(CaseAttachment.case_id == case_id)
    if human_task_id is not None:
        stmt = stmt.where(CaseAttachment.human_task_id == human_task_id)
    return list(db.scalars(stmt.order_by(CaseAttachment.uploaded_at.desc(), CaseAttachment.id.desc())))


def get_attachment(case_id, attachment_id) -> CaseAttachment:
    """One document of a case (NotFound when it belongs to another case)."""
    att = db.get(CaseAttachment, attachment_id)
    if att is None or att.case_id != case_id:
        raise NotFound("附件不存在")
    return att


def ids_outside_case(case_id, attachment_ids) -> set[int]:
    """Those of the given attachment ids that are not documents of this case."""
    wanted = {int(i) for i in attachment_ids}
    if not wanted:
        return set()
    stmt = select(CaseAttachment.id).where(CaseAttachment.case_id == case_id, CaseAttachment.id.in_(wanted))
    return wanted - set(db.scalars(stmt))


def attachment_path(att: CaseAttachment) -> Path:
    """Where the attachment's bytes are stored."""
    return upload_dir() / att.stored_name


def add_note(case, user, body, *, human_task_id=None) -> CaseNote:
    """Add a comment to a case (or one of its tasks); audited, flushed."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("请输入意见内容", field="body")
    if len(body) > MAX_NOTE_CHARS:
        raise InvalidInput(f"意见内容不能超过 {MAX_NOTE_CHARS} 字", field="body")
    if human_task_id is not None:
        _task_of_case(case, human_task_id)
    now = utcnow()
    note = CaseNote(case_id=case.id, human_task_id=human_task_id, author_id=user.id, body=body, created_at=now)
    db.add(note)
    db.flush()
    record_event("note_added", case_id=case.id, human_task_id=human_task_id, actor_id=user.id,
                 summary=body[:60], data={"note_id": note.id}, at=now)
    return note


def list_notes(case_id, human_task_id=None) -> list[CaseNote]:
    """The case's comments, oldest first (only one task's when given)."""
    stmt = select(CaseNote).where(CaseNote.case_id == case_id)
    if human_task_id is not None:
        stmt = stmt.where(CaseNote.human_task_id == human_task_id)
    return list(db.scalars(stmt.order_by(CaseNote.created_at, CaseNote.id)))
