"""Official documents (文书): templates, number series, generated documents and their versions, service."""
from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONType, UTCDateTime, utcnow

SERVICE_METHODS = ("direct", "post", "electronic", "left_at_premises", "public_notice")
SERVICE_STATUSES = ("pending", "served")


class DocumentTemplate(Base):
    """An admin-uploaded DOCX template of one kind; the newest active one is used."""

    __tablename__ = "document_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    placeholders: Mapped[list] = mapped_column(JSONType, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentNumberCounter(Base):
    """The last number handed out per bureau, kind and year (locked while incremented)."""

    __tablename__ = "document_number_counter"
    __table_args__ = (UniqueConstraint("org_unit_id", "kind", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class CaseDocument(Base):
    """One numbered document issued on a case; its versions keep every generated file."""

    __tablename__ = "case_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(80), default="")
    series_year: Mapped[int | None] = mapped_column(Integer)
    series_no: Mapped[int | None] = mapped_column(Integer)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list["DocumentVersion"]] = relationship(order_by="DocumentVersion.version",
                                                             back_populates="document")
    services: Mapped[list["DocumentService"]] = relationship(order_by="DocumentService.id",
                                                             back_populates="document")

    @property
    def current(self) -> "DocumentVersion":
        """The newest version."""
        return self.versions[-1]


class DocumentVersion(Base):
    """One generated DOCX of a document: its bytes, hash, the merged values and who generated it."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("case_document.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    context: Mapped[dict] = mapped_column(JSONType, default=dict)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("document_template.id"))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    generated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[CaseDocument] = relationship(back_populates="versions")


class DocumentService(Base):
    """Service (送达) of a document on the party: method, date and the receipt."""

    __tablename__ = "document_service"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("case_document.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    served_on: Mapped[object | None] = mapped_column(Date())
    recipient: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    receipt_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("case_attachment.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledged_at: Mapped[object | None] = mapped_column(UTCDateTime())

    document: Mapped[CaseDocument] = relationship(back_populates="services")
