"""Error handlers: engine and validation errors become 4xx with Chinese text (JSON for the API)."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.engine.errors import EngineError

MESSAGES = {
    400: "请求有误", 403: "您无权访问该页面", 404: "页面或记录不存在", 405: "不支持的请求方式",
    409: "数据已被他人更新，请刷新后重试", 413: "上传内容过大", 429: "操作过于频繁，请稍后再试",
    500: "系统内部错误，已记录，请联系管理员",
}


def first_error(messages) -> str:
    """The first message of a (possibly nested) marshmallow error dict, for a flash or a JSON body."""
    for value in messages.values():
        if isinstance(value, dict):
            return first_error(value)
        if isinstance(value, list) and value:
            return str(value[0])
        if isinstance(value, str) and value:
            return value
    return _("输入有误")


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status, message, payload=None):
    if _wants_json():
        body = payload or {"error": str(status), "message": message}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app):
    """Install the handlers on the app."""

    @app.errorhandler(EngineError)
    def _engine_error(exc):
        from app.db import db

        db.rollback()
        return _render(exc.status, exc.message, exc.to_dict())

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _render(400, "页面已过期或请求来源无效（CSRF 校验失败），请刷新页面后重试",
                       {"error": "csrf", "message": "CSRF token missing or invalid"})

    @app.errorhandler(HTTPException)
    def _http(exc):
        return _render(exc.code or 500, MESSAGES.get(exc.code, exc.description or ""))

    @app.before_request
    def _refuse_nul_bytes():
        # PostgreSQL text cannot hold NUL: such a value would fail deep inside a query as a 500.
        # No form of ours sends one, so the request is refused up front, in Chinese.
        for values in (request.args, request.form):
            if any("\x00" in v for v in values.values()) or any("\x00" in k for k in values):
                return _render(400, "输入内容含有无效字符（NUL），请检查后重新提交",
                               {"error": "invalid_input", "message": "NUL character in input"})
        return None
