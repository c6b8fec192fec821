"""tools.bpmn_layout: every node drawn inside its lane band, every flow drawn touching its ends."""
from lxml import etree

from tests.engine import samples
from tools import bpmn_layout

NS = {"bpmn": bpmn_layout.BPMN, "bpmndi": bpmn_layout.BPMNDI, "dc": bpmn_layout.DC, "di": bpmn_layout.DI}


def laned_process():
    """Two lanes, gateways, loops back within and across lanes, a boundary timer, a collapsed subprocess."""
    p = samples.props
    return samples.HEAD.format(key="laned") + f"""
  <bpmn:process id="laned" name="分道流程" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="Lane_quality_supervision" name="质量监督科">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>gw</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_enforcement" name="执法稽查科">
        <bpmn:flowNodeRef>act</bpmn:flowNodeRef><bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>gw_esc</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="初审">{p("quality_supervision", due_rule="5WD")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="是否通过" default="f_again"/>
    <bpmn:sequenceFlow id="f_yes" name="通过" sourceRef="gw" targetRef="act">
      <bpmn:conditionExpression>approved == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_again" name="退回重审" sourceRef="gw" targetRef="review"/>
    <bpmn:userTask id="act" name="立案处理">{p("enforcement", due_rule="15WD")}</bpmn:userTask>
    <bpmn:boundaryEvent id="act_timeout" name="处理超期" attachedToRef="act">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P10D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_to" sourceRef="act_timeout" targetRef="escalate"/>
    <bpmn:userTask id="escalate" name="上级督办">{p("enforcement", org_level="province")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f_esc" sourceRef="escalate" targetRef="gw_esc"/>
    <bpmn:exclusiveGateway id="gw_esc" name="督办结论" default="f_esc_end"/>
    <bpmn:sequenceFlow id="f_esc_end" name="办结" sourceRef="gw_esc" targetRef="end"/>
    <bpmn:sequenceFlow id="f_esc_back" name="发回初审" sourceRef="gw_esc" targetRef="review">
      <bpmn:conditionExpression>send_back == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="sub"/>
    <bpmn:subProcess id="sub" name="归档">
      <bpmn:startEvent id="sub_start"/>
      <bpmn:sequenceFlow id="sf1" sourceRef="sub_start" targetRef="sub_end"/>
      <bpmn:endEvent id="sub_end"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f4" sourceRef="sub" targetRef="end"/>
    <bpmn:endEvent id="end" name="办结"/>
  </bpmn:process>
</bpmn:definitions>"""


def bounds(el):
    b = el.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def shapes(root):
    return {s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS)}


def on_bounds(point, box, tol=0.6):
    """The point lies on the border of the box."""
    (px, py), (x, y, w, h) = point, box
    inside = x - tol <= px <= x + w + tol and y - tol <= py <= y + h + tol
    on_edge = min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= tol
    return inside and on_edge


def test_every_node_has_a_shape_inside_its_lane_band_left_to_right():
    root = etree.fromstring(bpmn_layout.relayout(laned_process().encode()))
    drawn = shapes(root)
    collab = root.find("bpmn:collaboration", NS)
    [participant] = collab.findall("bpmn:participant", NS)
    assert (participant.get("processRef"), participant.get("name")) == ("laned", "分道流程")
    assert drawn[participant.get("id")].get("isHorizontal") == "true"
    pool = bounds(drawn[participant.get("id")])
    process = root.find("bpmn:process", NS)
    lanes = process.findall(".//bpmn:lane", NS)
    for lane in lanes:
        lx, ly, lw, lh = bounds(drawn[lane.get("id")])
        assert pool[0] < lx and ly >= pool[1] and ly + lh <= pool[1] + pool[3] + 0.1
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x, y, w, h = bounds(drawn[ref.text])
            assert lx < x and x + w < lx + lw and ly < y and y + h < ly + lh, ref.text
    # The two lanes are stacked bands that do not overlap.
    (_, y1, _, h1), (_, y2, _, _) = (bounds(drawn[ln.get("id")]) for ln in lanes)
    assert y1 + h1 <= y2
    ids = [el.get("id") for el in process if etree.QName(el).localname not in ("sequenceFlow", "laneSet")]
    assert set(ids) <= set(drawn)
    x_of = {i: bounds(drawn[i])[0] for i in ids}
    assert x_of["start"] < x_of["review"] < x_of["gw"] < x_of["act"] < x_of["sub"] < x_of["end"]
    sizes = {i: bounds(drawn[i])[2:] for i in ids}
    assert sizes["review"] == (100, 80) and sizes["gw"] == (50, 50) and sizes["start"] == (36, 36)
    assert drawn["gw"].find("bpmndi:BPMNLabel", NS) is not None
    assert drawn["sub"].get("isExpanded") == "false"


def test_boundary_event_sits_on_its_hosts_bottom_edge():
    root = etree.fromstring(bpmn_layout.relayout(laned_process().encode()))
    drawn = shapes(root)
    hx, hy, hw, hh = bounds(drawn["act"])
    bx, by, bw, bh = bounds(drawn["act_timeout"])
    assert by + bh / 2 == hy + hh
    assert hx <= bx + bw / 2 <= hx + hw


def test_every_flow_has_an_orthogonal_edge_touching_both_nodes():
    root = etree.fromstring(bpmn_layout.relayout(laned_process().encode()))
    drawn = shapes(root)
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    flows = root.findall(".//bpmn:sequenceFlow", NS)
    assert {f.get("id") for f in flows} == set(edges)
    for flow in flows:
        points = [(float(w.get("x")), float(w.get("y"))) for w in edges[flow.get("id")].findall("di:waypoint", NS)]
        assert len(points) >= 2
        assert on_bounds(points[0], bounds(drawn[flow.get("sourceRef")])), flow.get("id")
        assert on_bounds(points[-1], bounds(drawn[flow.get("targetRef")])), flow.get("id")
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} has a diagonal segment"
    # The loop back to review runs below, entering review from underneath.
    back = [(float(w.get("x")), float(w.get("y"))) for w in edges["f_again"].findall("di:waypoint", NS)]
    rx, ry, rw, rh = bounds(drawn["review"])
    assert back[-1][1] == ry + rh
    assert edges["f_yes"].find("bpmndi:BPMNLabel", NS) is not None


def test_node_outside_every_lane_joins_its_neighbours_lane():
    xml = laned_process().replace("<bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>", "")
    root = etree.fromstring(bpmn_layout.relayout(xml.encode()))
    lane = root.find(".//bpmn:lane[@id='Lane_enforcement']", NS)
    assert "escalate" in [r.text for r in lane.findall("bpmn:flowNodeRef", NS)]


def test_subprocess_gets_its_own_plane():
    root = etree.fromstring(bpmn_layout.relayout(laned_process().encode()))
    planes = {p.get("bpmnElement"): p for p in root.iterfind(".//bpmndi:BPMNPlane", NS)}
    assert "sub" in planes
    assert {s.get("bpmnElement") for s in planes["sub"].findall("bpmndi:BPMNShape", NS)} == {"sub_start", "sub_end"}


def test_running_twice_gives_identical_bytes_and_replaces_old_di(tmp_path):
    path = tmp_path / "laned.bpmn"
    path.write_text(laned_process(), encoding="utf-8")
    assert bpmn_layout.main([str(path)]) == 0
    once = path.read_bytes()
    assert bpmn_layout.main([str(path)]) == 0
    assert path.read_bytes() == once
    assert bpmn_layout.main(["--check", str(path)]) == 0
    root = etree.fromstring(once)
    assert len(root.findall("bpmndi:BPMNDiagram", NS)) == 2  # the process and the subprocess plane
    assert root.nsmap["bpmndi"] == bpmn_layout.BPMNDI


def test_check_reports_a_file_without_diagram(tmp_path, capsys):
    path = tmp_path / "bare.bpmn"
    path.write_text(laned_process(), encoding="utf-8")
    assert bpmn_layout.main(["--check", str(path)]) == 1
    assert "bare.bpmn" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == laned_process()


def test_output_still_deploys_and_runs(db_session, deploy_xml, make_case):
    xml = bpmn_layout.relayout(laned_process().encode()).decode("utf-8")
    [result] = deploy_xml(xml, filename="laned.bpmn")
    assert result.key == "laned"
    case = make_case("laned")
    from sqlalchemy import select

    from app.engine.models import HumanTask
    rows = db_session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).all()
    assert [r.spec_name for r in rows] == ["review"]


def crosses(segment, box, margin=2):
    """An axis-parallel segment enters the inside of the box (shrunk by margin)."""
    (x1, y1), (x2, y2) = segment
    x, y, w, h = box
    lo_x, hi_x, lo_y, hi_y = x + margin, x + w - margin, y + margin, y + h - margin
    if y1 == y2:
        return lo_y < y1 < hi_y and min(x1, x2) < hi_x and max(x1, x2) > lo_x
    return lo_x < x1 < hi_x and min(y1, y2) < hi_y and max(y1, y2) > lo_y


def test_flows_never_run_through_other_tasks():
    from pathlib import Path
    library = Path(__file__).resolve().parents[2] / "processes"
    mine = ("listed_supervision", "hazard_investigation", "supervision_sampling", "risk_monitoring")
    texts = [laned_process()] + [(library / f"{k}.bpmn").read_text(encoding="utf-8") for k in mine]
    for text in texts:
        root = etree.fromstring(bpmn_layout.relayout(text.encode()))
        for plane in root.iterfind(".//bpmndi:BPMNPlane", NS):
            tasks = {s.get("bpmnElement"): bounds(s) for s in plane.findall("bpmndi:BPMNShape", NS)
                     if etree.QName(root.find(f".//*[@id='{s.get('bpmnElement')}']")).localname
                     .endswith(("Task", "task", "Activity", "subProcess"))}
            for edge in plane.findall("bpmndi:BPMNEdge", NS):
                flow = root.find(f".//bpmn:sequenceFlow[@id='{edge.get('bpmnElement')}']", NS)
                pts = [(float(w.get("x")), float(w.get("y"))) for w in edge.findall("di:waypoint", NS)]
                ends = {flow.get("sourceRef"), flow.get("targetRef")}
                for tid, box in tasks.items():
                    if tid not in ends:
                        assert not any(crosses(seg, box) for seg in zip(pts, pts[1:], strict=False)), (flow.get("id"), tid)


def test_the_longest_branch_stays_level_with_its_gateway():
    p = samples.props
    # The short branches come first in the file; the main path must still run straight on.
    xml = samples.HEAD.format(key="branches") + f"""
  <bpmn:process id="branches" name="分支" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="是否立案" default="f_main"/>
    <bpmn:sequenceFlow id="f_stop" sourceRef="gw" targetRef="stop"><bpmn:conditionExpression>x == 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="stop" name="不予立案"/>
    <bpmn:sequenceFlow id="f_ext" sourceRef="gw" targetRef="ext"><bpmn:conditionExpression>x == 2</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:userTask id="ext" name="延期审批">{p("enforcement")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f_back" sourceRef="ext" targetRef="gw"/>
    <bpmn:sequenceFlow id="f_main" sourceRef="gw" targetRef="a"/>
    <bpmn:userTask id="a" name="调查">{p("enforcement")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"/>
    <bpmn:userTask id="b" name="决定">{p("enforcement")}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="b" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""
    drawn = shapes(etree.fromstring(bpmn_layout.relayout(xml.encode())))
    centre_y = {i: bounds(drawn[i])[1] + bounds(drawn[i])[3] / 2 for i in ("start", "gw", "a", "b", "end", "stop", "ext")}
    assert centre_y["start"] == centre_y["gw"] == centre_y["a"] == centre_y["b"] == centre_y["end"]
    assert centre_y["stop"] > centre_y["a"] and centre_y["ext"] > centre_y["a"]


def test_every_library_diagram_is_up_to_date():
    """processes/ files carry the diagram the layout tool makes (bpmn-js draws what the engine runs)."""
    from pathlib import Path

    from tools.bpmn_layout import main as layout_main

    files = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn"))
    assert files and layout_main(["--check", *files]) == 0
