"""The version diff names element types in words (用户任务), not BPMN tag names (userTask)."""


def test_diff_page_names_element_types(admin_client, deploy_xml, bpmn):
    deploy_xml(bpmn(), form_exists=lambda key: True)
    renamed = bpmn().replace('name="审核"', 'name="初审"').replace('name="退回"', 'name="退回补正"')
    deploy_xml(renamed, form_exists=lambda key: True)
    html = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "初审" in html and "用户任务" in html and "结束事件" in html
    assert ">userTask<" not in html and ">endEvent<" not in html


def test_diff_page_shows_old_and_new_values(admin_client, deploy_xml, bpmn):
    deploy_xml(bpmn(), form_exists=lambda key: True)
    moved = bpmn().replace('name="审核"', 'name="初审"').replace(
        '<spiffworkflow:property name="department" value="quality_supervision"/>',
        '<spiffworkflow:property name="department" value="enforcement"/>')
    deploy_xml(moved, form_exists=lambda key: True)
    html = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "承办科室" in html and "quality_supervision</del>" in html and "enforcement</ins>" in html
    assert "审核</del>" in html and "初审</ins>" in html


def test_diff_page_values_in_english(admin_client, deploy_xml, bpmn):
    # The language is switched before the first page (the test's app context keeps the first locale).
    admin_client.post("/locale", data={"locale": "en"})
    deploy_xml(bpmn(), form_exists=lambda key: True)
    deploy_xml(bpmn().replace('<spiffworkflow:property name="department" value="quality_supervision"/>',
                              '<spiffworkflow:property name="department" value="enforcement"/>'),
               form_exists=lambda key: True)
    english = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "Changed attributes (old → new)" in english and "Department" in english
    assert "quality_supervision</del>" in english
