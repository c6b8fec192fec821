"""Account services: create users, authenticate with throttling after repeated failures, end sessions."""
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.services import record_event
from app.auth.models import Department, LoginThrottle, OrgUnit, Role, User
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


def _throttle_key(username, client) -> str:
    return hashlib.sha256(f"{username.strip().lower()}\n{client or ''}".encode()).hexdigest()


def authenticate(username, password, client="") -> LoginOutcome:
    """Check a login; after too many failures of this user name from this client, refuse it for a while.

    The throttle is keyed by user name *and* client, and counts unknown names like known ones: the
    messages never tell which accounts exist, and a stranger elsewhere cannot lock the user out.
    """
    cfg = current_app.config
    now = utcnow()
    key = _throttle_key(username or "", client)
    throttle = db.get(LoginThrottle, key)
    if throttle is not None and throttle.locked_until_at and throttle.locked_until_at > now:
        check_password_hash(_dummy_hash(), password)  # the same work as any other attempt
        minutes = max(1, int((throttle.locked_until_at - now).total_seconds() // 60) + 1)
        return LoginOutcome(None, f"登录失败次数过多，请 {minutes} 分钟后再试")
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active:
        # Same message and the same hashing work as a wrong password.
        check_password_hash(_dummy_hash(), password)
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password)
    if ok:
        if throttle is not None:
            db.delete(throttle)
        return LoginOutcome(user)
    if throttle is None:
        # Rows of attempts long past are dropped here, so guessed names do not pile up.
        db.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < now - timedelta(days=1)))
        throttle = LoginThrottle(key=key, failures=0, updated_at=now)
        db.add(throttle)
    throttle.failures = (throttle.failures or 0) + 1
    throttle.updated_at = now
    if throttle.failures >= cfg["LOGIN_MAX_FAILURES"]:
        throttle.locked_until_at = now + timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
        throttle.failures = 0
        record_event("login_locked", actor_id=user.id if user else None, summary=(username or "")[:60],
                     data={"client": (client or "")[:60]}, at=now)
        minutes = max(1, -(-cfg["LOGIN_LOCK_SECONDS"] // 60))
        return LoginOutcome(None, f"登录失败次数过多，请 {minutes} 分钟后再试")
    db.flush()
    return LoginOutcome(None, "用户名或密码错误")


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of the user (logout, new password)."""
    user.session_version = (user.session_version or 0) + 1


def set_password(user: User, password: str):
    """Replace a user's password."""
    user.password_hash = hash_password(password)
    end_sessions(user)
