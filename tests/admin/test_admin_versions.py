"""diff_definitions: what changed between two deployed versions, as plain data (also used for migration)."""
import pytest

from app.engine.versions import diff_definitions
from app.errors import InvalidInput, NotFound


def test_diff_reports_tasks_and_flows(deploy_xml, bpmn, forms_dir):
    [v1] = deploy_xml(bpmn(), form_exists=lambda key: True)
    changed = bpmn(condition="approved == True and score > 60").replace(
        '<spiffworkflow:property name="department" value="quality_supervision"/>',
        '<spiffworkflow:property name="department" value="enforcement"/>')
    changed = changed.replace('<bpmn:endEvent id="end_no" name="退回"/>',
                              '<bpmn:userTask id="fix" name="补正">'
                              '<bpmn:extensionElements><spiffworkflow:properties>'
                              '<spiffworkflow:property name="department" value="enforcement"/>'
                              '<spiffworkflow:property name="formKey" value="admin_review_form"/>'
                              '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
                              '<bpmn:sequenceFlow id="f_fix" sourceRef="fix" targetRef="end_ok"/>')
    changed = changed.replace('sourceRef="gw" targetRef="end_no"', 'sourceRef="gw" targetRef="fix"')
    [v2] = deploy_xml(changed, form_exists=lambda key: True)
    assert v2.version == 2

    diff = diff_definitions(v1.definition_id, v2.definition_id)
    assert diff["added"] == [{"id": "fix", "name": "补正", "type": "userTask"}]
    assert diff["removed"] == [{"id": "end_no", "name": "退回", "type": "endEvent"}]
    review = [c for c in diff["changed"] if c["id"] == "review"]
    assert review and "extensions" in review[0]["fields"] and review[0]["type"] == "userTask"
    assert [f["id"] for f in diff["flows_added"]] == ["f_fix"]
    flows = {f["id"]: f["fields"] for f in diff["flows_changed"]}
    assert flows == {"f_no": ["target"], "f_yes": ["condition"]}
    assert diff_definitions(v1.definition_id, v1.definition_id)["changed"] == []


def test_diff_refuses_unknown_or_unrelated_versions(deploy_xml, bpmn, forms_dir):
    [a] = deploy_xml(bpmn())
    [b] = deploy_xml(bpmn(key="other_flow"))
    with pytest.raises(InvalidInput):
        diff_definitions(a.definition_id, b.definition_id)
    with pytest.raises(NotFound):
        diff_definitions(a.definition_id, 987654)


def test_diff_gives_old_and_new_value_of_each_change(deploy_xml, bpmn, forms_dir):
    [v1] = deploy_xml(bpmn(), form_exists=lambda key: True)
    changed = bpmn(condition="approved == True and score > 60").replace(
        '<spiffworkflow:property name="department" value="quality_supervision"/>',
        '<spiffworkflow:property name="department" value="enforcement"/>').replace('name="审核"', 'name="初审"')
    [v2] = deploy_xml(changed, form_exists=lambda key: True)
    diff = diff_definitions(v1.definition_id, v2.definition_id)
    review = next(c for c in diff["changed"] if c["id"] == "review")
    changes = {(c["field"], c["key"]): (c["old"], c["new"]) for c in review["changes"]}
    assert changes[("extensions", "department")] == ("quality_supervision", "enforcement")
    assert changes[("bpmn_name", "")] == ("审核", "初审")
    assert ("extensions", "formKey") not in changes  # unchanged properties are not listed
    flow = next(f for f in diff["flows_changed"] if f["id"] == "f_yes")
    [condition] = flow["changes"]
    assert condition["field"] == "condition" and condition["new"] == "approved == True and score > 60"
    assert condition["old"] and condition["old"] != condition["new"]
