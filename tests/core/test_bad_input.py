"""Odd query strings and form values answer 2xx/3xx/4xx with a page, never a 500."""
import pytest

PAGES = ["/cases/", "/cases/export", "/inbox/", "/inbox/department", "/inbox/done", "/notifications/",
         "/reports/", "/reports/dashboard", "/supervision/overdue", "/supervision/listed", "/admin/instances",
         "/admin/instances/incidents", "/admin/", "/admin/modeler", "/admin/processes/penalty_case/diff", "/"]
ODD_ARGS = [
    {"page": "abc"}, {"page": "-3"}, {"page": "99999999999999999999"}, {"page": "0"},
    {"sort": "nope", "dir": "sideways"}, {"kind": "nope"}, {"status": "nope"}, {"category": "<b>"},
    {"opened_from": "2026-13-45", "opened_to": "yesterday"}, {"date_from": "x", "date_to": "2026-02-30"},
    {"due": "nope", "region": "999999"}, {"org": "nope"}, {"format": "exe"}, {"group": "nope", "state": "x"},
    {"key": "../etc", "version": "x"}, {"from": "x", "to": "-1"}, {"per_page": "100000"},
    {"unread": "maybe"}, {"new": "x"}, {"claimed": "perhaps"}, {"has_error": "x", "case": "%_"},
    {"page": "1\x00"}, {"q": "\x00"},
    {"opened_from": "0001-01-01", "opened_to": "9999-12-31"}, {"from": "0001-01-01", "to": "9999-12-31"},
    {"opened_from": "2026-12-01", "opened_to": "2026-01-01"}, {"from": "2026-12-01", "to": "2026-01-01"},
]


@pytest.fixture()
def head(make_user, login_as):
    return login_as(make_user("350100", roles=("staff", "supervisor", "process_admin")))


@pytest.mark.parametrize("url", PAGES)
def test_odd_query_strings_never_500(db_session, head, url):
    failures = []
    for args in ODD_ARGS:
        status = head.get(url, query_string=args).status_code
        if status >= 500:
            failures.append((args, status))
    assert failures == []


POSTS = [
    ("/reports/", {"kind": "nope", "thursday": "x", "year": "abc"}),
    ("/reports/", {"kind": "weekly", "thursday": "2026-11-20"}),
    ("/reports/", {"kind": "annual", "year": "99999999"}),
    ("/reports/", {"kind": "weekly", "thursday": "0001-01-04"}),
    ("/reports/", {"kind": "weekly", "thursday": "9999-12-30"}),
    ("/reports/", {"kind": "annual", "year": "1"}),
    ("/cases/start/campaign", {"campaign_name": "专项", "self_inspection_due": "0001-01-01",
                               "inspection_due": "9999-12-31", "product_category": "cement", "product_name": "水泥",
                               "enterprise_lines": "91350100M000100Y43,某企业"}),
    ("/supervision/cases/99999999/list", {"reason": "x", "due_date": "9999-12-31"}),
    ("/admin/instances/migrate", {"instance_ids": ["x", "-1"], "target": "abc", "reason": ""}),
    ("/admin/instances/migrate", {"instance_ids": ["99999999999999999999"], "target": "99999999999999999999",
                                  "reason": "迁移原因"}),
    ("/inbox/tasks/99999999/assign", {"assignee_id": "x"}),
    ("/cases/start/failed_sample", {"test_date": "x", "goods_value": "NaN", "failed_items-1-item": "a"}),
    ("/cases/start/campaign", {"enterprise_ids": ["x", "99999999999999999999"], "self_inspection_due": "2026-02-30"}),
    ("/cases/start/sampling", {"sample_count": "1e400", "sampling_due": "x"}),
    ("/cases/start/risk_signal", {"signal_source": "nope", "title": "x" * 5000}),
    ("/supervision/tasks/99999999/remind", {"note": "x"}),
    ("/supervision/cases/99999999/list", {"reason": "x", "due_date": "2026-99-99"}),
    ("/notifications/99999999999999999999/open", {}),
    ("/admin/api/validate", {}),
    ("/locale", {"locale": "xx"}),
]


def test_odd_form_values_never_500(db_session, head):
    failures = []
    for url, data in POSTS:
        status = head.post(url, data=data).status_code
        if status >= 500:
            failures.append((url, data, status))
    assert failures == []


HUGE = "99999999999999999999"
HUGE_ID_URLS = [f"/cases/{HUGE}", f"/cases/{HUGE}/diagram.json", f"/cases/1/attachments/{HUGE}",
                f"/inbox/tasks/{HUGE}", f"/admin/instances/{HUGE}", f"/reports/{HUGE}",
                f"/admin/definitions/{HUGE}/download", f"/supervision/tasks/{HUGE}/reassign"]


def test_ids_beyond_the_integer_range_are_not_found(db_session, head):
    assert [(u, head.get(u).status_code) for u in HUGE_ID_URLS] == [(u, 404) for u in HUGE_ID_URLS]


def test_nul_character_is_refused_in_chinese(db_session, head):
    response = head.get("/cases/", query_string={"q": "电线\x00"})
    assert response.status_code == 400
    assert "无效字符" in response.get_data(as_text=True)
    response = head.post("/reports/", data={"kind": "weekly\x00"}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_input"


def test_odd_values_on_real_records_never_500(db_session, make_user, make_case, login_as):
    """The same sweep with ids that exist: every action answers a page, never a 500, and the task stays open."""
    from sqlalchemy import select

    from app.engine.deploy import deploy_files
    from app.engine.models import HumanTask, ProcessInstance
    from tests.cases.case_bpmn import lifecycle_xml

    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    owner = make_user("350100", roles=("staff", "supervisor", "process_admin"))
    client = login_as(owner)
    case = make_case("penalty_case", org_code="350100", user_id=owner.id)
    t = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id)).id
    i = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).id
    db_session.commit()  # as in production: a refused action's rollback keeps the records (outer test txn still undone)
    long_text = "长" * 20000
    posts = [
        (f"/inbox/tasks/{t}/assign", {"assignee_id": HUGE, "reason": long_text}),
        (f"/inbox/tasks/{t}/delegate", {"assignee_id": "-5"}),
        (f"/inbox/tasks/{t}/draft", {"anything": long_text}),
        (f"/inbox/tasks/{t}/complete", {"approved": "perhaps"}),
        (f"/admin/instances/{i}/suspend", {"reason": long_text}),
        (f"/admin/instances/{i}/retry", {"reason": "x", "data": "{{not json"}),
        (f"/admin/instances/{i}/retry", {"reason": "x", "data": "[1, 2]"}),
        (f"/admin/instances/{i}/reset", {"reason": "x", "spec_name": "../../etc"}),
        (f"/admin/instances/{i}/migrate", {"reason": "x", "target": HUGE}),
        (f"/admin/instances/{i}/migrate", {"reason": "x", "target": "-1"}),
        (f"/supervision/tasks/{t}/remind", {"note": long_text}),
        (f"/supervision/tasks/{t}/reassign", {"assignee_id": HUGE}),
        (f"/supervision/cases/{case.id}/list", {"reason": long_text, "due_date": "1900-01-01"}),
        (f"/cases/{case.id}/notes", {"body": long_text, "human_task_id": HUGE}),
        (f"/cases/{case.id}/attachments", {"human_task_id": "abc"}),
    ]
    failures = [(url, status) for url, data in posts if (status := client.post(url, data=data).status_code) >= 500]
    gets = [f"/admin/instances/{i}/migrate?target={HUGE}", f"/admin/instances/{i}/migrate?target=abc",
            f"/cases/{case.id}/attachments/{HUGE}"]
    failures += [(url, status) for url in gets if (status := client.get(url).status_code) >= 500]
    assert failures == []
    db_session.expire_all()
    assert db_session.get(HumanTask, t).status == "ready"
