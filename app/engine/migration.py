"""Moving a running instance to another version of its process, with SpiffWorkflow's own diff.

The library computes the alignment of old and new task specs and rewires the instance; deciding
whether that is safe is ours: nothing the token already passed or now sits on may have changed.
"""
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from app.audit.services import record_event
from app.db import db
from app.engine import runtime
from app.engine.deploy import get_definition
from app.engine.instance_ops import forget_dropped_events
from app.engine.models import ProcessInstance
from app.engine.operation import ACTIVE, StepResult, load_workflow, operate
from app.engine.serializer import SPEC_CACHE, serializer_for
from app.errors import Conflict, InvalidInput, NotFound

# A task in one of these states has run or holds the token now.
ACTIVE_STATES = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# What follows the token is re-predicted by the library, so new outgoing flows of the current task are
# harmless; new incoming wiring (a boundary event, a step inserted before it) is not.
AFTER_TOKEN = {"outputs"}
ATTRIBUTE_WORDS = {"outputs": "后续连线", "inputs": "前序连线", "bpmn_name": "名称", "lane": "泳道",
                   "extensions": "扩展属性（科室/表单/期限）", "typename": "类型", "cond_task_specs": "分支条件",
                   "default_task_spec": "默认分支", "event_definition": "事件定义",
                   "data_input_associations": "输入映射",
                   "data_output_associations": "输出映射", "prescript": "前置脚本", "postscript": "后置脚本"}
STATE_WORDS = {"completed": "已执行", "active": "正在办理"}


@dataclass
class MigrationCheck:
    """Dry-run result: whether the move is safe, why not, and what differs between the versions."""

    instance_id: int
    from_definition_id: int
    to_definition_id: int
    from_version: int
    to_version: int
    reasons: list = field(default_factory=list)
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def is_safe(self) -> bool:
        """True when no reason forbids the migration."""
        return not self.reasons


def _label(spec):
    return spec.bpmn_name or spec.bpmn_id or spec.name


def _is_visible(spec):
    # The library adds helper specs (Start, End, <key>.EndJoin) without a BPMN id.
    return bool(getattr(spec, "bpmn_id", None))


def _target(inst, target_definition_id):
    target = get_definition(target_definition_id)
    if target is None:
        raise NotFound("目标流程版本不存在", definition_id=target_definition_id)
    if target.key != inst.definition.key:
        raise InvalidInput("只能迁移到同一流程的其他版本", process_key=inst.definition.key)
    if target.id == inst.definition_id:
        raise InvalidInput(f"流程实例已在版本 v{target.version} 上，无需迁移")
    return target


def _task_phase(task):
    if task.has_state(TaskState.COMPLETED):
        return "completed"
    if task.has_state(ACTIVE_STATES):
        return "active"
    return None


def _reasons(wf, top_diff, spec_diff_changed):
    """Every reason that makes the move unsafe, in Chinese, one per offending task."""
    reasons, seen = [], set()
    for sp_id in wf.subprocesses:
        owner = wf.get_task_from_id(sp_id)
        reasons.append(f"子流程/调用活动“{_label(owner.task_spec)}”已启动，迁移会丢失其中的办理状态")
    for task in top_diff.removed:
        phase = _task_phase(task)
        if phase and _is_visible(task.task_spec) and (task.task_spec.name, "removed") not in seen:
            seen.add((task.task_spec.name, "removed"))
            reasons.append(f"任务“{_label(task.task_spec)}”在新版本中已删除，但本实例{STATE_WORDS[phase]}该任务")
    for task in top_diff.changed:
        phase = _task_phase(task)
        attrs = set(spec_diff_changed.get(task.task_spec, []))
        if phase == "active":
            attrs -= AFTER_TOKEN
        if not phase or not attrs or (task.task_spec.name, "changed") in seen:
            continue
        seen.add((task.task_spec.name, "changed"))
        words = "、".join(sorted(ATTRIBUTE_WORDS.get(a, a) for a in attrs))
        reasons.append(f"任务“{_label(task.task_spec)}”在新版本中已修改（{words}），"
                       f"但本实例{STATE_WORDS[phase]}该任务")
    return reasons


def _check(inst, wf, target) -> tuple:
    new_spec, new_subs = SPEC_CACHE.get((target.id, target.sha256), lambda: target.spec_json, target.dialect)
    # The library's diff: alignment of old to new task specs, then of this instance's tasks.
    spec_diff = SpecDiff(serializer_for(target.dialect).registry, wf.spec, new_spec)
    top_diff = WorkflowDiff(wf, spec_diff)
    check = MigrationCheck(inst.id, inst.definition_id, target.id, inst.definition.version, target.version)
    check.added = sorted(_label(s) for s in spec_diff.added if _is_visible(s))
    check.removed = sorted(_label(s) for s in spec_diff.removed if _is_visible(s))
    check.changed = sorted(_label(s) for s in spec_diff.changed if _is_visible(s))
    check.reasons = _reasons(wf, top_diff, spec_diff.changed)
    return check, new_spec, new_subs, top_diff


def check_migration(instance_id, target_definition_id) -> MigrationCheck:
    """Dry run: list the reasons (if any) why the instance cannot move to the target version."""
    inst = db.get(ProcessInstance, instance_id)
    if inst is None:
        raise NotFound("流程实例不存在", instance_id=instance_id)
    target = _target(inst, target_definition_id)
    check = _check(inst, load_workflow(inst), target)[0]
    if inst.status not in ACTIVE:
        check.reasons.insert(0, "只有运行中或等待中的流程实例可以迁移")
    return check


def migrate_instance(instance_id, target_definition_id, user_id, reason) -> StepResult:
    """Move a running instance to another version of its process; Conflict listing reasons if unsafe."""
    if not (reason or "").strip():
        raise InvalidInput("请填写迁移原因")
    with operate(instance_id, user_id=user_id) as op:
        inst, wf = op.inst, op.wf
        target = _target(inst, target_definition_id)
        check, new_spec, new_subs, top_diff = _check(inst, wf, target)
        if not check.is_safe:
            raise Conflict("该流程实例不能安全迁移：" + "；".join(check.reasons), reasons=check.reasons)
        # Resetting waiting tasks would restart their timers; the statutory clock must keep running.
        timers = {t.id: t.internal_data["event_value"] for t in wf.get_tasks(state=TaskState.WAITING)
                  if "event_value" in t.internal_data}
        migrate_workflow(top_diff, wf, new_spec)
        wf.subprocess_specs = new_subs
        forget_dropped_events(wf)
        for task_id, value in timers.items():
            if task_id in wf.tasks:
                wf.tasks[task_id].internal_data["event_value"] = value
        old = inst.definition
        inst.definition_id, inst.definition = target.id, target
        record_event("instance_migrated", case_id=inst.case_id, instance_id=inst.id, actor_id=user_id,
                     summary=f"{old.key} v{old.version} → v{target.version}：{reason.strip()}"[:300],
                     data={"from_definition_id": old.id, "from_version": old.version,
                           "to_definition_id": target.id, "to_version": target.version,
                           "reason": reason.strip(), "added": check.added, "changed": check.changed,
                           "removed": check.removed})
        op.run(lambda: runtime.run_guarded(runtime.advance, wf))
    return op.result
