"""Engine persistence: definitions (spec stored once per version), instances, inbox rows, messages."""
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONType, OrderedJSON, UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "waiting", "suspended", "error", "completed", "cancelled")
TASK_STATUSES = ("ready", "completed", "cancelled")


class ProcessDefinition(Base):
    """One deployed version of one BPMN process; never changed after deployment."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"), Index("ix_process_definition_key_sha", "key", "sha256"))
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))  # BPMN process id
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200), default="")
    # Deferred: large, and only read on a spec-cache miss, a download or the modeler.
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    dialect: Mapped[str] = mapped_column(String(10), default="spiff")  # spiff | camunda
    spec_json: Mapped[dict] = mapped_column(OrderedJSON, deferred=True)  # {"spec": ..., "subprocess_specs": ...}
    meta: Mapped[dict] = mapped_column(JSONType, default=dict)  # elements, user tasks, forms
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    deployed_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessInstance(Base):
    """A running (or ended) process for one case; the state is stored without its spec."""

    __tablename__ = "process_instance"
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    state: Mapped[dict] = mapped_column(OrderedJSON)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_timer_at: Mapped[object | None] = mapped_column(UTCDateTime(), index=True)
    error_type: Mapped[str] = mapped_column(String(60), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    error_element: Mapped[str] = mapped_column(String(100), default="")
    error_at: Mapped[object | None] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime())

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}


class HumanTask(Base):
    """One user task as the inbox sees it: the source of truth for inbox and overdue queries."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_assignee", "status", "assignee_id"),
        Index("ix_human_task_done", "status", "completed_by_id"),
        # Open rows are a few percent of the table: partial indexes serve the inbox tabs and the overdue
        # board; the done tab reads a clerk's rows newest first without sorting them.
        Index("ix_human_task_open_department", "department_code", "org_unit_id", "due_at",
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
        Index("ix_human_task_open_assignee", "assignee_id", "due_at",
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
        Index("ix_human_task_open_due", "due_at",
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
        Index("ix_human_task_done_by", "completed_by_id", "completed_at",
              postgresql_where=text("status = 'completed'"), sqlite_where=text("status = 'completed'")),
        # The on-time figures read the tasks with a due date completed in a day or a range.
        Index("ix_human_task_done_due", "completed_at",
              postgresql_where=text("status = 'completed' AND due_at IS NOT NULL"),
              sqlite_where=text("status = 'completed' AND due_at IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36))  # the Spiff task id (never looked up: no index)
    spec_name: Mapped[str] = mapped_column(String(100))  # BPMN element id
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(100), default="")
    department_code: Mapped[str] = mapped_column(String(40), default="")
    org_level: Mapped[str] = mapped_column(String(10), default="")
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    form_key: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="ready")
    priority: Mapped[int] = mapped_column(Integer, default=50)
    due_rule: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[object | None] = mapped_column(UTCDateTime())
    clock_paused_at: Mapped[object | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[object | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[object | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    instance: Mapped[ProcessInstance] = relationship()


class PendingMessage(Base):
    """A message that arrived before anything waited for it; delivered when a catch appears."""

    __tablename__ = "pending_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    received_at: Mapped[object] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[object | None] = mapped_column(UTCDateTime())
