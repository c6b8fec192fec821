"""Workflow (de)serialization: instance state stored without its spec; specs cached per version."""
import json
import threading
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app import jsoncodec
from app.db import JSONText
from app.engine.expression_runtime import make_script_engine

_SERIALIZERS = {
    "spiff": BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)),
    "camunda": BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)),
}
# Each serializer's own JSON encoder hook: what json.dumps(..., cls=serializer._encoder_cls) would call.
_DEFAULTS = {dialect: ser._encoder_cls().default for dialect, ser in _SERIALIZERS.items()}
SPEC_KEYS = ("spec", "subprocess_specs")


def serializer_for(dialect: str) -> BpmnWorkflowSerializer:
    """The serializer configured for a dialect's task-spec classes."""
    return _SERIALIZERS[dialect]


def spec_to_json(spec, subprocess_specs, dialect) -> dict:
    """The JSON form of a parsed spec, stored once on its definition row."""
    wf = BpmnWorkflow(spec, subprocess_specs)
    full = json.loads(serializer_for(dialect).serialize_json(wf))
    return {k: full[k] for k in SPEC_KEYS}


def workflow_to_state(wf, dialect) -> JSONText:
    """Instance state as plain JSON (with its text), without the spec (that lives on the definition)."""
    # The library's serialize_json converts the whole spec on every save only for us to drop it; build
    # what BpmnWorkflowConverter.to_dict builds minus the spec instead (tests/state_check.py compares every
    # save of the engine and process tests with the library's own output, for both dialects).
    ser = serializer_for(dialect)
    registry = ser.registry
    registry._encoder_mode = True
    try:
        dct = _workflow_dict(registry, wf)
        dct["subprocesses"] = {str(key): _subprocess_dict(registry, sub) for key, sub in wf.subprocesses.items()}
        dct["bpmn_events"] = registry.convert(wf.bpmn_events)
        dct["typename"] = registry.typenames[BpmnWorkflow]
        dct[ser.VERSION_KEY] = ser.VERSION
        text = jsoncodec.dumps(dct, default=_DEFAULTS[dialect])
    finally:
        registry._encoder_mode = False
    return JSONText(text)


def _workflow_dict(registry, workflow) -> dict:
    """What WorkflowConverter.to_dict gives for a workflow or subprocess, without the library's per-task
    dispatch through its registry (a save converts every task of the instance)."""
    return {
        "data": registry.convert(registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": {_id_text(key): _task_dict(registry, task) for key, task in workflow.tasks.items()},
        "root": _id_text(workflow.task_tree.id),
    }


def _subprocess_dict(registry, sub) -> dict:
    # BpmnSubWorkflowConverter.to_dict: the workflow's fields, the task that started it and its spec's name.
    return {**_workflow_dict(registry, sub), "parent_task_id": str(sub.parent_task_id), "spec": sub.spec.name,
            "typename": registry.typenames[sub.__class__]}


def _task_dict(registry, task) -> dict:
    # TaskConverter.to_dict, field for field: a child stores only what differs from its parent's data.
    parent = task.parent
    if parent is None:
        data, delta = task.data, {}
    else:
        before, after = parent.data, task.data
        data = {}
        delta = {"updates": {key: value for key, value in after.items() if key not in before or value != before[key]},
                 "deletions": [key for key in before if key not in after]}
    internal = task.internal_data
    return {
        "id": _id_text(task.id),
        "parent": _id_text(task._parent) if parent is not None else None,
        "children": [_id_text(child) for child in task._children],
        "last_state_change": task.last_state_change,
        "state": task.state,
        "task_spec": task.task_spec.name,
        "triggered": task.triggered,
        "internal_data": registry.convert(internal) if internal else {},
        "data": data,
        "delta": delta,
        "typename": registry.typenames[task.__class__],
    }


_ID_TEXTS = {}  # task ids as text: the same ids are written again on every save of an instance
_ID_TEXTS_MAX = 50_000


def _id_text(task_id) -> str:
    text = _ID_TEXTS.get(task_id)
    if text is None:
        if len(_ID_TEXTS) >= _ID_TEXTS_MAX:
            _ID_TEXTS.clear()
        text = _ID_TEXTS[task_id] = str(task_id)
    return text


class SpecCache:
    """Restored spec objects per definition (keyed by id and content hash, since a rolled-back
    deployment can free an id for reuse); specs are read-only once parsed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._specs = {}

    def get(self, cache_key, spec_json, dialect):
        """The restored (spec, subprocess specs); `spec_json` may be a callable, read only on a miss."""
        with self._lock:
            hit = self._specs.get(cache_key)
        if hit is None:
            ser = serializer_for(dialect)
            # A callable lets callers keep the (large, deferred) column unread when the cache hits.
            raw = spec_json() if callable(spec_json) else spec_json
            copy = json.loads(json.dumps(raw))
            spec = ser.from_dict(copy["spec"])
            subs = {name: ser.from_dict(s) for name, s in copy["subprocess_specs"].items()}
            hit = (spec, subs)
            with self._lock:
                self._specs[cache_key] = hit
        return hit

    def clear(self):
        with self._lock:
            self._specs.clear()


SPEC_CACHE = SpecCache()

# Definition metadata (routing properties of every user task) by (definition id, sha256): a deployed
# definition never changes, and parsing its 40 KB of JSON on every step cost more than the step itself.
_META_CACHE = {}


def definition_meta(definition) -> dict:
    """The definition's metadata, read (and parsed) once per worker; callers must not change it."""
    key = (definition.id, definition.sha256)
    meta = _META_CACHE.get(key)
    if meta is None:
        meta = _META_CACHE[key] = definition.meta
    return meta


def new_workflow(cache_key, spec_json, dialect) -> BpmnWorkflow:
    """A fresh workflow for a definition, with the restricted script engine attached."""
    spec, subs = SPEC_CACHE.get(cache_key, spec_json, dialect)
    return BpmnWorkflow(spec, subs, script_engine=make_script_engine())


def state_to_workflow(state: dict, cache_key, spec_json, dialect) -> BpmnWorkflow:
    """Restore an instance from its state (a dict, or its stored text); the script engine is not serialized,
    so it is reattached here."""
    ser = serializer_for(dialect)
    # The library takes the dict apart: restore from a fresh copy, never from the caller's dict.
    if isinstance(state, str):
        dct = jsoncodec.loads(state)
    elif isinstance(state, JSONText):
        dct = jsoncodec.loads(state.text)
    else:
        dct = json.loads(json.dumps(state))
    if dct.get(ser.VERSION_KEY) != ser.VERSION:
        # Older serializer format: let the library migrate it with the full spec in place.
        dct.update(json.loads(json.dumps(spec_json() if callable(spec_json) else spec_json)))
        ser.migrate(dct)
        wf = ser.from_dict(dct)
    else:
        dct.pop(ser.VERSION_KEY, None)
        spec, subs = SPEC_CACHE.get(cache_key, spec_json, dialect)
        wf = _restore_with_spec(ser, dct, spec, subs)
    wf.script_engine = make_script_engine()
    return wf


def _restore_with_spec(ser, dct, spec, subprocess_specs):
    # Same steps as the library's BpmnWorkflowConverter.from_dict, run through that converter's
    # own methods, but with the cached spec objects instead of rebuilding them from JSON on
    # every load (the spec is most of the restore cost).
    converter = ser.registry.convert_from_dict[ser.registry.typenames[BpmnWorkflow]].args[0].__self__
    wf = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
    wf.tasks = converter.mapping_from_dict(dct["tasks"], UUID, workflow=wf)
    wf.task_tree = wf.tasks.get(UUID(dct["root"]))
    converter.set_default_attributes(wf, dct)
    converter.subprocesses_from_dict(dct["subprocesses"], wf)
    wf.bpmn_events = ser.registry.restore(dct.pop("bpmn_events", []))
    return wf
