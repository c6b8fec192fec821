"""Workflow (de)serialization: instance state stored without its spec; specs cached per version."""
import json
import threading
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.db import JSONText
from app.engine.expression_runtime import make_script_engine

_SERIALIZERS = {
    "spiff": BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)),
    "camunda": BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)),
}
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
    # The library's serialize_json converts the whole spec on every save only for us to drop it;
    # run the same converter steps (BpmnWorkflowConverter.to_dict) minus the spec instead.
    ser = serializer_for(dialect)
    registry = ser.registry
    converter = registry.convert_to_dict[registry.typenames[BpmnWorkflow]].args[1].__self__
    registry._encoder_mode = True
    try:
        dct = WorkflowConverter.to_dict(converter, wf)
        dct["subprocesses"] = converter.mapping_to_dict(wf.subprocesses)
        dct["bpmn_events"] = registry.convert(wf.bpmn_events)
        dct["typename"] = registry.typenames[BpmnWorkflow]
        dct[ser.VERSION_KEY] = ser.VERSION
        text = json.dumps(dct, cls=ser._encoder_cls)
    finally:
        registry._encoder_mode = False
    return JSONText(text)


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
        dct = json.loads(state)
    elif isinstance(state, JSONText):
        dct = json.loads(state.text)
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
