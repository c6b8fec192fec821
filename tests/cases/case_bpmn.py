"""BPMN with diagram interchange for case-page tests: a two-step lifecycle and a call-activity variant."""

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{key}" targetNamespace="http://qsflow.test">
"""


def _props(department, org_level="case", due_rule="5WD", form_key="test_form"):
    items = [("department", department), ("formKey", form_key), ("orgLevel", org_level), ("dueRule", due_rule)]
    inner = "".join(f'<spiffworkflow:property name="{n}" value="{v}"/>' for n, v in items)
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def _shape(eid, x, y, w=100, h=80):
    return f'<bpmndi:BPMNShape id="{eid}_di" bpmnElement="{eid}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'


def _edge(fid, x1, x2, y=140):
    return (f'<bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}"><di:waypoint x="{x1}" y="{y}"/>'
            f'<di:waypoint x="{x2}" y="{y}"/></bpmndi:BPMNEdge>')


def _diagram(key, nodes):
    """Lay the nodes out left to right: [(id, kind)] where kind is event or task."""
    shapes, edges, x = [], [], 100
    prev_right = None
    for i, (eid, kind) in enumerate(nodes):
        w, h, y = (36, 36, 122) if kind == "event" else (100, 80, 100)
        shapes.append(_shape(eid, x, y, w, h))
        if prev_right is not None:
            edges.append(_edge(f"f{i}", prev_right, x))
        prev_right = x + w
        x += w + 60
    return (f'<bpmndi:BPMNDiagram id="D_{key}"><bpmndi:BPMNPlane id="P_{key}" bpmnElement="{key}">'
            + "".join(shapes) + "".join(edges) + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")


def _flows(nodes):
    return "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{nodes[i - 1][0]}" targetRef="{nodes[i][0]}"/>'
                   for i in range(1, len(nodes)))


def lifecycle_xml(key, name="测试流程"):
    """start -> 登记审核 (county QS, 5WD) -> 复核 (city QS) -> end, with a diagram."""
    nodes = [("start", "event"), ("register", "task"), ("review", "task"), ("end", "event")]
    body = (f'<bpmn:process id="{key}" name="{name}" isExecutable="true">'
            '<bpmn:startEvent id="start" name="开始"/>'
            f'<bpmn:userTask id="register" name="登记审核">{_props("quality_supervision", "county")}</bpmn:userTask>'
            f'<bpmn:userTask id="review" name="复核">{_props("quality_supervision", "city", "10WD")}</bpmn:userTask>'
            '<bpmn:endEvent id="end" name="办结"/>' + _flows(nodes) + "</bpmn:process>")
    return HEAD.format(key=key) + body + _diagram(key, nodes) + "</bpmn:definitions>"


def call_activity_xml(key, called="case_sub_check"):
    """Two files: the root (start -> call activity -> end) and the called process with one task."""
    nodes = [("start", "event"), ("call_check", "task"), ("end", "event")]
    root = (HEAD.format(key=key) + f'<bpmn:process id="{key}" name="调用流程" isExecutable="true">'
            '<bpmn:startEvent id="start"/>'
            f'<bpmn:callActivity id="call_check" name="核查子流程" calledElement="{called}"/>'
            '<bpmn:endEvent id="end"/>' + _flows(nodes) + "</bpmn:process>" + _diagram(key, nodes)
            + "</bpmn:definitions>")
    sub_nodes = [("s_start", "event"), ("sub_task", "task"), ("s_end", "event")]
    sub = (HEAD.format(key=called) + f'<bpmn:process id="{called}" name="核查" isExecutable="true">'
           '<bpmn:startEvent id="s_start"/>'
           f'<bpmn:userTask id="sub_task" name="现场核查">{_props("quality_supervision", "county")}</bpmn:userTask>'
           '<bpmn:endEvent id="s_end"/>' + _flows(sub_nodes) + "</bpmn:process>" + _diagram(called, sub_nodes)
           + "</bpmn:definitions>")
    return {f"{called}.bpmn": sub, f"{key}.bpmn": root}
