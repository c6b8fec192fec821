"""A private PostgreSQL database per benchmark run, created and dropped around it."""
import os
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_URL = os.environ.get("BENCH_PG_URL") or os.environ.get("QSFLOW_TEST_DATABASE_URL") \
    or "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def private_database(base_url=PG_URL):
    """Yield the URL of a fresh database beside `base_url`, or None when no server answers (then skip)."""
    name = f"qsflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the caller reports SQLite only
        admin.dispose()
        print(f"PostgreSQL 不可用，跳过：{exc.__class__.__name__}")
        yield None
        return
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
