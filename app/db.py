"""Database plumbing: declarative Base, column types, the scoped session, the unit of work."""
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import UTC

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

from app import jsoncodec
from app.clock import utcnow as utcnow  # re-exported: models and services take it from here

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every domain's models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC; refuses naive input to avoid local-time bugs."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
# Plain json (never jsonb) where key order matters: SpiffWorkflow restores task data deltas in
# the order tasks appear, and jsonb reorders object keys.
OrderedJSON = JSON()


class JSONText(Mapping):
    """A JSON object with the exact text it is stored as: written verbatim, not serialized a second time
    (the engine compares that text with the stored one before reusing a workflow kept in memory).

    Read-only, and parsed only when read as a mapping: a step saves the state it has just serialized and
    rarely looks at it again."""

    __slots__ = ("text", "_parsed")

    def __init__(self, text):
        self.text = text
        self._parsed = None

    def _mapping(self):
        if self._parsed is None:
            self._parsed = jsoncodec.loads(self.text)
        return self._parsed

    def __getitem__(self, key):
        return self._mapping()[key]

    def __iter__(self):
        return iter(self._mapping())

    def __len__(self):
        return len(self._mapping())

    def __reduce__(self):
        return JSONText, (self.text,)


def _dump_json(value):
    return value.text if isinstance(value, JSONText) else jsoncodec.dumps(value)


# Primary keys are 32-bit integers on PostgreSQL: a larger id in a URL or form can match nothing,
# and binding it would fail in the driver, so it is turned away before any query.
MAX_ID = 2**31 - 1


class AppSession(Session):
    """A session bound to the current Flask app's engine unless given an explicit bind.

    Several apps may live in one process (tests, a live server thread); each request, command
    or job then talks to its own app's database.
    """

    def get_bind(self, mapper=None, **kw):
        if self.bind is None:
            from flask import current_app, has_app_context

            if has_app_context() and "db_engine" in current_app.extensions:
                return current_app.extensions["db_engine"]
        return super().get_bind(mapper, **kw)


# One scoped session for the process; requests, CLI commands and scheduler jobs each
# get their own thread-local session and end it with db.remove().
db = scoped_session(sessionmaker(class_=AppSession, expire_on_commit=False, future=True))


def make_engine(url, **kwargs):
    """Create the SQLAlchemy engine with the per-dialect settings we rely on."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        # isolation_level=None hands transaction control to SQLAlchemy (pysqlite's own is broken
        # for SAVEPOINT); we then BEGIN IMMEDIATE so concurrent writers queue instead of failing.
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30, "isolation_level": None})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        # psycopg prepares a statement run five times, and PostgreSQL then switches it to a generic plan
        # that cannot see the parameters: a scope's `path LIKE '/1/%'` planned as any prefix made the
        # dashboard go from 0.7 s to 4.7 s after a few requests. Plan every execution for its values.
        kwargs.setdefault("connect_args", {"options": "-c plan_cache_mode=force_custom_plan"})
    kwargs.setdefault("json_serializer", _dump_json)
    kwargs.setdefault("json_deserializer", jsoncodec.loads)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: ids beyond MAX_ID do not match, so they answer 404 like a missing row."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Bind the session to the app's database and end it after every request."""
    app.url_map.converters["int"] = IdConverter
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine

    @app.teardown_appcontext
    def _end_session(exc):
        if exc is not None:
            db.rollback()
        db.remove()


def is_postgres():
    """True when the bound database is PostgreSQL (row locks, SKIP LOCKED available)."""
    return db.get_bind().dialect.name == "postgresql"


def end_request(response):
    """The request's one commit boundary: commit after a view that succeeded, roll back otherwise.

    Called once the view has returned (as Indico's request handler does); an exception raised by the
    view never gets here, and the error handlers roll back before they render. Mail and notices
    queued by the request leave on the session's after_commit event.
    """
    if response.status_code < 400:
        try:
            db.commit()
        except StaleDataError as exc:
            db.rollback()
            from app.errors import Conflict

            raise Conflict("数据已被他人同时更新，请刷新后重试") from exc
    else:
        db.rollback()
    return response


def commit_before_refusal():
    """Commit what the request wrote so far, for the rare write that must outlast a refused request
    (a failed login's counter and lockout); everything else commits at the boundary."""
    db.commit()


@contextmanager
def unit_of_work():
    """The one commit boundary for CLI commands and scheduler jobs."""
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
