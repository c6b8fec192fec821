"""Add diagram interchange (pool, lanes, shapes, edges) to a semantic-only BPMN file.

Usage: python -m tools.bpmn_layout processes/x.bpmn [...]   (rewrites in place; --check only reports)

Layout (tools.layout_geometry): layered left to right. A node's column is its longest path from the
start events over sequence flows, with back edges (found by depth-first search) ignored; its band is
its lane; nodes sharing a lane and a column are stacked in rows. Existing DI is dropped and
regenerated, so running the tool twice gives identical bytes.
"""
import math
import sys
from pathlib import Path

from lxml import etree

from tools import layout_geometry as geometry

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
EXTRA_NS = {"bpmndi": BPMNDI, "dc": DC, "di": DI}

TASKS = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess", "transaction"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "complexGateway"}
POOL_X, POOL_Y, POOL_LABEL, LANE_LABEL = 160, 80, 30, 30
POOL_GAP = 60
LABEL_W, LABEL_LINE, LABEL_CHARS = 90, 14, 7


def _q(ns, tag):
    return f"{{{ns}}}{tag}"


def _local(el):
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kind(tag):
    if tag in TASKS:
        return "task"
    if tag in GATEWAYS:
        return "gateway"
    return "event"


def _collect(container):
    """Flow nodes (document order), boundary events by host, flows as (src, tgt, id)."""
    nodes, kinds, boundaries, flows = [], {}, {}, []
    for el in container:
        tag = _local(el)
        if tag == "boundaryEvent":
            boundaries.setdefault(el.get("attachedToRef"), []).append(el.get("id"))
        elif tag in TASKS or tag in EVENTS or tag in GATEWAYS:
            nodes.append(el.get("id"))
            kinds[el.get("id")] = _kind(tag)
        elif tag == "sequenceFlow":
            flows.append((el.get("sourceRef"), el.get("targetRef"), el.get("id")))
    return nodes, kinds, boundaries, flows


def _lanes_of(container, nodes, flows):
    """[(lane id, [node ids])] in document order; nodes outside every lane join a neighbour's lane.

    The node is also added to that lane's flowNodeRef list, so modeler and diagram agree.
    """
    lanes = [ln for ln in container.iter(_q(BPMN, "lane"))]
    if not lanes:
        return [], {}
    owner = {}
    for ln in lanes:
        for ref in ln.findall(_q(BPMN, "flowNodeRef")):
            owner[(ref.text or "").strip()] = ln.get("id")
    by_id = {ln.get("id"): ln for ln in lanes}
    # Prefer the lane of a predecessor; only when there is none, that of a successor.
    for pairs in (lambda s, t: [(t, s)], lambda s, t: [(s, t)]):
        changed = True
        while changed:
            changed = False
            for s, t, _ in flows:
                for a, b in pairs(s, t):
                    if a in nodes and a not in owner and b in owner:
                        owner[a] = owner[b]
                        etree.SubElement(by_id[owner[b]], _q(BPMN, "flowNodeRef")).text = a
                        changed = True
    for n in nodes:
        if n not in owner:
            owner[n] = lanes[0].get("id")
            etree.SubElement(lanes[0], _q(BPMN, "flowNodeRef")).text = n
    return [ln.get("id") for ln in lanes], owner


def layout(container, origin_x, origin_y, with_lanes=True):
    """Place the flow nodes of a process or subprocess; returns the geometry (see layout_geometry)."""
    nodes, kinds, boundaries, flows = _collect(container)
    host_of = {b: h for h, bs in boundaries.items() for b in bs}
    edges = [(host_of.get(s, s), t, fid) for s, t, fid in flows]
    lanes, owner = _lanes_of(container, nodes, edges) if with_lanes else ([], {})
    starts = [el.get("id") for el in container if _local(el) == "startEvent"]
    graph = geometry.Graph(nodes, kinds, flows, boundaries, owner, lanes, starts)
    return geometry.place(graph, origin_x, origin_y, LANE_LABEL if lanes else 0)


def _label_lines(text):
    return max(1, math.ceil(len(text) / LABEL_CHARS))


def _num(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _bounds(parent, x, y, w, h):
    b = etree.SubElement(parent, _q(DC, "Bounds"))
    for k, v in (("x", x), ("y", y), ("width", w), ("height", h)):
        b.set(k, _num(v))
    return b


def _draw(plane, container, geo):
    """Shapes and edges of one laid-out container into a BPMNPlane."""
    names = {el.get("id"): el.get("name", "") for el in container.iter() if isinstance(el.tag, str)}
    for el in container:
        tag, eid = _local(el), el.get("id")
        if eid not in geo["boxes"]:
            continue
        box = geo["boxes"][eid]
        shape = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), id=f"{eid}_di", bpmnElement=eid)
        if tag in ("subProcess", "transaction"):
            shape.set("isExpanded", "false")
        if tag == "exclusiveGateway":
            shape.set("isMarkerVisible", "true")
        _bounds(shape, box.x, box.y, box.w, box.h)
        if geo["kinds"].get(eid) != "task" and names.get(eid):
            lines = _label_lines(names[eid])
            label = etree.SubElement(shape, _q(BPMNDI, "BPMNLabel"))
            if tag == "boundaryEvent":
                _bounds(label, box.right + 2, box.bottom + 2, LABEL_W, lines * LABEL_LINE)
            elif tag in GATEWAYS:  # above: flows to lower rows leave a gateway from its bottom
                _bounds(label, box.cx - LABEL_W / 2, box.y - 4 - lines * LABEL_LINE, LABEL_W, lines * LABEL_LINE)
            else:
                _bounds(label, box.cx - LABEL_W / 2, box.bottom + 6, LABEL_W, lines * LABEL_LINE)
    for src, tgt, fid, _ in geo["flows"]:
        points = geometry.route(geo, src, tgt, fid)
        edge = etree.SubElement(plane, _q(BPMNDI, "BPMNEdge"), id=f"{fid}_di", bpmnElement=fid)
        for x, y in points:
            etree.SubElement(edge, _q(DI, "waypoint"), x=_num(x), y=_num(y))
        if names.get(fid):
            (x1, y1), (x2, y2) = points[0], points[1]
            label = etree.SubElement(edge, _q(BPMNDI, "BPMNLabel"))
            lines = _label_lines(names[fid])
            if abs(x1 - x2) < 1:  # vertical first segment: label right of it
                _bounds(label, x1 + 4, (y1 + y2) / 2 - 7, LABEL_W, lines * LABEL_LINE)
            else:
                _bounds(label, x1 + 4, y1 - 4 - lines * LABEL_LINE, LABEL_W, lines * LABEL_LINE)


def _with_namespaces(root):
    """The root element, re-created with the DI namespaces declared when they are missing."""
    if all(root.nsmap.get(p) == uri for p, uri in EXTRA_NS.items()):
        return root
    nsmap = dict(root.nsmap)
    nsmap.update({p: uri for p, uri in EXTRA_NS.items() if p not in nsmap})
    new = etree.Element(root.tag, nsmap=nsmap)
    for k, v in root.attrib.items():
        new.set(k, v)
    new.text = root.text
    for child in list(root):
        new.append(child)
    return new


def _ensure_collaboration(root, processes):
    """The collaboration element, created with one participant per process when missing."""
    collab = root.find(_q(BPMN, "collaboration"))
    if collab is None:
        pid = processes[0].get("id")
        collab = etree.Element(_q(BPMN, "collaboration"), id=f"Collaboration_{pid}")
        processes[0].addprevious(collab)
    referenced = {p.get("processRef") for p in collab.findall(_q(BPMN, "participant"))}
    for proc in processes:
        if proc.get("id") not in referenced:
            part = etree.SubElement(collab, _q(BPMN, "participant"), id=f"Participant_{proc.get('id')}",
                                    processRef=proc.get("id"))
            part.set("name", proc.get("name") or proc.get("id"))
    return collab


def relayout(data: bytes) -> bytes:
    """The file's bytes with fresh DI for every process (and collapsed subprocess)."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = _with_namespaces(etree.fromstring(data, parser))
    for old in root.findall(_q(BPMNDI, "BPMNDiagram")):
        root.remove(old)
    processes = root.findall(_q(BPMN, "process"))
    if not processes:
        raise ValueError("no bpmn:process in file")
    collab = _ensure_collaboration(root, processes)
    diagram = etree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), id="BPMNDiagram_1")
    plane = etree.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), id="BPMNPlane_1", bpmnElement=collab.get("id"))
    by_ref = {p.get("processRef"): p for p in collab.findall(_q(BPMN, "participant"))}
    y = POOL_Y
    subprocesses = []
    for proc in processes:
        geo = layout(proc, POOL_X + POOL_LABEL, y)
        part = by_ref[proc.get("id")]
        shape = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), id=f"{part.get('id')}_di",
                                 bpmnElement=part.get("id"), isHorizontal="true")
        _bounds(shape, POOL_X, y, POOL_LABEL + geo["width"], geo["height"])
        for lane_id, lane_y, lane_h in geo["lanes"]:
            lane = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), id=f"{lane_id}_di",
                                    bpmnElement=lane_id, isHorizontal="true")
            _bounds(lane, POOL_X + POOL_LABEL, lane_y, geo["width"], lane_h)
        _draw(plane, proc, geo)
        subprocesses += [el for el in proc.iter(_q(BPMN, "subProcess"), _q(BPMN, "transaction"))]
        y += geo["height"] + POOL_GAP
    # Collapsed subprocesses get their own plane, which bpmn-js shows when drilling down.
    for i, sub in enumerate(subprocesses, start=2):
        geo = layout(sub, POOL_X, POOL_Y, with_lanes=False)
        sub_diagram = etree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), id=f"BPMNDiagram_{i}")
        sub_plane = etree.SubElement(sub_diagram, _q(BPMNDI, "BPMNPlane"), id=f"BPMNPlane_{i}",
                                     bpmnElement=sub.get("id"))
        _draw(sub_plane, sub, geo)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def main(argv=None) -> int:
    """Rewrite each file in place (or, with --check, report files whose DI is not current)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    if not paths:
        print("usage: python -m tools.bpmn_layout [--check] FILE.bpmn ...", file=sys.stderr)
        return 2
    stale = 0
    for name in paths:
        path = Path(name)
        old = path.read_bytes()
        new = relayout(old)
        if new != old:
            stale += 1
            if check:
                print(f"{name}: diagram out of date")
            else:
                path.write_bytes(new)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
