"""Test fixtures: a migrated database per session (SQLite, or PostgreSQL via QSFLOW_TEST_DATABASE_URL),
a rolled-back transaction per test, factories for users, cases and processes."""
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from app import create_app
from app.db import db

ROOT = Path(__file__).resolve().parent.parent
TEST_CONFIG = {
    "TESTING": True,
    "SCHEDULER_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SECRET_KEY": "test-secret",
}


def _make_database(tmp_root):
    base = os.environ.get("QSFLOW_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp_root / 'test.db'}", None
    # A private database per test session, so parallel runs never see each other's rows.
    name = f"qsflow_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _make_database(tmp_path_factory.mktemp("db"))
    from app.migrate import upgrade

    upgrade(url)
    yield url
    if drop:
        db.remove()
        drop()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "UPLOAD_DIR": str(uploads)})
    with application.app_context():
        from app.seed.reference import ensure_reference_data

        ensure_reference_data()
        db.commit()
        db.remove()
    return application


@pytest.fixture(scope="session")
def engine(app):
    return app.extensions["db_engine"]


@pytest.fixture()
def db_session(app, engine):
    """The scoped session inside one transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db.remove()
    db.configure(bind=connection, join_transaction_mode="create_savepoint")
    ctx = app.app_context()
    ctx.push()
    try:
        yield db
    finally:
        db.remove()
        ctx.pop()
        outer.rollback()
        connection.close()
        db.configure(bind=None, join_transaction_mode="rollback_only")  # back to the app's engine


@pytest.fixture()
def committed_db(app, engine):
    """A session that really commits (for concurrency tests); rows are removed afterwards."""
    db.remove()
    ctx = app.app_context()
    ctx.push()
    try:
        yield db
    finally:
        db.remove()
        _delete_test_rows(engine)
        ctx.pop()


def _delete_test_rows(engine):
    from app.db import Base

    # Reference rows the migrations or the reference seed made (product classes come with migration i12_0001).
    keep = {"org_unit", "department", "role", "product_class"}
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(table.delete())


class CommittingClient(FlaskClient):
    """A test client that commits the test's own writes before each request (into the outer test
    transaction, still rolled back at the end), so that a request which fails and rolls back loses
    only its own work, as it would in production."""

    def open(self, *args, **kwargs):
        db.commit()
        return super().open(*args, **kwargs)


@pytest.fixture()
def client(app, db_session):
    app.test_client_class = CommittingClient
    return app.test_client()


pytest_plugins = ["tests.factories"]


def pytest_collection_modifyitems(items):
    """Everything under tests/browser drives Chromium: mark it so `-m "not browser"` leaves it out."""
    for item in items:
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture()
def count_queries(engine):
    """`with count_queries() as counter:` counts the SQL statements the block runs (`counter.count`,
    `counter.statements`); the test's own SAVEPOINT bookkeeping is left out."""
    @contextmanager
    def counting():
        counter = SimpleNamespace(count=0, statements=[])

        def on_execute(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.count += 1
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
    return counting


@pytest.fixture()
def csrf_enabled(app):
    """Turn CSRF protection on for one test (it is off in TEST_CONFIG for brevity)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False
