"""Token authentication, scope checks and the audit of every API call."""
from functools import wraps

from flask import g, request

from app.api.tokens import find_active_token
from app.audit.services import record_event
from app.db import db, unit_of_work, utcnow
from app.errors import Forbidden, Unauthorized


def current_token():
    """The token of this API call (set by `authenticate`)."""
    return g.api_token


def current_api_user():
    """The account the token acts as: its bureau subtree and departments decide what it sees."""
    return g.api_user


def authenticate():
    """before_request of every API blueprint: Bearer token -> g.api_token / g.api_user, or 401."""
    g.api_token = g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("缺少 API 令牌，请在请求头中提供 Authorization: Bearer <令牌>")
    token = find_active_token(header[7:].strip())
    if token is None:
        raise Unauthorized("API 令牌无效、已被吊销或所属账号已停用")
    g.api_token, g.api_user = token, token.user
    token.last_used_at = utcnow()
    # A call that succeeds is audited in its own transaction; a refused one in `audit_refused`.
    record_event("api_call", actor_id=token.user_id, summary=f"{request.method} {request.path}"[:300],
                 data=_call_data(token))


def _call_data(token, status=None):
    data = {"token_id": token.id if token else None, "method": request.method, "path": request.path[:300],
            "endpoint": request.endpoint or ""}
    if status is not None:
        data["status"] = status
    return data


def audit_refused(response):
    """after_request: a call that ended in an error was rolled back, so its audit row is written anew."""
    if response.status_code >= 400:
        token = g.get("api_token")
        db.rollback()
        with unit_of_work():
            record_event("api_call_refused", actor_id=token.user_id if token else None,
                         summary=f"{response.status_code} {request.method} {request.path}"[:300],
                         data=_call_data(token, response.status_code))
    return response


def requires(scope):
    """View decorator: the token must hold `scope` (else 403), checked before the input is parsed."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = g.get("api_token")
            if token is None or scope not in (token.scopes or []):
                raise Forbidden(f"该 API 令牌没有“{scope}”权限")
            return view(*args, **kwargs)
        return wrapper
    return decorate
