"""Account services: create users, authenticate with lockout after repeated failures."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.services import record_event
from app.auth.models import Department, OrgUnit, Role, User
from app.db import db, utcnow


@dataclass
class LoginOutcome:
    """Result of a login attempt; `message` is shown to the user when it failed."""

    user: User | None
    message: str = ""


def hash_password(password: str) -> str:
    """Hash with the configured werkzeug method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(username, password, display_name, org_unit: OrgUnit, department_codes=(), role_codes=("staff",),
                email="") -> User:
    """Create a user in an org unit with departments and roles (codes must exist)."""
    if db.scalar(select(User).where(User.username == username)):
        raise ValueError(f"用户名已存在：{username}")
    departments = list(db.scalars(select(Department).where(Department.code.in_(department_codes)))) \
        if department_codes else []
    roles = list(db.scalars(select(Role).where(Role.code.in_(role_codes)))) if role_codes else []
    missing = set(department_codes) - {d.code for d in departments} | set(role_codes) - {r.code for r in roles}
    if missing:
        raise ValueError(f"未知的科室或角色：{', '.join(sorted(missing))}")
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                org_unit_id=org_unit.id, departments=departments, roles=roles, email=email, is_active=True,
                failed_login_count=0, created_at=utcnow())
    db.add(user)
    db.flush()
    return user


_DUMMY_HASHES = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("no-such-user", method=method)
    return _DUMMY_HASHES[method]


def authenticate(username, password) -> LoginOutcome:
    """Check a login; lock the account for a while after too many failures."""
    cfg = current_app.config
    user = db.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is None or not user.is_active:
        # Same message and the same hashing work as a wrong password: neither the text nor the
        # response time may reveal which user names exist.
        check_password_hash(_dummy_hash(), password)
        return LoginOutcome(None, "用户名或密码错误")
    if user.locked_until_at and user.locked_until_at > now:
        minutes = max(1, int((user.locked_until_at - now).total_seconds() // 60) + 1)
        return LoginOutcome(None, f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试")
    if not check_password_hash(user.password_hash, password):
        user.failed_login_count = (user.failed_login_count or 0) + 1
        if user.failed_login_count >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until_at = now + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
            user.failed_login_count = 0
            record_event("login_locked", actor_id=user.id, summary=user.username, at=now)
            minutes = max(1, -(-cfg["LOGIN_LOCK_SECONDS"] // 60))
            return LoginOutcome(None, f"登录失败次数过多，账户已锁定 {minutes} 分钟")
        return LoginOutcome(None, "用户名或密码错误")
    user.failed_login_count, user.locked_until_at = 0, None
    return LoginOutcome(user)


def set_password(user: User, password: str):
    """Replace a user's password."""
    user.password_hash = hash_password(password)
