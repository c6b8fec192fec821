"""Precompiled statements write what the ORM reads back: dates in UTC, JSON with Chinese text, NULLs."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select, update

from app.audit.models import CaseEvent
from app.fixedsql import FixedStatement

_events = CaseEvent.__table__
_COLUMNS = ("case_id", "instance_id", "human_task_id", "actor_id", "event_type", "summary", "data", "created_at")
_INSERT = FixedStatement(insert(_events), column_keys=_COLUMNS)
_RENAME = FixedStatement(update(_events).where(_events.c.event_type == bindparam("old"))
                         .values(summary=bindparam("summary"), data=bindparam("data")))


def _row(event_type, at, data):
    return {"case_id": None, "instance_id": None, "human_task_id": None, "actor_id": None,
            "event_type": event_type, "summary": "", "data": data, "created_at": at}


def test_insert_one_and_many_then_update_read_back_through_the_orm(db_session):
    beijing = timezone(timedelta(hours=8))
    at = datetime.now(beijing).replace(microsecond=0)  # any zoned time; stored and read back as UTC
    _INSERT.execute(db_session.connection(), _row("fx_one", at, {"意见": "同意", "n": 1}))
    _INSERT.execute(db_session.connection(), [_row("fx_many", at, None), _row("fx_many", at, [1, "二"])])
    result = _RENAME.execute(db_session.connection(), {"old": "fx_many", "summary": "已复核", "data": {"ok": True}})
    assert result.rowcount == 2
    rows = db_session.scalars(select(CaseEvent).where(CaseEvent.event_type.like("fx_%")).order_by(CaseEvent.id)).all()
    assert [(r.event_type, r.summary, r.data) for r in rows] == [
        ("fx_one", "", {"意见": "同意", "n": 1}), ("fx_many", "已复核", {"ok": True}), ("fx_many", "已复核", {"ok": True})]
    # Stored in UTC whatever the zone given, as the ORM itself would have written it.
    assert all(r.created_at == at.astimezone(UTC) for r in rows)


def test_a_value_written_into_the_statement_is_sent_with_the_call(db_session):
    _INSERT.execute(db_session.connection(), [_row("fx_lit", datetime.now(UTC), None)] * 2)
    # `== "fx_lit"` compiles to a bound parameter the caller does not give: the statement carries its value.
    fixed = FixedStatement(update(_events).where(_events.c.event_type == "fx_lit").values(summary=bindparam("s")))
    assert fixed.execute(db_session.connection(), {"s": "字面量"}).rowcount == 2
    assert set(db_session.scalars(select(CaseEvent.summary).where(CaseEvent.event_type == "fx_lit"))) == {"字面量"}


def test_an_in_list_of_bound_values_is_refused(db_session):
    fixed = FixedStatement(select(_events.c.id).where(_events.c.event_type.in_(["a", "b"])))
    with pytest.raises(ValueError, match="expanding"):
        fixed.execute(db_session.connection(), {})


def test_an_insert_leaving_out_a_column_with_a_default_is_refused(db_session):
    # Defaults are not applied on this path: the row would be written without them.
    fixed = FixedStatement(insert(_events), column_keys=("event_type", "case_id"))
    with pytest.raises(ValueError, match="names every column"):
        fixed.execute(db_session.connection(), {"event_type": "fx", "case_id": None})
