"""The version diff names element types in words (用户任务), not BPMN tag names (userTask)."""


def test_diff_page_names_element_types(admin_client, deploy_xml, bpmn):
    deploy_xml(bpmn(), form_exists=lambda key: True)
    renamed = bpmn().replace('name="审核"', 'name="初审"').replace('name="退回"', 'name="退回补正"')
    deploy_xml(renamed, form_exists=lambda key: True)
    html = admin_client.get("/admin/processes/admin_flow/diff?from=1&to=2").get_data(as_text=True)
    assert "初审" in html and "用户任务" in html and "结束事件" in html
    assert ">userTask<" not in html and ">endEvent<" not in html
