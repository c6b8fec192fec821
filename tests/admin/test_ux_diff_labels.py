"""The version diff names element types in words (用户任务), not BPMN tag names (userTask)."""


def test_diff_page_names_element_types(admin_client, deploy_xml, bpmn):
    deploy_xml(bpmn(), form_exists=lambda key: True)
    changed = bpmn().replace('<bpmn:endEvent id="end_no" name="退回"/>',
                             '<bpmn:userTask id="fix" name="补正">'
                             '<bpmn:extensionElements><spiffworkflow:properties>'
                             '<spiffworkflow:property name="department" value="enforcement"/>'
                             '<spiffworkflow:property name="formKey" value="admin_review_form"/>'
                             '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
                             '<bpmn:sequenceFlow id="f_fix" sourceRef="fix" targetRef="end_ok"/>')
    changed = changed.replace('sourceRef="gw" targetRef="end_no"', 'sourceRef="gw" targetRef="fix"')
    deploy_xml(changed, form_exists=lambda key: True)
    html = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "补正" in html and "用户任务" in html and "结束事件" in html
    assert ">userTask<" not in html and ">endEvent<" not in html
