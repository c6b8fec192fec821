"""Users, org units (province/city/county), departments and roles."""
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

ORG_LEVELS = ("province", "city", "county")

ROLES = {
    "staff": ("经办人员", "Staff"),
    "supervisor": ("科室负责人", "Department head"),
    "process_admin": ("流程管理员", "Process admin"),
    "system_admin": ("系统管理员", "System admin"),
}

user_department = Table(
    "user_department",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)

user_role = Table(
    "user_role",
    Base.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class OrgUnit(Base):
    """A bureau (province, city or county) or an outside testing body (承检机构, kind "testing_body", level
    "institute", no parent); `path` ("/1/4/9/") makes subtree queries one LIKE."""

    __tablename__ = "org_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # administrative region code
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20), default="bureau", server_default="bureau")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    path: Mapped[str] = mapped_column(String(200), default="/", index=True)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id])

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


class Department(Base):
    """A functional department code shared by every bureau (lanes name these codes)."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80), default="")


class Role(Base):
    """A role: staff, supervisor (department head), process_admin, system_admin."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60))


class User(Base):
    """A member of staff of one bureau, in one or more departments."""

    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans_CN")
    email: Mapped[str] = mapped_column(String(120), default="")
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until_at: Mapped[object | None] = mapped_column(UTCDateTime())
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    # Part of the session cookie's user id: raised on logout or a new password, which ends every session.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set for an enterprise's portal account (org_unit_id is then the bureau that invited it).
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)

    org_unit: Mapped[OrgUnit] = relationship()
    departments: Mapped[list[Department]] = relationship(secondary=user_department, lazy="selectin")
    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin")

    # flask-login protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return f"{self.id}:{self.session_version or 0}"

    @property
    def department_codes(self) -> set[str]:
        return {d.code for d in self.departments}

    @property
    def role_codes(self) -> set[str]:
        return {r.code for r in self.roles}

    @property
    def is_enterprise(self) -> bool:
        """True for an enterprise's portal account (never a member of staff)."""
        return self.enterprise_id is not None

    def has_role(self, code: str) -> bool:
        """True when the user holds the role (system admins hold every role)."""
        return code in self.role_codes or "system_admin" in self.role_codes


class LoginThrottle(Base):
    """Failed logins of one user name from one client (hashed key): a stranger cannot lock the user out."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until_at: Mapped[object | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow, index=True)
