"""Flask extensions (unbound) and their wiring: login, CSRF, i18n."""
from flask import has_request_context, request, session
from flask_babel import Babel, get_translations
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from app.clock import LOCAL_TZ_NAME

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

SUPPORTED_LOCALES = ("zh_Hans_CN", "en")


def select_locale():
    """The user's choice (session, then profile), else Chinese (also for commands and jobs: no request)."""
    if not has_request_context():
        return "zh_Hans_CN"
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if (current_user and getattr(current_user, "is_authenticated", False)
            and current_user.locale in SUPPORTED_LOCALES):
        return current_user.locale
    return "zh_Hans_CN"


def select_timezone():
    """Dates are shown in Beijing time (app.clock)."""
    return LOCAL_TZ_NAME


def bind_translations():
    """`_()` in a template bound to the translations of the locale it is rendered in, resolved once per
    render: Flask-Babel's own `_()` looks up the context, the locale and its cache on every call (about 250
    on an inbox page, a tenth of its time). Jinja's own new-style wrappers (those install_gettext_callables
    uses) keep the escaping and formatting exactly as they were."""
    translations = get_translations()
    return {"gettext": _make_new_gettext(translations.ugettext),
            "ngettext": _make_new_ngettext(translations.ungettext)}


def init_app(app):
    """Bind the extensions to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.context_processor(bind_translations)

    @login_manager.user_loader
    def _load_user(user_id):
        from app.auth.models import User
        from app.db import db

        # "<id>:<session version>": a cookie from before the last logout (or password change) is refused.
        ident, _sep, version = str(user_id).partition(":")
        if not ident.isdigit() or not version.isdigit() or int(ident) > 2**31 - 1:
            return None
        user = db.get(User, int(ident))
        if user is None or not user.is_active or int(version) != (user.session_version or 0):
            return None
        return user

    @app.before_request
    def _refresh_session():
        # Sliding session timeout: PERMANENT_SESSION_LIFETIME of inactivity logs the user out.
        session.permanent = True
        _ = request.endpoint
