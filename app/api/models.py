"""API tokens: credentials of the systems around QSFlow (stored hashed, scoped, revocable)."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db import Base, JSONType, UTCDateTime, utcnow


class ApiToken(Base):
    """One token; it acts as its account (bureau subtree and departments) within its scopes."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # sha256 of the secret: the secret itself is shown once, at creation, and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise it in lists
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scopes: Mapped[list] = mapped_column(JSONType, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
