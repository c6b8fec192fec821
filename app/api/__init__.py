"""The JSON API (/api/v1, flask-smorest on marshmallow schemas), its tokens and their admin page."""

API_CONFIG = {
    "API_TITLE": "QSFlow 质量安全监管 API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "v1/openapi.json",
}


DESCRIPTION = (
    "质量安全监管案件流程平台的接口。请求头携带管理员签发的令牌：`Authorization: Bearer <令牌>`。"
    "令牌以所属账号的身份办理（辖区为该账号所在单位及下级单位），并受权限范围限制：缺少或无效令牌返回 401，"
    "超出权限范围返回 403，其他辖区的案件或任务返回 404。错误均为 application/problem+json（RFC 9457），"
    "列表以 Link 与 X-Total-Count 响应头分页。字段说明与导入列对照见 docs/api.md。")


def init_app(app):
    """Register the API blueprints, the docs and the token admin page; no CSRF on token calls."""
    from app.api.cases import blp as cases_blp
    from app.api.core import QSFlowApi, numeric_bounds
    from app.api.tasks import blp as tasks_blp
    from app.api.views import bp as admin_bp
    from app.api.views import docs_bp
    from app.extensions import csrf

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = QSFlowApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "description": "管理员签发的 API 令牌"}}},
        "security": [{"bearer": []}], "info": {"description": DESCRIPTION}})
    api.ma_plugin.converter.add_attribute_function(numeric_bounds)
    for blueprint in (cases_blp, tasks_blp, *_exchange_blueprints()):
        # The API authenticates by token only, never by the session cookie: CSRF cannot ride on it.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    app.register_blueprint(docs_bp)
    app.extensions["qsflow_api"] = api


def _exchange_blueprints():
    from app.api.disclosures import blp as disclosures_blp
    from app.api.exchange import blp as exchange_blp

    return (exchange_blp, disclosures_blp)
