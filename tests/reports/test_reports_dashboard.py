"""Dashboard figures over cases run by the real engine equal the case lists they drill into."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from freezegun import freeze_time

from app.engine import service
from app.reports.indicators import dashboard
from app.reports.scope import Period
from app.seed.reference import unit_by_code
from tests.reports.report_helpers import at, ready_task

NOW = "2026-11-19 04:00"


def login(client, username):
    assert client.post("/login", data={"username": username, "password": "pw-123456"}).status_code == 302


@pytest.fixture()
def scene(db_session, disposal_process, case_at, make_user):
    """Three disposal cases in Minhou (on time, late, still open and overdue), one in Xiamen, sampling."""
    clerk = make_user("350121", ["quality_supervision"])
    s = {"clerk": clerk}
    s["on_time"] = case_at("2026-11-02 02:00", "failed_sample_disposal", start_process=True,
                           is_key_product=True, product_category="e_bike")
    s["late"] = case_at("2026-11-02 02:00", "failed_sample_disposal", start_process=True,
                        is_key_product=True, product_category="wire_cable")
    s["open"] = case_at("2026-11-02 02:00", "failed_sample_disposal", start_process=True,
                        product_category="e_bike")
    s["xiamen"] = case_at("2026-11-02 02:00", "failed_sample_disposal", "350203", start_process=True)
    # Due 2 working days after Mon 2 Nov: end of Wed 4 Nov, Beijing time.
    with freeze_time("2026-11-03 02:00"):
        service.complete_task(ready_task(db_session, s["on_time"].id).id, clerk, {})
    with freeze_time("2026-11-09 02:00"):
        service.complete_task(ready_task(db_session, s["late"].id).id, clerk, {})
    s["sampling"] = case_at("2026-11-05 02:00", "supervision_sampling", "350121", facts={"batches": [
        {"sample_no": "A", "is_key_product": True, "conclusion": "pass"},
        {"sample_no": "B", "is_key_product": False, "conclusion": "fail"},
        {"sample_no": "C", "is_key_product": False, "conclusion": "pass"},
        {"sample_no": "D", "is_key_product": False, "conclusion": "pass"}]})
    s["hazard"] = case_at("2026-11-06 02:00", "hazard_investigation", "350121", facts={"hazards": [
        {"description": "一", "severity": "major", "status": "fixed"},
        {"description": "二", "severity": "general", "status": "open"}]})
    db_session.flush()
    return s


def test_engine_closed_the_completed_cases(scene):
    assert [scene[k].status for k in ("on_time", "late", "open")] == ["closed", "closed", "open"]


@freeze_time(NOW)
def test_indicator_values(scene):
    from datetime import date

    data = dashboard(unit_by_code("350100"), Period(date(2026, 1, 1), date(2026, 11, 19)), at(NOW))
    t = data["total"]
    assert (t["disposal"]["closed"], t["disposal"]["open"], t["disposal"]["rate"]) == (2, 1, 0.6667)
    assert (t["on_time"]["completed"], t["on_time"]["on_time"], t["on_time"]["rate"]) == (2, 1, 0.5)
    assert (t["key_share"]["batches"], t["key_share"]["key_batches"], t["key_share"]["rate"]) == (4, 1, 0.25)
    assert t["key_share"]["failed_key_cases"] == 2
    assert (t["hazards"]["found"], t["hazards"]["fixed"], t["hazards"]["rate"]) == (2, 1, 0.5)
    assert t["overdue"]["cases"] == 1
    minhou = next(r for r in data["by_region"] if r["code"] == "350121")
    assert (minhou["disposal"]["closed"], minhou["disposal"]["open"]) == (2, 1)
    assert all(r["disposal"]["opened"] == 0 for r in data["by_region"] if r["code"] != "350121")
    e_bike = next(r for r in data["by_category"] if r["code"] == "e_bike")
    assert (e_bike["disposal"]["closed"], e_bike["disposal"]["open"], e_bike["on_time"]["on_time"]) == (1, 1, 1)
    week45 = next(w for w in data["trend"] if w["label"] == "2026-W45")
    assert (week45["failed_opened"], week45["failed_closed"]) == (3, 1)


def _drilled_numbers(client, url, numbers):
    """The case numbers (among ours) that the case list behind `url` shows."""
    if url == "#":  # the case list is not installed: apply the contract's filter ourselves
        pytest.fail("cases.search is not registered")
    query = parse_qs(urlsplit(url).query)
    page = client.get(url + "&per_page=100")
    assert page.status_code == 200, query
    html = page.get_data(as_text=True)
    return {n for n in numbers if re.search(re.escape(n) + r"(?!\d)", html)}


@freeze_time(NOW)
def test_every_drillable_figure_equals_its_case_list(client, scene, make_user):
    head = make_user("350100", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    page = client.get("/reports/dashboard?from=2026-01-01&to=2026-11-19")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Below target is flagged: disposal 2/3, on time 1/2, key share 25% < 30%; hazards have no target.
    for card in ("kpi-disposal", "kpi-on-time", "kpi-key-share"):
        assert f'class="card rp-kpi rp-bad" id="{card}"' in html
    assert 'class="card rp-kpi " id="kpi-hazards"' in html
    numbers = {c.number: key for key, c in scene.items() if key != "clerk"}
    links = re.findall(r'<a href="([^"]*)" class="drill">(\d+)</a>', html)
    assert len(links) >= 8
    checked = 0
    for url, figure in links:
        url = url.replace("&amp;", "&")
        shown = _drilled_numbers(client, url, numbers)
        assert len(shown) == int(figure), (url, shown)
        checked += 1
    # The headline cards, by name: disposal closed = the two engine-closed cases, overdue = the open one.
    closed_url = re.search(r'已办结 <a href="([^"]*)" class="drill">2</a>', html).group(1).replace("&amp;", "&")
    assert _drilled_numbers(client, closed_url, numbers) == {scene["on_time"].number, scene["late"].number}
    overdue_url = re.search(r'当前超期案件 <a href="([^"]*)" class="drill">1</a>', html).group(1).replace("&amp;", "&")
    assert _drilled_numbers(client, overdue_url, numbers) == {scene["open"].number}
    assert checked == len(links)


@freeze_time(NOW)
def test_scope_other_city_sees_none_of_fuzhou(client, scene, make_user):
    head = make_user("350200", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert "厦门市市场监督管理局" in html
    data = dashboard(unit_by_code("350200"), Period(at(NOW).date().replace(month=1, day=1), at(NOW).date()), at(NOW))
    assert (data["total"]["disposal"]["open"], data["total"]["disposal"]["closed"]) == (1, 0)
    assert data["total"]["on_time"]["completed"] == 0


def test_staff_without_supervisor_role_gets_403(client, make_user):
    clerk = make_user("350100", ["quality_supervision"], ["staff"])
    login(client, clerk.username)
    assert client.get("/reports/dashboard").status_code == 403


def test_bad_date_range_is_a_400_with_a_chinese_message(client, make_user):
    head = make_user("350100", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    page = client.get("/reports/dashboard?from=2026-13-01")
    assert page.status_code == 400 and "请输入有效的日期" in page.get_data(as_text=True)
    page = client.get("/reports/dashboard?from=2026-05-01&to=2026-04-01")
    assert page.status_code == 400 and "开始日期不能晚于结束日期" in page.get_data(as_text=True)


def test_dashboard_in_english(client, make_user):
    head = make_user("350100", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    client.post("/locale", data={"locale": "en"})
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert "Failed-sample disposal rate" in html and "Hazard close-out rate" in html
    assert "不合格产品处置率" not in html


@freeze_time(NOW)
def test_rolled_up_days_give_the_same_dashboard_and_today_still_counts(scene, db_session):
    from datetime import date

    from sqlalchemy import func, select

    from app.reports.models import TaskDayRolled
    from app.reports.ontime import _roll_day, roll_up

    def figures():
        data = dashboard(unit_by_code("350100"), Period(date(2026, 1, 1), date(2026, 11, 19)), at(NOW))
        return data["total"]["on_time"], [r["on_time"] for r in data["by_category"]], \
            [w["on_time"] for w in data["trend"]]

    live = figures()
    assert roll_up(at(NOW)) > 0
    assert db_session.scalar(select(func.max(TaskDayRolled.day))) == date(2026, 11, 18)  # today is not ended
    assert figures() == live
    assert roll_up(at(NOW)) == 0  # nothing has ended since
    assert _roll_day(date(2026, 11, 3)) is False  # another scheduler rolled it up first: no double count
    # A completion today is counted live beside the rolled-up days (the open case's task is long overdue).
    service.complete_task(ready_task(db_session, scene["open"].id).id, scene["clerk"], {})
    total, _cats, trend = figures()
    assert (total["completed"], total["on_time"]) == (3, 1)
    assert trend[-1]["completed"] == 1 and trend[-1]["on_time"] == 0


def test_rollup_rebuild_and_the_scheduler_tick(scene, db_session, app):
    from datetime import date

    from sqlalchemy import func, select

    from app.reports.models import TaskDayTally
    from app.reports.ontime import roll_up
    from app.scheduler.runner import TICK_JOBS

    assert roll_up in TICK_JOBS  # the scheduler rolls up every ended day on its own
    with freeze_time(NOW):
        roll_up(at(NOW))
        rows = db_session.scalar(select(func.sum(TaskDayTally.completed)))
        assert rows == 2
        assert roll_up(at(NOW), rebuild=True) > 0
        assert db_session.scalar(select(func.sum(TaskDayTally.completed))) == 2  # rebuilt, not doubled
        data = dashboard(unit_by_code("350121"), Period(date(2026, 11, 1), date(2026, 11, 30)), at(NOW))
        assert data["total"]["on_time"]["completed"] == 2
