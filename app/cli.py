"""Command groups for `flask ...`: each checks the database schema before its command runs."""
import click
from flask import current_app, has_app_context
from flask.cli import AppGroup, ScriptInfo


class SchemaCheckedGroup(AppGroup):
    """A command group whose commands first check that migrations are applied, and say what to run
    (`flask --app wsgi db upgrade`) instead of failing deep inside a query with a traceback."""

    def invoke(self, ctx):
        if has_app_context():
            _check_schema()
        else:
            with ctx.ensure_object(ScriptInfo).load_app().app_context():
                _check_schema()
        return super().invoke(ctx)


def _check_schema():
    from app.db import db
    from app.migrate import schema_problem

    if "db_engine" not in current_app.extensions:
        return  # an app without our database (a bare Flask app in a test): nothing to check
    # The session's own connection: a second one would queue behind its write lock on SQLite.
    problem = schema_problem(db.connection())
    if problem:
        click.echo(problem, err=True)
        raise SystemExit(1)
