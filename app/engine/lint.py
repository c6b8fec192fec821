"""Validation of one BPMN file before deploy: everything deploy checks, plus graph checks, located by element."""
import ast
import re

from flask import current_app
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine import bpmn_meta
from app.engine.deploy import deployed_context_files, form_exists_check, known_departments
from app.engine.errors import DeployError, Problem
from app.engine.parsing import parse_bundle, translate_problems
from app.engine.xmlsafe import UnsafeXmlError, parse_untrusted_xml

BPMN = f"{{{bpmn_meta.BPMN_NS}}}"
PROCESS_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
# Elements a token moves through; lanes, flows, annotations and data objects are not reachable nodes.
NODE_TAGS = tuple(t for t in bpmn_meta.FLOW_TAGS if t != "sequenceFlow")
SUBPROCESS_TAGS = ("subProcess", "transaction", "adHocSubProcess")
BRANCHING_GATEWAYS = ("exclusiveGateway", "inclusiveGateway")


def _local(el):
    return el.tag.split("}", 1)[-1] if isinstance(el.tag, str) else ""


def lint_bpmn(data: bytes, filename: str = "process.bpmn") -> list[Problem]:
    """Every problem deploy would refuse, plus unreachable elements and incomplete gateways."""
    max_bytes = current_app.config["MAX_BPMN_BYTES"]
    try:
        root = parse_untrusted_xml(data, filename, max_bytes)
    except UnsafeXmlError as exc:
        return [Problem(exc.message, filename, "", exc.line)]
    processes = root.findall(f"{BPMN}process")
    problems = []
    for process_el in processes:
        key = process_el.get("id", "")
        if not PROCESS_KEY.match(key):
            problems.append(Problem(f"流程标识（id）“{key}”无效：须以字母开头，只含字母、数字、下划线或连字符",
                                    filename, key, process_el.sourceline))
    try:
        parsed = parse_bundle({filename: data}, max_bytes=max_bytes, context_files=deployed_context_files(),
                              form_exists=form_exists_check(), departments=known_departments())
        problems.extend(w for p in parsed for w in p.warnings)
    except DeployError as exc:
        problems.extend(exc.problems)
    for process_el in processes:
        problems.extend(graph_problems(process_el, filename))
        problems.extend(timer_value_problems(process_el, filename))
    _locate_by_line(root, problems)
    return _unique(problems)


def graph_problems(process_el, filename="") -> list[Problem]:
    """Elements no token can reach from a start; branching gateways with unconditioned or no default flows."""
    nodes = {el.get("id"): el for el in process_el.iter() if _local(el) in NODE_TAGS and el.get("id")}
    outgoing, incoming = {}, set()
    for flow in process_el.iter(f"{BPMN}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        incoming.add(flow.get("targetRef"))
    problems = []
    for eid in sorted(set(nodes) - _reachable(nodes, outgoing, incoming), key=lambda i: nodes[i].sourceline or 0):
        el = nodes[eid]
        problems.append(Problem(f"“{el.get('name') or eid}”从开始事件无法到达（检查连线）", filename, eid,
                                el.sourceline))
    for eid, el in nodes.items():
        flows = outgoing.get(eid, [])
        if _local(el) not in BRANCHING_GATEWAYS or len(flows) < 2:
            continue
        default = el.get("default")
        bare = [f for f in flows if f.get("id") != default and f.find(f"{BPMN}conditionExpression") is None]
        name = el.get("name") or eid
        if bare:
            ids = "、".join(f.get("name") or f.get("id") for f in bare)
            # SpiffWorkflow refuses this at parse time too; say it in words the modeler user knows.
            problems.append(Problem(f"网关“{name}”的出口 {ids} 既无条件也不是默认流向", filename, eid,
                                    el.sourceline))
        elif not default:
            problems.append(Problem(f"网关“{name}”没有默认流向：所有条件都不成立时流程将出错", filename, eid,
                                    el.sourceline, "warning"))
    return problems


TIMER_KINDS = {
    "timeDuration": ("时长", "如 \"P15D\"、\"PT24H\"", TimerEventDefinition.parse_iso_duration),
    "timeDate": ("时间点", "如 \"2026-12-31T17:00:00+08:00\"", TimerEventDefinition.get_datetime),
    "timeCycle": ("循环周期", "如 \"R3/PT1H\"", TimerEventDefinition.parse_iso_recurring_interval),
}


def timer_value_problems(process_el, filename="") -> list[Problem]:
    """Quoted timer values the engine could not parse when the timer starts (deploy only checks syntax)."""
    problems = []
    for tag, (label, example, parse) in TIMER_KINDS.items():
        for timer in process_el.iter(f"{BPMN}{tag}"):
            try:
                value = ast.literal_eval((timer.text or "").strip())
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue  # an expression over case data: checked by deploy, evaluated at runtime
            if not isinstance(value, str):
                continue
            try:
                parse(value)
            except Exception:  # the library raises bare Exception/ValueError/AttributeError here
                problems.append(Problem(f"定时器{label}“{value}”不是有效的 ISO 8601 值（{example}）", filename,
                                        _event_id(timer), timer.sourceline))
    return problems


def _event_id(el) -> str:
    """The id of the event (or other flow element) a timer definition belongs to."""
    node = el.getparent()
    while node is not None and not (_local(node) in NODE_TAGS and node.get("id")):
        node = node.getparent()
    return node.get("id") if node is not None else ""


def _reachable(nodes, outgoing, incoming) -> set:
    """Ids reachable from the process's starts (and the starts of event subprocesses)."""
    roots = [eid for eid, el in nodes.items() if _is_root(el, eid, incoming)]
    boundaries = {}
    for bid, bel in nodes.items():
        if _local(bel) == "boundaryEvent":
            boundaries.setdefault(bel.get("attachedToRef"), []).append(bid)
    seen, stack = set(), list(roots)
    while stack:
        eid = stack.pop()
        if eid in seen or eid not in nodes:
            continue
        seen.add(eid)
        el = nodes[eid]
        stack.extend(f.get("targetRef") for f in outgoing.get(eid, []))
        # Boundary events ride on their activity; a subprocess's own starts run when it is entered.
        stack.extend(boundaries.get(eid, []))
        if _local(el) in SUBPROCESS_TAGS:
            stack.extend(c.get("id") for c in el if _local(c) == "startEvent")
    return seen


def _is_root(el, eid, incoming) -> bool:
    tag, parent = _local(el), el.getparent()
    if tag in SUBPROCESS_TAGS and el.get("triggeredByEvent") == "true":
        return True  # an event subprocess has no incoming flow: its start event triggers it
    if tag == "startEvent":
        # A start inside a plain subprocess is entered through it; an event subprocess starts on its own.
        return _local(parent) not in SUBPROCESS_TAGS or parent.get("triggeredByEvent") == "true"
    if el.get("isForCompensation") == "true":
        return True
    # Link catch events are entered by a matching link throw, not by a sequence flow.
    return tag == "intermediateCatchEvent" and el.find(f"{BPMN}linkEventDefinition") is not None and eid not in incoming


MISSING_CALLED = re.compile(r"调用的流程 (\S+) 不存在或尚未部署$")


def _locate_by_line(root, problems):
    """Attach an element to problems that carry only a line; say the parser's common findings in Chinese."""
    callers = {}
    for call in root.iter(f"{BPMN}callActivity"):
        callers.setdefault(call.get("calledElement"), call)
    translate_problems(problems)
    for p in problems:
        missing = MISSING_CALLED.search(p.message)
        if missing and not p.element and missing.group(1) in callers:
            # The parser names the missing process, not the call activity that needs it.
            call = callers[missing.group(1)]
            p.element, p.line = call.get("id"), call.sourceline
            caller = call.get("name") or call.get("id")
            p.message = f"调用的流程 {missing.group(1)} 不存在或尚未部署（调用活动“{caller}”）"
    by_line = {}
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id") and el.sourceline:
            by_line.setdefault(el.sourceline, el.get("id"))
    for p in problems:
        if not p.element and p.line in by_line:
            p.element = by_line[p.line]


def _unique(problems) -> list[Problem]:
    seen, result = set(), []
    for p in problems:
        marker = (p.element, p.message, p.severity)
        if marker not in seen:
            seen.add(marker)
            result.append(p)
    return result


def process_key_of(data: bytes, filename: str = "process.bpmn") -> tuple[str, str]:
    """(id, name) of the file's executable process; raises UnsafeXmlError for unsafe bytes."""
    root = parse_untrusted_xml(data, filename, current_app.config["MAX_BPMN_BYTES"])
    processes = root.findall(f"{BPMN}process")
    executable = [p for p in processes if p.get("isExecutable", "true") != "false"] or processes
    if not executable:
        raise UnsafeXmlError("文件中没有流程（bpmn:process）", filename)
    return executable[0].get("id", ""), executable[0].get("name", "") or executable[0].get("id", "")
