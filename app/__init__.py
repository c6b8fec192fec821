"""QSFlow application package: `create_app()` wires config, extensions, blueprints and CLI."""
import os

from flask import Flask

from app.config import load_config


class QSFlowApp(Flask):
    """Flask with one commit boundary per request: after the view returns (see app.db.end_request)."""

    def dispatch_request(self):
        from app.db import end_request

        return end_request(self.make_response(super().dispatch_request()))


def create_app(overrides=None):
    """Build the Flask app: config -> extensions -> blueprints -> cli."""
    app = QSFlowApp(__name__, instance_relative_config=True)
    app.config.update(load_config(overrides))
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _register_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_expression_helpers()
    _register_engine_hooks()
    return app


def _register_extensions(app):
    from app import db, extensions

    db.init_app(app)
    extensions.init_app(app)


def _register_blueprints(app):
    from app.auth.views import bp as auth_bp
    from app.errors import register_error_handlers
    from app.home.nav import register_template_globals
    from app.home.views import bp as home_bp

    register_template_globals(app)
    from app.calendar.display import register_template_globals as register_calendar_globals

    register_calendar_globals(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    from app.cases.views import bp as cases_bp

    app.register_blueprint(cases_bp)
    from app.inbox.views import bp as inbox_bp

    app.register_blueprint(inbox_bp)
    from app.notifications.views import bp as notifications_bp
    from app.supervision.views import bp as supervision_bp

    app.register_blueprint(notifications_bp)
    app.register_blueprint(supervision_bp)
    from app.admin.views import bp as admin_bp

    app.register_blueprint(admin_bp)
    from app.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)
    from app.operations.views import bp as operations_bp

    app.register_blueprint(operations_bp)
    from app.calendar.views import bp as calendar_bp

    app.register_blueprint(calendar_bp)
    from app import api
    from app.exchange.views import bp as exchange_bp
    from app.exchange.views import public_bp

    app.register_blueprint(exchange_bp)
    app.register_blueprint(public_bp)
    api.init_app(app)
    from app.campaigns.admin_views import bp as classes_bp
    from app.campaigns.views import bp as campaigns_bp

    app.register_blueprint(campaigns_bp)
    app.register_blueprint(classes_bp)
    from app.documents.views import bp as documents_bp

    app.register_blueprint(documents_bp)
    from app.portal import manage_views  # noqa: F401  (its routes join the portal blueprint)
    from app.portal.views import bp as portal_bp
    from app.portal.views import register_guard as register_portal_guard

    app.register_blueprint(portal_bp)
    register_portal_guard(app)
    register_error_handlers(app)
    from app.security_headers import register_security_headers

    register_security_headers(app)


def _register_cli(app):
    from app.api.cli import register_cli as api_cli
    from app.auth.cli import register_cli as auth_cli
    from app.calendar.cli import register_cli as calendar_cli
    from app.engine.cli import register_cli as engine_cli
    from app.reports.cli import register_cli as reports_cli
    from app.scheduler.cli import register_cli as scheduler_cli
    from app.seed.cli import register_cli as seed_cli

    for register in (api_cli, auth_cli, calendar_cli, engine_cli, reports_cli, scheduler_cli, seed_cli):
        register(app)



def _register_expression_helpers():
    from app.calendar import register_expression_helpers

    register_expression_helpers()


def _register_engine_hooks():
    # The engine imports no domain: the calendar, the forms and the case's bureau are handed to it.
    from app.calendar.deadlines import due_datetime
    from app.cases.services import case_unit_id, lock_companions
    from app.engine.hooks import register_hooks
    from app.formdefs.registry import get_registry
    from app.notifications.services import task_notice_flags

    register_hooks(due_datetime=due_datetime, case_unit_id=case_unit_id, lock_companions=lock_companions,
                   lock_flags=task_notice_flags, form_checker=lambda: get_registry().__contains__)
