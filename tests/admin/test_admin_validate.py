"""The modeler's validation endpoint: problems located on the element that causes them."""
import pytest

from tests.engine.samples import props


def validate(client, xml):
    response = client.post("/admin/api/validate", json={"xml": xml})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_element(problems):
    found = {}
    for p in problems:
        found.setdefault(p["element"], []).append(p)
    return found


def test_valid_process_has_no_errors(admin_client, bpmn):
    result = validate(admin_client, bpmn())
    assert result["ok"] is True
    assert [p for p in result["problems"] if p["severity"] == "error"] == []


def test_missing_form_is_reported_on_the_task(admin_client, bpmn):
    result = validate(admin_client, bpmn(form_key="no_such_form"))
    assert result["ok"] is False
    [problem] = by_element(result["problems"])["review"]
    assert problem["severity"] == "error" and "no_such_form" in problem["message"] and "不存在" in problem["message"]


def test_unreachable_task_is_reported(admin_client, bpmn):
    orphan = f'<bpmn:userTask id="orphan" name="孤立任务">{props("enforcement", form_key="admin_review_form")}</bpmn:userTask>'
    result = validate(admin_client, bpmn(extra=orphan))
    assert result["ok"] is False
    [problem] = by_element(result["problems"])["orphan"]
    assert "无法到达" in problem["message"] and "孤立任务" in problem["message"]


def test_bad_expression_and_unknown_helper(admin_client, bpmn):
    result = validate(admin_client, bpmn(condition="__import__('os').system('id')"))
    messages = [p["message"] for p in by_element(result["problems"])["f_yes"]]
    assert result["ok"] is False and any("双下划线" in m for m in messages)
    result = validate(admin_client, bpmn(condition="send_mail(approved)"))
    assert any("未知函数" in p["message"] for p in by_element(result["problems"])["f_yes"])


def test_juel_is_reported_not_crashed_on(admin_client, bpmn):
    result = validate(admin_client, bpmn(condition="${approved}"))
    [problem] = by_element(result["problems"])["f_yes"]
    assert "JUEL" in problem["message"] and problem["severity"] == "error"


def test_gateway_flows_without_condition_or_default(admin_client, bpmn):
    xml = bpmn().replace(' default="f_no"', "")
    result = validate(admin_client, xml)
    [problem] = by_element(result["problems"])["gw"]
    assert problem["severity"] == "error" and "f_no" in problem["message"] and result["ok"] is False
    xml = xml.replace('targetRef="end_no"/>', 'targetRef="end_no"><bpmn:conditionExpression>approved == False'
                      '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    result = validate(admin_client, xml)
    [problem] = by_element(result["problems"])["gw"]
    assert problem["severity"] == "warning" and "默认流向" in problem["message"] and result["ok"] is True


def test_bare_timer_and_missing_department(admin_client, bpmn):
    timer = ('<bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition>'
             '<bpmn:timeDuration>P15D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
             '<bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="end_no"/>')
    xml = bpmn(extra=timer).replace('<spiffworkflow:property name="department" value="quality_supervision"/>', "")
    found = by_element(validate(admin_client, xml)["problems"])
    assert any("引号" in p["message"] for p in found["late"])
    assert any("承办科室" in p["message"] for p in found["review"])


def test_schema_error_is_located_by_line(admin_client, bpmn):
    xml = bpmn().replace('<bpmn:endEvent id="end_no" name="退回"/>',
                         '<bpmn:endEvent id="end_no" name="退回" bogus="1"/>')
    result = validate(admin_client, xml)
    assert result["ok"] is False
    assert any(p["element"] == "end_no" for p in result["problems"])


def test_unsafe_and_malformed_xml(admin_client, bpmn, app):
    doctype = bpmn().replace("<bpmn:definitions", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<bpmn:definitions', 1)
    [problem] = validate(admin_client, doctype)["problems"]
    assert "DOCTYPE" in problem["message"]
    [problem] = validate(admin_client, "<bpmn:definitions")["problems"]
    assert "XML 格式错误" in problem["message"]
    big = bpmn().replace("<bpmn:process", "<!--" + "x" * app.config["MAX_BPMN_BYTES"] + "-->\n<bpmn:process")
    [problem] = validate(admin_client, big)["problems"]
    assert "文件过大" in problem["message"]


def test_bad_payload_is_a_json_400(admin_client):
    response = admin_client.post("/admin/api/validate", json={"nothing": 1})
    assert response.status_code == 400 and response.get_json()["message"] == "缺少流程 XML"
    response = admin_client.post("/admin/api/validate", data="not json", content_type="text/plain")
    assert response.status_code == 400 and "JSON" in response.get_json()["message"]


def test_call_activity_to_unknown_process(admin_client, bpmn):
    call = ('<bpmn:callActivity id="call_penalty" name="移送立案" calledElement="no_such_process"/>'
            '<bpmn:sequenceFlow id="f_call" sourceRef="call_penalty" targetRef="end_no"/>')
    xml = bpmn(extra=call).replace('<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no"/>',
                                   '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="call_penalty"/>')
    result = validate(admin_client, xml)
    [problem] = by_element(result["problems"])["call_penalty"]
    assert result["ok"] is False and "no_such_process" in problem["message"] and "尚未部署" in problem["message"]


def test_quoted_timer_values_must_parse(admin_client, bpmn):
    def with_timer(kind, text):
        timer = (f'<bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition>'
                 f'<bpmn:{kind}>{text}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                 '<bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="end_no"/>')
        return validate(admin_client, bpmn(extra=timer))

    result = with_timer("timeDuration", '"P15X"')
    [problem] = by_element(result["problems"])["late"]
    assert result["ok"] is False and "P15X" in problem["message"] and "ISO 8601" in problem["message"]
    assert "2026-13-45" in by_element(with_timer("timeDate", '"2026-13-45"')["problems"])["late"][0]["message"]
    for kind, good in (("timeDuration", '"PT24H"'), ("timeDate", '"2026-12-31T17:00:00+08:00"'),
                       ("timeCycle", '"R3/PT1H"'), ("timeDate", "objection_deadline")):
        assert "late" not in by_element(with_timer(kind, good)["problems"]), (kind, good)


def test_shipped_processes_pass_the_modeler_validation(db_session, app):
    """No false alarms: every process in processes/ validates without errors (boundary events, event
    subprocesses, call activities and multi-instance tasks are all reachable)."""
    from pathlib import Path

    from app.engine.deploy import deploy_directory
    from app.engine.lint import lint_bpmn

    directory = Path(app.config["PROCESSES_DIR"])
    files = sorted(directory.glob("*.bpmn"))
    if not files:
        pytest.skip("processes/ 中没有流程文件")
    deploy_directory(directory)
    for path in files:
        errors = [str(p) for p in lint_bpmn(path.read_bytes(), path.name) if p.severity == "error"]
        assert errors == [], path.name


NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"'


@pytest.mark.parametrize("xml, element, message", [
    ("<a/>", "", "不是 BPMN 2.0 流程定义"),
    (f'<bpmn:definitions {NS}><bpmn:process id="p" isExecutable="true"><bpmn:endEvent id="e"/></bpmn:process>'
     "</bpmn:definitions>", "p", "流程没有开始事件"),
    (f'<bpmn:definitions {NS}><bpmn:process id="1p"/></bpmn:definitions>', "1p", "流程标识（id）“1p”无效"),
])
def test_parser_findings_are_told_in_chinese(admin_client, xml, element, message):
    result = validate(admin_client, xml)
    assert result["ok"] is False
    assert any(p["element"] == element and message in p["message"] for p in result["problems"]), result


def test_duplicate_ids_and_dangling_flows(admin_client, bpmn):
    result = validate(admin_client, bpmn().replace('id="end_no"', 'id="end_ok"'))
    assert any(p["element"] == "end_ok" and "重复" in p["message"] for p in result["problems"])
    result = validate(admin_client, bpmn().replace('sourceRef="gw" targetRef="end_ok"', 'sourceRef="gw" targetRef="nowhere"'))
    assert result["ok"] is False and any("nowhere" in p["message"] for p in result["problems"])
