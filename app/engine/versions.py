"""Comparing two deployed versions of a process (SpiffWorkflow's SpecDiff), as plain data."""
from lxml import etree
from SpiffWorkflow.bpmn.util.diff import SpecDiff

from app.engine import bpmn_meta
from app.engine.deploy import get_definition
from app.engine.serializer import SPEC_CACHE, serializer_for
from app.errors import InvalidInput, NotFound

BPMN = f"{{{bpmn_meta.BPMN_NS}}}"
FLOW_PARTS = ("source", "target", "condition")
MAX_VALUE_CHARS = 300  # a long script is shown cut, the diff page stays readable


def _spec(definition):
    return SPEC_CACHE.get((definition.id, definition.sha256), lambda: definition.spec_json, definition.dialect)[0]


def _item(spec, meta) -> dict:
    element = meta.get("elements", {}).get(spec.bpmn_id, {})
    return {"id": spec.bpmn_id, "name": spec.bpmn_name or element.get("name") or spec.bpmn_id,
            "type": element.get("type") or type(spec).__name__}


def _is_element(spec) -> bool:
    # Spiff adds internal specs (Start, End, boundary splits/joins) that have no BPMN id.
    return bool(getattr(spec, "bpmn_id", None))


def _flows(definition) -> dict:
    """{flow id: {id, name, type, source, target, condition}} of the definition's own process."""
    root = etree.fromstring(definition.xml.encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    flows = {}
    for process_el in root.iter(f"{BPMN}process"):
        if process_el.get("id") != definition.key:
            continue
        for flow in process_el.iter(f"{BPMN}sequenceFlow"):
            cond = flow.find(f"{BPMN}conditionExpression")
            flows[flow.get("id")] = {
                "id": flow.get("id"), "name": flow.get("name") or "", "type": "sequenceFlow",
                "source": flow.get("sourceRef"), "target": flow.get("targetRef"),
                "condition": (cond.text or "").strip() if cond is not None else ""}
    return flows


def _load_pair(old_definition_id, new_definition_id):
    old, new = get_definition(old_definition_id), get_definition(new_definition_id)
    if old is None or new is None:
        raise NotFound("流程版本不存在")
    if old.key != new.key:
        raise InvalidInput("只能比较同一流程的两个版本")
    return old, new


def diff_definitions(old_definition_id, new_definition_id) -> dict:
    """Tasks and flows added, removed and changed from one version of a process to another.

    Returns {"added", "removed", "changed", "flows_added", "flows_removed", "flows_changed"}, each a
    list of {id, name, type} (changed items also list the changed attribute names in `fields`, and in
    `changes` each changed value as {field, key, old, new}).
    """
    old, new = _load_pair(old_definition_id, new_definition_id)
    old_spec, new_spec = _spec(old), _spec(new)
    olds = {s.bpmn_id: s for s in old_spec.task_specs.values() if _is_element(s)}
    news = {s.bpmn_id: s for s in new_spec.task_specs.values() if _is_element(s)}
    # Added/removed by BPMN id, as the user drew them (SpecDiff may align a deleted element with a new one
    # by position; that matters for migrating instances, not for showing what changed).
    result = {"added": [_item(news[i], new.meta) for i in news if i not in olds],
              "removed": [_item(olds[i], old.meta) for i in olds if i not in news], "changed": []}
    if old.dialect == new.dialect:
        registry = serializer_for(new.dialect).registry
        diff = SpecDiff(registry, old_spec, new_spec)
        result["changed"] = [{**_item(new_s, new.meta), "fields": sorted(diff.comparisons.get(old_s) or []),
                              "changes": _changes(registry, old_s, new_s, sorted(diff.comparisons[old_s]))}
                             for old_s, new_s in diff.alignment.items()
                             if new_s is not None and _is_element(old_s) and old_s.bpmn_id == new_s.bpmn_id
                             and diff.comparisons.get(old_s)]
    else:
        # Specs of different dialects are different classes: only which elements exist compares.
        result["changed"] = [{**_item(news[i], new.meta), "fields": ["dialect"],
                              "changes": [_change("dialect", "", old.dialect, new.dialect)]} for i in news if i in olds]
    old_flows, new_flows = _flows(old), _flows(new)
    result["flows_added"] = [_flow_item(f) for k, f in new_flows.items() if k not in old_flows]
    result["flows_removed"] = [_flow_item(f) for k, f in old_flows.items() if k not in new_flows]
    result["flows_changed"] = [
        {**_flow_item(f), "fields": [a for a in FLOW_PARTS if f[a] != old_flows[k][a]],
         "changes": [_change(a, "", old_flows[k][a], f[a]) for a in FLOW_PARTS if f[a] != old_flows[k][a]]}
        for k, f in new_flows.items() if k in old_flows and f != old_flows[k]]
    result["flows_changed"] = [f for f in result["flows_changed"] if f["fields"]]
    for key in result:
        result[key].sort(key=lambda i: i["id"])
    return result


def _flow_item(flow) -> dict:
    label = flow["name"] or f"{flow['source']} → {flow['target']}"
    return {"id": flow["id"], "name": label, "type": "sequenceFlow"}


def _changes(registry, old_spec, new_spec, fields) -> list[dict]:
    """Each changed attribute with its old and new value; nested parts (an extension property) one by one."""
    old_data, new_data = registry.convert(old_spec), registry.convert(new_spec)
    changes = []
    for field in fields:
        old_flat, new_flat = _flatten(old_data.get(field)), _flatten(new_data.get(field))
        for key in sorted(set(old_flat) | set(new_flat)):
            if old_flat.get(key) != new_flat.get(key):
                changes.append(_change(field, key, old_flat.get(key), new_flat.get(key)))
    return changes


def _flatten(value, prefix="") -> dict:
    """{dotted key: leaf value} of nested dicts; extension properties drop their "properties." prefix."""
    if isinstance(value, dict) and value:
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix.removeprefix("properties."): value}


def _change(field, key, old, new) -> dict:
    return {"field": field, "key": key, "old": _text(old), "new": _text(new)}


def _text(value) -> str:
    """A value as one line of text ("" when absent); lists joined, dicts as their values."""
    if value is None or value == {} or value == []:
        return ""
    if isinstance(value, list | tuple):
        text = ", ".join(filter(None, (_text(v) for v in value)))
    elif isinstance(value, dict):
        text = " → ".join(filter(None, (_text(v) for v in value.values())))
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"
