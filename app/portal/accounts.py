"""Enterprise accounts: a bureau invites (one-time code), the enterprise sets its password, the bureau disables."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.audit.services import record_event
from app.auth.accounts import hash_password
from app.auth.models import User
from app.auth.services import is_in_scope
from app.cases.jurisdiction import territorial_unit
from app.cases.models import Enterprise
from app.db import db, utcnow
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.portal.models import EnterpriseInvitation

INVITATION_DAYS = 14
MIN_PASSWORD = 8
# Letters and digits that cannot be mistaken for one another when read out over the phone.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def home_bureau(enterprise):
    """The bureau of the enterprise's registered region (the one that invites and disables its accounts)."""
    return territorial_unit(enterprise.region_code)


def may_manage(user, enterprise) -> bool:
    """Staff of the enterprise's bureau or a bureau above it manage its accounts."""
    unit = home_bureau(enterprise)
    return bool(user and user.is_active and not user.is_enterprise and unit is not None
                and is_in_scope(user, unit.id))


def invite(staff, enterprise, username, display_name) -> str:
    """Create a one-time invitation; returns the code (shown once, only its hash is stored); audited."""
    if not may_manage(staff, enterprise):
        raise Forbidden("只有企业所在辖区的监管部门可以邀请企业用户")
    username = (username or "").strip()
    if not (3 <= len(username) <= 60) or not username.replace("_", "").isalnum():
        raise InvalidInput("用户名须为 3-60 位字母、数字或下划线", field="username")
    pending = select(EnterpriseInvitation).where(EnterpriseInvitation.username == username,
                                                 EnterpriseInvitation.used_at.is_(None),
                                                 EnterpriseInvitation.expires_at > utcnow())
    if db.scalar(select(User.id).where(User.username == username)) or db.scalar(pending):
        raise InvalidInput("用户名已被使用", field="username")
    code = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    now = utcnow()
    db.add(EnterpriseInvitation(enterprise_id=enterprise.id, org_unit_id=home_bureau(enterprise).id,
                                code_hash=_hash(code), username=username,
                                display_name=(display_name or enterprise.name).strip()[:60], created_by_id=staff.id,
                                created_at=now, expires_at=now + timedelta(days=INVITATION_DAYS)))
    db.flush()
    record_event("enterprise_user_invited", actor_id=staff.id, summary=f"{enterprise.name}：{username}",
                 data={"enterprise_id": enterprise.id, "username": username})
    return code


def activate(code, password, password_again) -> User:
    """Redeem an invitation: the enterprise user chooses its password on this first login; audited."""
    inv = db.scalar(select(EnterpriseInvitation).where(EnterpriseInvitation.code_hash == _hash(code or "")))
    if inv is None or inv.used_at is not None or inv.expires_at <= utcnow():
        raise InvalidInput("邀请码无效或已过期，请联系监管部门重新邀请", field="code")
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位", field="password")
    if password != password_again:
        raise InvalidInput("两次输入的密码不一致", field="password_again")
    if db.scalar(select(User.id).where(User.username == inv.username)):
        raise Conflict("用户名已被使用，请联系监管部门重新邀请")
    user = create_enterprise_user(inv.enterprise_id, inv.org_unit_id, inv.username, inv.display_name, password)
    inv.used_at, inv.user_id = utcnow(), user.id
    record_event("enterprise_user_activated", actor_id=user.id, summary=inv.username,
                 data={"enterprise_id": inv.enterprise_id})
    return user


def create_enterprise_user(enterprise_id, org_unit_id, username, display_name, password) -> User:
    """An enterprise's portal account: no departments, no roles, bound to its enterprise."""
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                org_unit_id=org_unit_id, enterprise_id=enterprise_id, is_active=True, failed_login_count=0,
                created_at=utcnow(), departments=[], roles=[])
    db.add(user)
    db.flush()
    return user


def set_active(staff, user_id, is_active) -> User:
    """Disable (or enable again) an enterprise account; audited."""
    user = db.get(User, user_id)
    if user is None or not user.is_enterprise:
        raise NotFound("企业用户不存在")
    if not may_manage(staff, db.get(Enterprise, user.enterprise_id)):
        raise NotFound("企业用户不存在")
    user.is_active = bool(is_active)
    record_event("enterprise_user_enabled" if is_active else "enterprise_user_disabled", actor_id=staff.id,
                 summary=user.username, data={"user_id": user.id, "enterprise_id": user.enterprise_id})
    return user


def accounts_of(enterprise_id) -> list[User]:
    """The enterprise's accounts."""
    return list(db.scalars(select(User).where(User.enterprise_id == enterprise_id).order_by(User.id)))


def ensure_demo_account(enterprise, password) -> User:
    """`ent_demo` for the first demo enterprise (make run); kept when it exists."""
    user = db.scalar(select(User).where(User.username == "ent_demo"))
    if user is None:
        unit = home_bureau(enterprise)
        user = create_enterprise_user(enterprise.id, unit.id, "ent_demo", f"{enterprise.name}（企业用户）", password)
    return user
