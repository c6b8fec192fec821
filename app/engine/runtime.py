"""Operations on a live SpiffWorkflow object; no database access here."""
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessage
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from app.errors import Conflict

TIMER_TYPES = ("TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition")


class StepFailed(Exception):
    """An expression or engine error while running; the instance goes to status error."""

    def __init__(self, error_type, message, element=""):
        super().__init__(message)
        self.error_type, self.message, self.element = error_type, message, element


def run_guarded(fn, *args):
    """Run an engine call, turning library errors into StepFailed with the failing element."""
    try:
        return fn(*args)
    except WorkflowTaskException as exc:
        task = getattr(exc, "task", None)
        element = task.task_spec.bpmn_id if task is not None and task.task_spec.bpmn_id else ""
        raise StepFailed(getattr(exc, "error_type", "") or type(exc).__name__, _describe(exc), element) from exc
    except SpiffWorkflowException as exc:
        raise StepFailed(type(exc).__name__, _describe(exc)) from exc
    except Exception as exc:  # the library raises bare Exception too ('Invalid duration' from a timer)
        task = _failing_task(exc)
        if task is None:
            raise StepFailed(type(exc).__name__, str(exc)) from exc
        if not task.has_state(TaskState.FINISHED_MASK):
            task.error()  # so that retry_instance resets it with corrected data
        spec = task.task_spec
        element = spec.bpmn_id or ""
        if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
            message = f"定时器“{spec.bpmn_name or element}”的值无效（{exc}）：请检查案件数据中的期限值"
        else:
            message = f"“{spec.bpmn_name or element}”执行出错：{exc}"
        raise StepFailed(type(exc).__name__, message, element) from exc


def _failing_task(exc):
    """The innermost SpiffWorkflow task found in the traceback's frames (the library does not say)."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("my_task")
        if isinstance(candidate, Task) and getattr(candidate.task_spec, "bpmn_id", None):
            found = candidate
        tb = tb.tb_next
    return found


def _describe(exc):
    # The library wraps the real cause without chaining it explicitly; show both.
    notes = [str(n) for n in (getattr(exc, "notes", None) or []) if str(n).strip()]
    inner = exc.__cause__ or exc.__context__
    text = str(exc)
    if inner is not None and str(inner) and str(inner) not in text:
        text += f"（{type(inner).__name__}: {inner}）"
    return text + ("；" + "；".join(notes) if notes else "")


def advance(wf):
    """Fire what is due and run every automatic step up to human work or a wait."""
    wf.refresh_timers()
    wf.do_engine_steps()
    close_idle_event_subprocesses(wf)


def close_idle_event_subprocesses(wf):
    """End the process when only untriggered timer-start event subprocesses are left.

    SpiffWorkflow starts those beside the main flow and its end waits for them: the instance would wait
    for a reminder timer although its work is done. BPMN ends them with their parent.
    """
    names = {s.name for s in wf.spec.start.outputs if isinstance(s, SubWorkflowTask)}
    if not names:
        return
    idle, others = [], False
    for task in wf.tasks.values():
        if task.has_state(TaskState.FINISHED_MASK) or isinstance(task.task_spec, _EndJoin) or \
                task.task_spec.name == "End":  # the join every path meets, and the task after it
            continue
        if task.task_spec.name in names and not _triggered(wf, task):
            idle.append(task)
        else:
            others = True
    if others or not idle:
        return
    for task in idle:
        task.cancel()
    for task in list(wf.tasks.values()):
        if task.state == TaskState.WAITING:
            task.task_spec._update(task)
    wf.do_engine_steps()


def _triggered(wf, task) -> bool:
    """True when an event subprocess's start event has fired (its own work is under way)."""
    sub = wf.subprocesses.get(task.id)
    if sub is None:
        return False
    return any(isinstance(t.task_spec, StartEvent) and t.has_state(TaskState.FINISHED_MASK)
               for t in sub.tasks.values())


def event_subprocess_messages(wf) -> set:
    """Names of the messages that start an event subprocess of the running process."""
    if wf.is_completed():
        return set()
    names = set()
    for name in wf.spec.start.trigger_specs:
        spec = wf.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []):
            definition = start.event_definition
            if type(definition).__name__ == "MessageEventDefinition":
                names.add(definition.name)
    return names


def ready_user_tasks(wf):
    """READY human tasks, including those inside subprocesses and call activities."""
    return wf.get_tasks(state=TaskState.READY, manual=True)


def get_task(wf, task_uuid):
    """The Spiff task by id, or None."""
    try:
        return wf.get_task_from_id(UUID(str(task_uuid)))
    except Exception:  # the library raises its own TaskNotFound variants
        return None


def complete(wf, task, data):
    """Complete one READY task with form data; callers hold the instance lock."""
    if task is None or task.state != TaskState.READY:
        raise Conflict("该任务当前不可办理（已被处理或流程已变化）")
    task.data.update(data)
    run_guarded(task.run)
    run_guarded(advance, wf)


def error_tasks(wf):
    """Tasks the engine left in ERROR state."""
    return wf.get_tasks(state=TaskState.ERROR)


def status_of(wf, ready=None) -> str:
    """completed, running (human work ready) or waiting (timers/messages only); `ready`: the READY human
    tasks when the caller has them."""
    if wf.is_completed():
        return "completed"
    return "running" if (ready_user_tasks(wf) if ready is None else ready) else "waiting"


def parse_event_time(value):
    """A timer's stored event value as a UTC datetime (None when unreadable)."""
    return _parse_event_time(value)


def _parse_event_time(value):
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Naive values are local time, exactly as SpiffWorkflow reads them.
    return dt.astimezone(UTC)


def pending_events(wf):
    """(kind, name, value) of everything the workflow waits for.

    An event-based gateway holds its children's definitions (and the timer's due time) itself,
    where `waiting_events()` only reports one opaque "multiple" event, so we look inside.
    """
    found = []
    for task in list(wf.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        inner = getattr(definition, "event_definitions", None)
        for d in (inner if inner is not None else [definition]):
            kind = type(d).__name__
            if kind in TIMER_TYPES:
                found.append(("timer", task.task_spec.bpmn_name or task.task_spec.bpmn_id or "",
                              task._get_internal_data("event_value")))
            elif kind == "MessageEventDefinition":
                found.append(("message", d.name, None))
    return found


def next_timer_at(wf):
    """The earliest due time among waiting timers, or None."""
    times = [at for _name, at in waiting_timers(wf) if at is not None]
    return min(times) if times else None


def waiting_timers(wf):
    """(element name, due time) of each waiting timer."""
    return [(name, _parse_event_time(value)) for kind, name, value in pending_events(wf) if kind == "timer"]


def waiting_message_names(wf) -> set:
    """Names of the messages the workflow is waiting for now (event subprocess starts included)."""
    return {name for kind, name, _value in pending_events(wf) if kind == "message"} | event_subprocess_messages(wf)


def deliver_message(wf, name, payload, dialect):
    """Hand a message to the waiting catch event and run on."""
    cls = CamundaMessage if dialect == "camunda" else SpiffMessage
    run_guarded(wf.send_event, BpmnEvent(cls(name), payload or {}))
    run_guarded(advance, wf)


def retry(wf, data=None):
    """Reset each errored task (with corrected data, if given) and run on."""
    failed = error_tasks(wf)
    for task in failed:
        merged = dict(task.data)
        merged.update(data or {})
        if data and task.parent is not None:
            # A waiting event re-inherits its parent's data when reset: the correction must be there too.
            task.parent.data.update(data)
        run_guarded(wf.reset_from_task_id, task.id, merged)
    run_guarded(advance, wf)
    return len(failed)


def evaluate(wf, task, expression):
    """Evaluate an expression against a task's data in the restricted environment."""
    return run_guarded(wf.script_engine.evaluate, task, expression)


