"""Concurrent issue: threads with their own sessions and transactions draw numbers of one series."""
import threading

from sqlalchemy import select

from app.db import db
from app.documents import numbering
from app.documents.models import DocumentNumberCounter
from app.seed.reference import unit_by_code

THREADS, EACH = 6, 5


def test_concurrent_allocations_give_every_number_once_without_gaps(app, committed_db):
    unit_id = unit_by_code("350121").id
    db.remove()  # on SQLite an open transaction here would hold the write lock the workers queue for
    drawn, errors = [], []
    start = threading.Barrier(THREADS)

    def worker():
        with app.app_context():
            try:
                start.wait()
                for _ in range(EACH):
                    value = numbering.allocate(unit_id, "penalty_decision", 2026)
                    db.commit()  # one transaction per issue, as one request would commit it
                    drawn.append(value)
            except Exception as exc:  # reported below: a failed thread must fail the test
                errors.append(repr(exc))
                db.rollback()
            finally:
                db.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(drawn) == list(range(1, THREADS * EACH + 1))
    counter = db.scalar(select(DocumentNumberCounter).where(DocumentNumberCounter.org_unit_id == unit_id))
    assert counter.last_value == THREADS * EACH


def test_a_rolled_back_issue_returns_its_number(app, committed_db):
    unit_id = unit_by_code("350121").id
    assert numbering.allocate(unit_id, "hearing_notice", 2026) == 1
    db.commit()
    assert numbering.allocate(unit_id, "hearing_notice", 2026) == 2
    db.rollback()  # the request failed after drawing the number
    assert numbering.allocate(unit_id, "hearing_notice", 2026) == 2
    db.commit()
