"""Plain helpers of the report tests (test modules cannot import conftest: its module name is shared)."""
from datetime import datetime

from sqlalchemy import select

from app.engine.models import HumanTask


def at(text):
    """An aware UTC datetime from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text + "+00:00")


def ready_task(db, case_id):
    """The case's READY inbox row."""
    return db.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))
