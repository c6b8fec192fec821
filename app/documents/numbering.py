"""Document numbers: one gap-free series per bureau, kind and year (闽侯市监罚字〔2026〕21号)."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.db import db, is_postgres
from app.documents.models import DocumentNumberCounter

_BUREAU_SUFFIX = "市场监督管理局"
_REGION_SUFFIXES = ("省", "市", "县", "区")


def bureau_short_name(unit_name: str) -> str:
    """The region part of a bureau's name as numbers use it: 闽侯县市场监督管理局 -> 闽侯."""
    name = unit_name.removesuffix(_BUREAU_SUFFIX) or unit_name
    if len(name) > 2 and name.endswith(_REGION_SUFFIXES):
        name = name[:-1]
    return name


def format_number(unit_name, word, year, value) -> str:
    """The official form of a number."""
    return f"{bureau_short_name(unit_name)}市监{word}字〔{year}〕{value}号"


def allocate(org_unit_id, kind, year) -> int:
    """The next value of the series, in the caller's transaction (rolled back with it: no gaps).

    The counter row is incremented with one UPDATE, which takes the row lock on PostgreSQL (and the
    database write lock on SQLite) until the transaction ends: a concurrent issuer waits, then reads
    the value after ours. The row is created once per series; two creators racing meet the unique
    constraint, and the loser's savepoint rolls back and it increments the winner's row.
    """
    match = (DocumentNumberCounter.org_unit_id == org_unit_id, DocumentNumberCounter.kind == kind,
             DocumentNumberCounter.year == year)
    bumped = db.execute(update(DocumentNumberCounter).where(*match)
                        .values(last_value=DocumentNumberCounter.last_value + 1)
                        .execution_options(synchronize_session=False))
    if bumped.rowcount == 0:
        try:
            with db.begin_nested():
                db.add(DocumentNumberCounter(org_unit_id=org_unit_id, kind=kind, year=year, last_value=1))
            return 1
        except IntegrityError:
            db.execute(update(DocumentNumberCounter).where(*match)
                       .values(last_value=DocumentNumberCounter.last_value + 1)
                       .execution_options(synchronize_session=False))
    stmt = select(DocumentNumberCounter.last_value).where(*match)
    if is_postgres():
        stmt = stmt.with_for_update()
    return db.scalar(stmt)
