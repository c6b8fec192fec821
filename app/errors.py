"""The shared exceptions (one base class) and their rendering: an HTML page or problem+json (RFC 9457).

Services raise these with a Chinese message; no view translates them by hand. Every handler rolls the
session back before it renders, so an error page never runs a query on a failed transaction.
"""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """Base class; `status` is the HTTP status, `code` the machine-readable kind, `message` Chinese text."""

    status = 400
    code = "error"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self):
        """Structured form: the problem's members beside the details."""
        return {"error": self.code, "message": self.message, **self.details}


class Unauthorized(AppError):
    """No valid credentials (the JSON API's token is missing, unknown or revoked)."""

    status = 401
    code = "unauthorized"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class Conflict(AppError):
    """The object changed under us (someone else acted first) or is in the wrong state."""

    status = 409
    code = "conflict"


class InvalidInput(AppError):
    status = 400
    code = "invalid_input"


MESSAGES = {
    400: "请求有误", 401: "请先登录", 403: "您无权访问该页面", 404: "页面或记录不存在", 405: "不支持的请求方式",
    409: "数据已被他人更新，请刷新后重试", 413: "上传内容过大", 422: "提交的数据未通过校验",
    429: "操作过于频繁，请稍后再试",
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


def wants_json() -> bool:
    """True for the JSON API and for clients that ask for JSON."""
    return "/api/" in request.path or request.accept_mimetypes.best == "application/json"


def problem_response(status, title, detail="", **members):
    """An `application/problem+json` response (RFC 9457) with a Chinese title."""
    # `message` repeats the detail for the pages' own scripts, which read it.
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title,
            "message": detail or title, **members}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def render_error(status, message, **members):
    """The error as problem+json (API) or as the error page (browser)."""
    if wants_json():
        return problem_response(status, MESSAGES.get(status, message), message, **members)
    return render_template("error.html", status=status, message=message), status


def _rollback():
    from app.db import db

    db.rollback()


def register_error_handlers(app):
    """Install the handlers on the app."""

    @app.errorhandler(AppError)
    def _app_error(exc):
        _rollback()
        members = {k: v for k, v in exc.to_dict().items() if k != "message"}
        return render_error(exc.status, exc.message, **members)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        _rollback()
        return render_error(400, _("页面已过期或请求来源无效（CSRF 校验失败），请刷新页面后重试"), error="csrf")

    @app.errorhandler(HTTPException)
    def _http(exc):
        _rollback()
        code = exc.code or 500
        # webargs (the JSON API's argument parser) hangs the field messages on the exception.
        messages = (getattr(exc, "data", None) or {}).get("messages")
        if messages:
            return render_error(code, first_error(messages), error="invalid_input", errors=messages)
        return render_error(code, _(MESSAGES[code]) if code in MESSAGES else (exc.description or ""))

    @app.errorhandler(OverflowError)
    def _overflow(exc):
        # An id beyond what the database holds (SQLite cannot even bind it): no such record.
        _rollback()
        return render_error(404, _(MESSAGES[404]), error="not_found")

    from sqlalchemy.exc import DataError

    @app.errorhandler(DataError)
    def _data_error(exc):
        # PostgreSQL refuses a value its column cannot hold (an integer out of range): the transaction is
        # aborted, so it is rolled back before the page renders; an out-of-range number matches no record.
        _rollback()
        if "out of range" in str(getattr(exc, "orig", exc)):
            return render_error(404, _(MESSAGES[404]), error="not_found")
        return render_error(400, _(MESSAGES[400]), error="invalid_input")

    @app.before_request
    def _refuse_nul_bytes():
        # PostgreSQL text cannot hold NUL: such a value would fail deep inside a query as a 500.
        # No form of ours sends one, so the request is refused up front, in Chinese.
        for values in (request.args, request.form):
            if any("\x00" in v for v in values.values()) or any("\x00" in k for k in values):
                return render_error(400, _("输入内容含有无效字符（NUL），请检查后重新提交"), error="invalid_input")
        if request.is_json and _has_nul(request.get_json(silent=True)):
            return render_error(400, _("输入内容含有无效字符（NUL），请检查后重新提交"), error="invalid_input")
        return None


def _has_nul(value) -> bool:
    # A JSON body (the API) may nest its strings in objects and lists.
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
