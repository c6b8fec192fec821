"""API token services: create (the secret is shown once), revoke, list, authenticate; all audited."""
import hashlib
import secrets

from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.services import record_event
from app.auth.models import User
from app.db import db, utcnow
from app.errors import Conflict, InvalidInput, NotFound

# What a token may do; the labels are Chinese (pages translate them with _()).
SCOPES = {
    "cases:read": "读取案件",
    "tasks:work": "办理任务、发起案件、登记外部事项",
    "sampling:import": "导入抽检结果（e-CQS）",
    "complaints:import": "接收投诉举报（12315）",
    "disclosures:read": "读取信用公示",
}
TOKEN_PREFIX = "qsf_"


def hash_secret(secret: str) -> str:
    """The stored form of a token secret (sha256: the secret is random, so no salt or stretching needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(name, user, scopes, *, created_by_id=None) -> tuple[ApiToken, str]:
    """A new token acting as `user` (its bureau subtree and departments) within `scopes`; (row, secret)."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 100:
        raise InvalidInput("令牌名称应为 2-100 个字符", field="name")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput("请至少选择一项有效的权限范围", field="scopes")
    if user is None or not user.is_active:
        raise InvalidInput("令牌所属账号不存在或已停用", field="username")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:10], user_id=user.id,
                     scopes=sorted(set(scopes)), created_by_id=created_by_id, created_at=utcnow())
    db.add(token)
    db.flush()
    record_event("api_token_created", actor_id=created_by_id, summary=f"{name}（{token.prefix}…）",
                 data={"token_id": token.id, "user_id": user.id, "scopes": token.scopes})
    return token, secret


def revoke_token(token_id, *, actor_id=None) -> ApiToken:
    """Revoke a token at once (later calls with it get 401)."""
    token = db.get(ApiToken, token_id)
    if token is None:
        raise NotFound("令牌不存在")
    if token.revoked_at is not None:
        raise Conflict("该令牌已被吊销")
    token.revoked_at = utcnow()
    record_event("api_token_revoked", actor_id=actor_id, summary=f"{token.name}（{token.prefix}…）",
                 data={"token_id": token.id})
    return token


def list_tokens() -> list[ApiToken]:
    """Every token, newest first."""
    return list(db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def find_active_token(secret) -> ApiToken | None:
    """The active token with this secret whose account is active, else None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = db.get(User, token.user_id)
    return token if user is not None and user.is_active else None
