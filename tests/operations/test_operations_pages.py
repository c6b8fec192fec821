"""Instance operations pages: who may open them, the list filters, incidents and the detail page."""
from app.engine.models import ProcessInstance
from tests.operations.conftest import login


def test_only_process_admins(client, make_user, db_session):
    assert client.get("/admin/instances").status_code == 302  # to the login page
    login(client, make_user("350000", ["quality_supervision"], roles=("staff", "supervisor")))
    for url in ("/admin/instances", "/admin/instances/incidents", "/admin/instances/1"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/instances/1/cancel", data={"reason": "x"}).status_code == 403
    assert "实例运维" not in client.get("/").get_data(as_text=True)


def test_admin_sees_nav_entry_and_list(ops_client, review_case):
    case, inst = review_case()
    assert "实例运维" in ops_client.get("/").get_data(as_text=True)
    page = ops_client.get("/admin/instances")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"#{inst.id}" in html and case.number in html and "审核流程" in html and "运行中" in html


def test_filters_by_process_status_error_case_and_version(ops_client, review_case, failing_case, deploy_xml):
    first, first_inst = review_case()
    second, second_inst = review_case()
    bad_case, bad_inst = failing_case

    def ids(**params):
        html = ops_client.get("/admin/instances", query_string=params).get_data(as_text=True)
        return {i for i in (first_inst.id, second_inst.id, bad_inst.id) if f">#{i}<" in html}

    assert ids() == {first_inst.id, second_inst.id, bad_inst.id}
    assert ids(key="review_flow") == {first_inst.id, second_inst.id}
    assert ids(status="error") == {bad_inst.id}
    assert ids(has_error="1") == {bad_inst.id}
    assert ids(case=second.number) == {second_inst.id}
    assert ids(key="review_flow", version="2") == set()
    assert ids(key="review_flow", version="1") == {first_inst.id, second_inst.id}


def test_bad_filter_is_a_400_with_a_chinese_message(ops_client, db_session):
    page = ops_client.get("/admin/instances?version=abc")
    assert page.status_code == 400 and "版本号须为正整数" in page.get_data(as_text=True)
    page = ops_client.get("/admin/instances?status=exploded")
    assert page.status_code == 400 and "状态无效" in page.get_data(as_text=True)


def test_pagination(ops_client, review_case, db_session):
    made = [review_case()[1].id for _ in range(22)]
    first = ops_client.get("/admin/instances?key=review_flow").get_data(as_text=True)
    second = ops_client.get("/admin/instances?key=review_flow&page=2").get_data(as_text=True)
    assert "共 22 个流程实例" in first and "第 1 / 2 页" in first and "下一页" in first
    assert f">#{made[-1]}<" in first and f">#{made[0]}<" not in first  # newest first
    assert f">#{made[0]}<" in second and f">#{made[-1]}<" not in second
    assert "page=2" in first and "key=review_flow" in first  # the pager keeps the filters


def test_jurisdiction_hides_other_bureaus(client, make_user, review_case, db_session):
    _case, mine = review_case(org_code="350121")
    _other, theirs = review_case(org_code="350203")
    login(client, make_user("350100", ["it_office"], roles=("process_admin",)))  # Fuzhou city bureau
    html = client.get("/admin/instances").get_data(as_text=True)
    assert f">#{mine.id}<" in html and f">#{theirs.id}<" not in html
    assert client.get(f"/admin/instances/{theirs.id}").status_code == 404
    assert client.post(f"/admin/instances/{theirs.id}/cancel", data={"reason": "越权"}).status_code == 404
    assert db_session.get(ProcessInstance, theirs.id).status == "running"


def test_incidents_list_message_and_element(ops_client, failing_case, review_case):
    _case, healthy = review_case()
    _bad_case, bad = failing_case
    html = ops_client.get("/admin/instances/incidents").get_data(as_text=True)
    assert f"#{bad.id}" in html and f"#{healthy.id}<" not in html
    assert "是否通过" in html and "score" in html  # the element's name and the error message
    assert f"/admin/instances/{bad.id}" in html


def test_detail_shows_state_error_tasks_and_history(ops_client, failing_case, review_case):
    _case, bad = failing_case
    html = ops_client.get(f"/admin/instances/{bad.id}").get_data(as_text=True)
    assert "出错" in html and "是否通过" in html and bad.error_message[:20] in html
    assert "重试出错环节" in html and "流程出错" in html and "办理完成" in html
    _case, good = review_case()
    html = ops_client.get(f"/admin/instances/{good.id}").get_data(as_text=True)
    assert "初审" in html and "v1" in html and "重试出错环节" not in html
    assert ops_client.get("/admin/instances/999999").status_code == 404


def test_english_interface(ops_client, failing_case):
    _case, bad = failing_case
    ops_client.post("/locale", data={"locale": "en"})
    html = ops_client.get("/admin/instances").get_data(as_text=True)
    assert "Instance operations" in html and "Errors only" in html and ">Error<" in html
    assert "Retry failing step" in ops_client.get(f"/admin/instances/{bad.id}").get_data(as_text=True)
