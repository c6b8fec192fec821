"""Inbox lists: tabs and counts, jurisdiction, claim/release, filters, sorting, pagination, bad input."""
import re
from datetime import timedelta

from app.db import utcnow
from app.engine.models import HumanTask


def _ids(html):
    return [int(i) for i in re.findall(r'data-task-id="(\d+)"', html)]


def _count(html, tab):
    m = re.search(rf'data-tab="{tab}">[^<]*<span class="tab-count">(\d+)</span>', html)
    return int(m.group(1))


def test_department_tab_lists_candidate_tasks_with_counts(open_task, make_user, login_as):
    case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    html = login_as(clerk).get("/inbox/department").get_data(as_text=True)
    assert _ids(html) == [task.id]
    assert _count(html, "department") == 1 and _count(html, "mine") == 0 and _count(html, "done") == 0
    assert case.number in html and "初审" in html and "剩余 5 个工作日" in html


def test_other_city_and_other_department_see_nothing(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    xiamen = make_user("350203", ["quality_supervision"])
    login_as(xiamen)
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == []
    page = client.get(f"/inbox/tasks/{task.id}")
    assert page.status_code == 403 and "辖区" in page.get_data(as_text=True)
    claim = client.post(f"/inbox/tasks/{task.id}/claim")
    assert claim.status_code == 403
    assert task.assignee_id is None
    enforcement = make_user("350121", ["enforcement"])
    login_as(enforcement)
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == []


def test_claim_moves_task_to_mine_and_badge_counts_it(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    response = client.post(f"/inbox/tasks/{task.id}/claim")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox/")
    db_session.refresh(task)
    assert task.assignee_id == clerk.id
    html = client.get("/inbox/").get_data(as_text=True)
    assert _ids(html) == [task.id] and "已签收" in html
    assert re.search(r'待办任务<span class="badge">1</span>', html)
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == []
    # A colleague can no longer claim it: told so on the task page (not a bare 409 page).
    login_as(make_user("350121", ["quality_supervision"]))
    response = client.post(f"/inbox/tasks/{task.id}/claim")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/inbox/tasks/{task.id}")
    assert "该任务已被他人签收" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_release_gives_task_back(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    client.post(f"/inbox/tasks/{task.id}/claim")
    response = client.post(f"/inbox/tasks/{task.id}/release")
    assert response.status_code == 302
    db_session.refresh(task)
    assert task.assignee_id is None
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == [task.id]


def test_supervisor_sees_units_below_but_staff_does_not(open_task, make_user, login_as, client):
    _case, task = open_task("350121")  # county task
    login_as(make_user("350100", ["quality_supervision"], roles=("staff", "supervisor")))
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == [task.id]
    login_as(make_user("350100", ["quality_supervision"]))
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == []
    # Xiamen's head sees nothing of Fuzhou's counties.
    login_as(make_user("350200", ["quality_supervision"], roles=("staff", "supervisor")))
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == []


def test_overdue_and_due_soon_filters(open_task, make_user, login_as, client, db_session):
    _c1, late = open_task("350121")
    _c2, soon = open_task("350121")
    _c3, later = open_task("350121")
    now = utcnow()
    late.due_at, soon.due_at, later.due_at = now - timedelta(days=1), now + timedelta(hours=2), now + timedelta(days=30)
    db_session.flush()
    login_as(make_user("350121", ["quality_supervision"]))
    assert _ids(client.get("/inbox/department?filter=overdue").get_data(as_text=True)) == [late.id]
    assert _ids(client.get("/inbox/department?filter=due_soon").get_data(as_text=True)) == [soon.id]
    # Sorted by deadline by default: the overdue one first; newest first on request.
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == [late.id, soon.id, later.id]
    assert _ids(client.get("/inbox/department?sort=created_desc").get_data(as_text=True)) == [
        later.id, soon.id, late.id]
    assert "已超期" in client.get("/inbox/department?filter=overdue").get_data(as_text=True)


def test_kind_category_enterprise_and_region_filters(open_task, make_user, make_enterprise, login_as, client):
    ent = make_enterprise("闽侯宏达电线电缆有限公司")
    _c1, wire = open_task("350121", enterprise=ent, product_category="wire_cable", is_key_product=True)
    _c2, other = open_task("350102", product_category="cement")
    login_as(make_user("350100", ["quality_supervision"], roles=("staff", "supervisor")))
    get = lambda q: _ids(client.get("/inbox/department" + q).get_data(as_text=True))  # noqa: E731
    assert sorted(get("")) == sorted([wire.id, other.id])
    assert get("?category=wire_cable") == [wire.id]
    assert get("?enterprise=宏达电线") == [wire.id]
    assert get(f"?enterprise={ent.uscc.lower()}") == [wire.id]
    assert get("?region=350102") == [other.id]
    assert sorted(get("?region=350100")) == sorted([wire.id, other.id])
    assert get("?kind=penalty_case&region=350121") == [wire.id]
    assert get("?kind=recall") == []
    assert get("?enterprise=100%25") == []  # a literal percent sign is not a wildcard
    html = client.get("/inbox/department").get_data(as_text=True)
    assert "电线电缆" in html and "重点" in html


def test_bad_filter_input_is_a_400_with_chinese_message(open_task, make_user, login_as, client):
    _case, task = open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    response = client.get("/inbox/department?page=abc&filter=someday&region=xx")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "页码须为正整数" in html and "期限：请选择有效的选项" in html and "请选择有效的地区" in html
    assert _ids(html) == [task.id]  # the list still shows, without the bad filters


def test_pagination(open_task, make_user, login_as, client):
    tasks = [open_task("350121")[1] for _ in range(23)]
    login_as(make_user("350121", ["quality_supervision"]))
    first = client.get("/inbox/department?sort=created").get_data(as_text=True)
    assert _ids(first) == [t.id for t in tasks[:20]] and "第 1 / 2 页" in first and "共 23 条" in first
    assert 'rel="next"' in first and "page=2" in first
    second = client.get("/inbox/department?sort=created&page=2").get_data(as_text=True)
    assert _ids(second) == [t.id for t in tasks[20:]]
    # A page past the end shows the last page rather than an empty list.
    assert _ids(client.get("/inbox/department?sort=created&page=9").get_data(as_text=True)) == _ids(second)


def test_done_tab_lists_my_completed_tasks(open_task, make_user, login_as, client, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    client.post(f"/inbox/tasks/{task.id}/complete",
                data={"opinion": "不予立案", "inspection_date": "2026-03-02", "approved": "false"})
    html = client.get("/inbox/done").get_data(as_text=True)
    assert _ids(html) == [task.id] and _count(html, "done") == 1
    page = client.get(f"/inbox/tasks/{task.id}").get_data(as_text=True)
    assert f"{clerk.display_name} 于" in page and ">不予立案</textarea>" in page and 'value="2026-03-02"' in page
    assert "<fieldset disabled>" in page and "提交办结" not in page
    assert db_session.get(HumanTask, task.id).status == "completed"
    login_as(make_user("350121", ["quality_supervision"]))
    assert _ids(client.get("/inbox/done").get_data(as_text=True)) == []


def test_inbox_requires_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_claim_without_csrf_token_is_refused(open_task, make_user, login_as, client, csrf_enabled, db_session):
    _case, task = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    csrf_enabled.config["WTF_CSRF_ENABLED"] = False
    login_as(clerk)
    csrf_enabled.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/inbox/tasks/{task.id}/claim")
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    db_session.refresh(task)
    assert task.assignee_id is None
    page = client.get("/inbox/department").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/inbox/tasks/{task.id}/claim", data={"csrf_token": token}).status_code == 302
    db_session.refresh(task)
    assert task.assignee_id == clerk.id


def test_inbox_in_english(open_task, make_user, login_as, client):
    open_task("350121")
    login_as(make_user("350121", ["quality_supervision"]))
    client.post("/locale", data={"locale": "en"})
    html = client.get("/inbox/department").get_data(as_text=True)
    assert "Department tasks" in html and "Claim" in html and "working days left" in html


def test_head_can_include_claimed_tasks_to_reassign_them(open_task, make_user, login_as, client):
    _c1, claimed = open_task("350121")
    _c2, free = open_task("350121")
    clerk = make_user("350121", ["quality_supervision"])
    login_as(clerk)
    client.post(f"/inbox/tasks/{claimed.id}/claim")
    login_as(make_user("350100", ["quality_supervision"], roles=("staff", "supervisor")))
    assert _ids(client.get("/inbox/department").get_data(as_text=True)) == [free.id]
    html = client.get("/inbox/department?claimed=1").get_data(as_text=True)
    assert sorted(_ids(html)) == sorted([claimed.id, free.id]) and f"已签收：{clerk.display_name}" in html
    # Staff cannot widen their department list this way.
    login_as(make_user("350121", ["quality_supervision"]))
    assert _ids(client.get("/inbox/department?claimed=1").get_data(as_text=True)) == [free.id]
    assert client.get("/inbox/department?claimed=yes").status_code == 400
