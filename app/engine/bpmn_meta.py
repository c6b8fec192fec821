"""Reads what our runtime needs from BPMN XML (both dialects) and checks it statically."""
import re

from app.engine.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS}

ORG_LEVELS = ("province", "city", "county", "case")
DUE_SHORTHAND = re.compile(r"^\s*(\d{1,4})\s*(WD|D|H)\s*$")
JUEL = re.compile(r"[$#]\{")
# An ISO duration or date written without quotes is a NameError at runtime (see SPIFFWORKFLOW.md).
BARE_ISO = re.compile(r"^\s*(R\d*/)?(P[0-9YMWDTHS.]+|\d{4}-\d{2}-\d{2}(T[\d:.+Z-]+)?)\s*$")
FLOW_TAGS = ("userTask", "manualTask", "task", "scriptTask", "serviceTask", "sendTask", "receiveTask",
             "businessRuleTask", "callActivity", "subProcess", "transaction", "startEvent", "endEvent",
             "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
             "parallelGateway", "inclusiveGateway", "eventBasedGateway", "sequenceFlow")


def detect_dialect(root) -> str:
    """`camunda` when the file uses Camunda Modeler extensions, else `spiff`."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{" + CAMUNDA_NS):
            return "camunda"
        if any(k.startswith("{" + CAMUNDA_NS) for k in el.attrib):
            return "camunda"
    return "spiff"


def _local(tag):
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _spiff_properties(el) -> dict:
    props = {}
    for p in el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        props[p.get("name", "")] = p.get("value", "")
    return props


def _camunda_properties(el) -> dict:
    """Map Camunda 7 user-task attributes onto our property names."""
    props = {}
    groups = el.get(f"{{{CAMUNDA_NS}}}candidateGroups", "")
    if groups:
        props["department"] = groups.split(",")[0].strip()
        props["candidateGroups"] = groups
        props["department_source"] = "candidateGroups"
    for attr, name in (("assignee", "assignee"), ("formKey", "formKey"), ("dueDate", "dueDate"),
                       ("followUpDate", "followUpDate"), ("priority", "priority")):
        value = el.get(f"{{{CAMUNDA_NS}}}{attr}")
        if value:
            props[name] = value
    for p in el.findall("bpmn:extensionElements/camunda:properties/camunda:property", NS):
        props.setdefault(p.get("name", ""), p.get("value", ""))
    fields = []
    for f in el.findall("bpmn:extensionElements/camunda:formData/camunda:formField", NS):
        fields.append({
            "id": f.get("id", ""), "label": f.get("label", ""), "type": f.get("type", "string"),
            "defaultValue": f.get("defaultValue"),
            "values": [{"id": v.get("id", ""), "name": v.get("name", "")}
                       for v in f.findall("camunda:value", NS)],
            "validation": [{"name": c.get("name", ""), "config": c.get("config")}
                           for c in f.findall("camunda:validation/camunda:constraint", NS)],
        })
    if fields:
        props["formFields"] = fields
    # Camunda's due and follow-up dates become our rules: a quoted ISO duration or date is an expression.
    for attr, rule in (("dueDate", "dueRule"), ("followUpDate", "followUpRule")):
        value = props.get(attr, "").strip()
        if value and rule not in props and not JUEL.search(value) and camunda_date_rule(value):
            props[rule] = camunda_date_rule(value)
    return props


def camunda_date_rule(value: str) -> str | None:
    """A Camunda dueDate/followUpDate (ISO duration or date) as our rule: `15D`, `24H`, a quoted date, or None."""
    found = CAMUNDA_DURATION.match(value)
    if found and any(found.groups()):
        days, hours = found.groups()
        if days and not hours:
            return f"{int(days)}D"
        if hours and not days:
            return f"{int(hours)}H"
        return f"{int(days or 0) * 24 + int(hours or 0)}H"
    return repr(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[0-9:.+Z-]{0,30})?", value) else None


CAMUNDA_DURATION = re.compile(r"^P(?:(\d{1,4})D)?(?:T(?:(\d{1,4})H)?)?$")


def process_meta(process_el, dialect) -> dict:
    """Names of all elements, lanes, and the routing properties of each user task."""
    lanes = {}
    for lane in process_el.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = {"name": lane.get("name", ""), "id": lane.get("id", "")}
    elements, user_tasks, messages = {}, {}, set()
    for el in process_el.iter():
        tag = _local(el.tag)
        if tag not in FLOW_TAGS:
            continue
        eid = el.get("id", "")
        elements[eid] = {"type": tag, "name": el.get("name", "") or eid, "line": el.sourceline}
        if tag == "userTask":
            props = _camunda_properties(el) if dialect == "camunda" else _spiff_properties(el)
            lane = lanes.get(eid, {})
            if not props.get("department") and _lane_department(lane):
                props["department"], props["department_source"] = _lane_department(lane), "lane"
            props.setdefault("department", "")
            user_tasks[eid] = {"name": el.get("name", "") or eid, "lane": lane.get("name", ""),
                               "line": el.sourceline, **props}
    for ref in process_el.iter(f"{{{BPMN_NS}}}messageEventDefinition"):
        if ref.get("messageRef"):
            messages.add(ref.get("messageRef"))
    return {"elements": elements, "user_tasks": user_tasks, "messages": sorted(messages),
            "catches": message_catches(process_el), "start_form": start_form(process_el, dialect)}


def start_form(process_el, dialect) -> dict | None:
    """The form of the process's plain start event (Camunda formData / formKey, spiff formKey), if any."""
    for start in process_el.findall("bpmn:startEvent", NS):
        if any(_local(child.tag).endswith("EventDefinition") for child in start):
            continue  # a message or timer start is not started from a page
        props = _camunda_properties(start) if dialect == "camunda" else _spiff_properties(start)
        if props.get("formKey") or props.get("formFields"):
            return {"element_id": start.get("id", ""), "name": start.get("name", "") or start.get("id", ""),
                    "formKey": props.get("formKey", ""), "formFields": props.get("formFields", [])}
    return None


CATCH_TAGS = ("intermediateCatchEvent", "boundaryEvent", "receiveTask", "startEvent")


def message_catches(process_el) -> list:
    """Each element that catches a message: {message (its name), element_id, element_name, type}.

    Message start events of the process itself start instances rather than catching into one,
    so only start events of embedded subprocesses count.
    """
    root = process_el.getroottree().getroot()
    names = {m.get("id"): m.get("name") or m.get("id") for m in root.iter(f"{{{BPMN_NS}}}message")}
    found = []
    for el in process_el.iter():
        tag = _local(el.tag)
        if tag not in CATCH_TAGS or (tag == "startEvent" and el.getparent() is process_el):
            continue
        refs = [el.get("messageRef")] if tag == "receiveTask" else \
            [d.get("messageRef") for d in el.findall("bpmn:messageEventDefinition", NS)]
        for ref in refs:
            if ref:
                found.append({"message": names.get(ref, ref), "element_id": el.get("id", ""),
                              "element_name": el.get("name", "") or el.get("id", ""), "type": tag})
    return found


def _lane_department(lane: dict) -> str:
    # A lane whose id is "Lane_<department_code>" names the department when the task says nothing.
    lane_id = lane.get("id", "")
    return lane_id[5:] if lane_id.startswith("Lane_") else ""


def _owner_id(el):
    """The nearest ancestor (or self) that is a flow element with an id."""
    node = el
    while node is not None:
        if _local(node.tag) in FLOW_TAGS and node.get("id"):
            return node.get("id")
        node = node.getparent()
    return ""


def expressions_in(process_el):
    """Yield (mode, text, element_id, line, kind) for every expression the engine will run."""
    for cond in process_el.iter(f"{{{BPMN_NS}}}conditionExpression"):
        yield "eval", (cond.text or "").strip(), _owner_id(cond), cond.sourceline, "condition"
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for t in process_el.iter(f"{{{BPMN_NS}}}{tag}"):
            yield "eval", (t.text or "").strip(), _owner_id(t), t.sourceline, "timer"
    for s in process_el.iter(f"{{{BPMN_NS}}}script"):
        yield "exec", s.text or "", _owner_id(s), s.sourceline, "script"
    for tag in ("preScript", "postScript"):
        for s in process_el.iter(f"{{{SPIFF_NS}}}{tag}"):
            yield "exec", s.text or "", _owner_id(s), s.sourceline, "prepost"


UNSUPPORTED_STARTS = {"escalationEventDefinition": "升级", "compensateEventDefinition": "补偿"}
UNSUPPORTED_TASKS = {
    "serviceTask": "服务任务（serviceTask）",
    "sendTask": "发送任务（sendTask）",
    "manualTask": "手工任务（manualTask）",
    "task": "无类型任务（task）",
}


def check_process(process_el, filename, meta, dialect, *, check_expression, form_exists=None, departments=None):
    """Static checks the parser does not do: expressions, timers, routing properties, forms, departments."""
    problems = []

    def add(msg, element="", line=None, severity="error"):
        problems.append(Problem(msg, filename, element, line, severity))

    for el in process_el.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in UNSUPPORTED_TASKS)):
        kind = UNSUPPORTED_TASKS.get(_local(el.tag))
        if kind:
            # No inbox would show such a task and nothing runs it: the instance would wait forever.
            add(f"不支持{kind}“{el.get('name') or el.get('id', '')}”：请改为用户任务（指定承办科室和表单）"
                "或脚本任务", el.get("id", ""), el.sourceline)
    for sub in process_el.iter(f"{{{BPMN_NS}}}subProcess"):
        if sub.get("triggeredByEvent") != "true":
            continue
        for start in sub.findall("bpmn:startEvent", NS):
            kinds = [_local(d.tag) for d in start if _local(d.tag) in UNSUPPORTED_STARTS]
            name = sub.get("name") or sub.get("id")
            if kinds:
                # SpiffWorkflow reads such a start as a plain start: the subprocess would run at once.
                add(f"事件子流程“{name}”的{UNSUPPORTED_STARTS[kinds[0]]}开始事件不受支持："
                    "请改用活动上的边界事件，或以定时器、消息开始的事件子流程", start.get("id", ""), start.sourceline)
            elif start.get("isInterrupting", "true") != "false" and start.find("bpmn:errorEventDefinition", NS) is None:
                # SpiffWorkflow 3.2 runs an event subprocess beside the main flow and never interrupts it.
                add(f"事件子流程“{name}”的开始事件是中断型的，暂不支持：请把开始事件设为非中断"
                    "（isInterrupting=\"false\"），或改用活动上的中断型边界事件", start.get("id", ""), start.sourceline)
    for mode, text, eid, line, kind in expressions_in(process_el):
        if not text.strip():
            # spiff-arena writes empty pre/post scripts; they run nothing.
            if kind not in ("condition", "prepost"):
                add("表达式为空", eid, line)
            continue
        if JUEL.search(text):
            add(f"不支持 JUEL 表达式（{text[:60]}），请改写为 Python 表达式", eid, line)
            continue
        if kind == "timer" and BARE_ISO.match(text):
            add(f"定时器表达式须加引号，例如 \"{text.strip()}\"", eid, line)
            continue
        for msg in check_expression(text, mode=mode):
            add(msg, eid, line)
    for tid, task in meta["user_tasks"].items():
        line = task.get("line")
        _check_department(task, tid, line, departments, add)
        level = task.get("orgLevel", "case")
        if level not in ORG_LEVELS:
            add(f"orgLevel 取值无效：{level}（应为 province/city/county/case）", tid, line)
        for rule_name, label in (("dueRule", "期限规则"), ("followUpRule", "跟进期限")):
            rule = task.get(rule_name, "")
            if rule and not DUE_SHORTHAND.match(rule):
                if JUEL.search(rule):
                    add(f"不支持 JUEL 表达式作为{label}", tid, line)
                else:
                    for msg in check_expression(rule, mode="eval"):
                        add(f"{label}：{msg}", tid, line)
        # Camunda attributes holding JUEL would otherwise be taken literally (a user named "#{initiator}").
        for attr in ("dueDate", "followUpDate", "assignee", "candidateGroups"):
            value = task.get(attr, "")
            if value and JUEL.search(value):
                add(f"不支持 JUEL 表达式（camunda:{attr}={value}）", tid, line)
            elif value and attr in ("dueDate", "followUpDate") and camunda_date_rule(value) is None:
                add(f"camunda:{attr}“{value}”无法识别：请写 ISO 时长（如 P15D、PT24H）或日期（如 2026-12-31）",
                    tid, line)
        form_key = task.get("formKey", "")
        if not form_key and not task.get("formFields"):
            add("用户任务未指定表单（formKey）", tid, line)
        elif form_key and form_exists is not None and not task.get("formFields") and not form_exists(form_key):
            add(f"表单 {form_key} 不存在（forms/{form_key}.json）", tid, line)
    return problems


def _check_department(task, tid, line, departments, add):
    """A user task's department (and every candidate group) must be a known department code."""
    code = task.get("department", "")
    if not code:
        add("用户任务未指定承办科室（department）", tid, line)
        return
    if departments is None:
        return
    known = "、".join(sorted(departments)) or "（无）"
    codes = [c.strip() for c in task.get("candidateGroups", code).split(",") if c.strip()]
    for value in codes or [code]:
        if value in departments:
            continue
        if task.get("department_source") == "lane":
            # bpmn.io names lanes Lane_0rpib5y: such an id is no department.
            add(f"泳道标识 Lane_{value} 不对应任何科室：请把泳道标识改为 Lane_<科室代码>，或在任务上指定 "
                f"department；已知科室：{known}", tid, line)
        else:
            add(f"承办科室“{value}”不存在；已知科室：{known}", tid, line)
