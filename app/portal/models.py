"""Enterprise accounts: invitations issued by a bureau (the account itself is a `user` row with enterprise_id)."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class EnterpriseInvitation(Base):
    """A one-time invitation code for one enterprise; redeemed when its user sets a password."""

    __tablename__ = "enterprise_invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the code, never the code
    username: Mapped[str] = mapped_column(String(60))
    display_name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[object] = mapped_column(UTCDateTime())
    used_at: Mapped[object | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
