"""Administrative moves of the token: back to an earlier, already completed user task."""
from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState

from app.audit.services import record_event
from app.db import db
from app.engine import runtime
from app.engine.models import ProcessInstance
from app.engine.operation import ACTIVE, StepResult, load_workflow, operate
from app.errors import InvalidInput, NotFound

RESETTABLE = ACTIVE + ("error",)


@dataclass
class ResetTarget:
    """A completed user task the token can be moved back to."""

    spec_name: str
    title: str


def _all_tasks(wf):
    # Walk the task dicts instead of get_tasks(state=COMPLETED), which skips completed tasks
    # whose parent still waits (see SPIFFWORKFLOW.md); include subprocess and call activity tasks.
    for workflow in (wf, *wf.subprocesses.values()):
        yield from workflow.tasks.values()


def _completed_user_tasks(wf, spec_name=None):
    found = [t for t in _all_tasks(wf)
             if t.task_spec.manual and t.state == TaskState.COMPLETED
             and (spec_name is None or t.task_spec.bpmn_id == spec_name)]
    return sorted(found, key=lambda t: t.last_state_change)


def forget_dropped_events(wf):
    """Drop event listeners of tasks a reset removed from the tree.

    `Task.reset_branch` drops descendants without unregistering waiting catch events (e.g. a
    boundary timer of a later task) from the event manager; `refresh_timers` would then update a
    detached task and fail on its missing parent.
    """
    for task_id, task in list(wf.event_manager.tasks.items()):
        if task.workflow.tasks.get(task_id) is not task:
            del wf.event_manager.tasks[task_id]


def resettable_tasks(instance_id) -> list[ResetTarget]:
    """User tasks this instance already completed (once each, in the order they were done)."""
    inst = db.get(ProcessInstance, instance_id)
    if inst is None:
        raise NotFound("流程实例不存在", instance_id=instance_id)
    if inst.status not in RESETTABLE:
        return []
    targets, seen = [], set()
    for task in _completed_user_tasks(load_workflow(inst)):
        if task.task_spec.bpmn_id not in seen:
            seen.add(task.task_spec.bpmn_id)
            targets.append(ResetTarget(task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id))
    return targets


def reset_to_task(instance_id, spec_name, user_id, reason) -> StepResult:
    """Move the token back to the latest completed run of user task `spec_name`; later work is withdrawn."""
    if not (reason or "").strip():
        raise InvalidInput("请填写退回原因")
    with operate(instance_id, allowed=RESETTABLE, user_id=user_id) as op:
        inst, wf = op.inst, op.wf
        done = _completed_user_tasks(wf, spec_name)
        if not done:
            title = inst.definition.meta.get("elements", {}).get(spec_name, {}).get("name", spec_name)
            raise InvalidInput(f"任务“{title}”在本实例中尚未办理完成，不能退回到该任务", spec_name=spec_name)
        task = done[-1]
        title = task.task_spec.bpmn_name or spec_name
        # data=None: the task starts again from the data it received, not what it produced.
        wf.reset_from_task_id(task.id)
        forget_dropped_events(wf)
        record_event("instance_reset", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=f"退回到“{title}”：{reason.strip()}"[:300],
                     data={"spec_name": spec_name, "task_title": title, "reason": reason.strip(),
                           "previous_status": inst.status})
        inst.error_type = inst.error_message = inst.error_element = ""
        inst.error_at = None
        op.run(lambda: runtime.run_guarded(runtime.advance, wf))
    return op.result
