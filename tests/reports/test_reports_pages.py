"""Report pages: generate, review (regenerate, remarks), submit (audited), export, print; rights and CSRF."""
import re
from io import BytesIO

from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.reports.models import Report

NOW = "2026-11-19 04:00"


def login(client, username):
    assert client.post("/login", data={"username": username, "password": "pw-123456"}).status_code == 302


def _figure(html, key, column=-1):
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.findall(r'<td class="num">(.*?)</td>', row, re.S)[column]).strip()


def _figure_link(html, key, column=-1):
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num"><a href="([^"]+)"', row)[column].replace("&amp;", "&")


@freeze_time(NOW)
def test_generate_review_submit_weekly_report(client, db_session, case_at, make_user, campaign_2026):
    head = make_user("350121", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    first = case_at("2026-11-13 03:00", "penalty_case", "350121", facts={"reason": "线索"})
    resp = client.post("/reports/", data={"kind": "weekly", "campaign_id": campaign_2026.id, "report_day": "2026-11-19"})
    assert resp.status_code == 303
    report = db_session.scalar(select(Report))
    assert (report.kind, report.status, str(report.period_start), str(report.period_end)) == \
        ("weekly", "draft", "2026-11-12", "2026-11-18")
    html = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "闽侯县市场监督管理局" in html and "重点工业产品质量安全排查治理周报" in html
    assert _figure(html, "cases_opened", 0) == "1"
    # A case opened after generation shows only once the reviewer regenerates.
    second = case_at("2026-11-14 03:00", "penalty_case", "350121", facts={"reason": "又一条"})
    earlier = case_at("2026-11-11 03:00", "penalty_case", "350121", facts={"reason": "上周"})
    assert _figure(client.get(f"/reports/{report.id}").get_data(as_text=True), "cases_opened", 0) == "1"
    assert client.post(f"/reports/{report.id}/regenerate").status_code == 303
    html = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert (_figure(html, "cases_opened", 0), _figure(html, "cases_opened", 1)) == ("2", "3")
    # The figure opens the case list of exactly those cases.
    week_list = client.get(_figure_link(html, "cases_opened", 0) + "&per_page=100").get_data(as_text=True)
    assert first.number in week_list and second.number in week_list and earlier.number not in week_list
    assert earlier.number in client.get(_figure_link(html, "cases_opened", 1)).get_data(as_text=True)
    assert client.post(f"/reports/{report.id}/remarks", data={"remarks": "本周新增两条线索"}).status_code == 303
    assert client.post(f"/reports/{report.id}/submit").status_code == 303
    db_session.refresh(report)
    assert (report.status, report.submitted_by_id, report.remarks) == ("submitted", head.id, "本周新增两条线索")
    events = [e.event_type for e in db_session.scalars(select(CaseEvent).where(CaseEvent.actor_id == head.id))]
    assert {"report_generated", "report_regenerated", "report_remarks_saved", "report_submitted"} <= set(events)
    # Submitted reports are read-only.
    assert client.post(f"/reports/{report.id}/regenerate").status_code == 409
    assert client.post(f"/reports/{report.id}/remarks", data={"remarks": "改"}).status_code == 409
    xlsx = client.get(f"/reports/{report.id}/export.xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(BytesIO(xlsx.data))["主要指标"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["新立案件数"] == (2, 3)
    assert load_workbook(BytesIO(xlsx.data))["说明"]["A2"].value == "本周新增两条线索"


@freeze_time(NOW)
def test_bad_input_keeps_text_and_answers_400(client, db_session, make_user, campaign_2026):
    head = make_user("350121", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    resp = client.post("/reports/", data={"kind": "weekly", "campaign_id": campaign_2026.id,
                                          "report_day": "2026-11-18"}, follow_redirects=True)
    assert resp.status_code == 400 and "报送日不是该专项行动的周报报送日" in resp.get_data(as_text=True)
    assert db_session.scalar(select(Report)) is None
    client.post("/reports/", data={"kind": "annual", "campaign_id": campaign_2026.id})
    report = db_session.scalar(select(Report))
    long_text = "说明" * 2001
    resp = client.post(f"/reports/{report.id}/remarks", data={"remarks": long_text})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "说明不能超过 4000 字" in html and long_text in html


@freeze_time(NOW)
def test_rights_scope_and_csrf(client, db_session, csrf_enabled, make_user):
    from datetime import date

    from app.reports.services import ensure_report
    from app.reports.statutory import weekly_period
    from app.seed.reference import unit_by_code

    report, _ = ensure_report("weekly", unit_by_code("350121"), weekly_period(date(2026, 11, 19)))
    xiamen = make_user("350200", ["quality_supervision"], ["supervisor"])
    fuzhou_head = make_user("350100", ["quality_supervision"], ["supervisor"])
    minhou_clerk = make_user("350121", ["quality_supervision"], ["staff"])
    enforcement = make_user("350121", ["enforcement"], ["staff"])

    def login_csrf(user):
        client.post("/logout", data={"csrf_token": _token(client, "/reports/")})
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": user.username, "password": "pw-123456", "csrf_token": token})

    login_csrf(xiamen)
    assert client.get(f"/reports/{report.id}").status_code == 403
    assert f'/reports/{report.id}"' not in client.get("/reports/").get_data(as_text=True)
    login_csrf(fuzhou_head)  # the upper bureau reads the county's report but does not review it
    assert client.get(f"/reports/{report.id}").status_code == 200
    token = _token(client, f"/reports/{report.id}")
    assert client.post(f"/reports/{report.id}/submit", data={"csrf_token": token}).status_code == 403
    login_csrf(enforcement)
    assert client.get("/reports/").status_code == 403
    login_csrf(minhou_clerk)  # reviews, but only the head submits
    token = _token(client, f"/reports/{report.id}")
    assert client.post(f"/reports/{report.id}/regenerate", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/reports/{report.id}/submit", data={"csrf_token": token}).status_code == 403
    head = make_user("350121", ["quality_supervision"], ["supervisor"])
    login_csrf(head)
    assert client.post(f"/reports/{report.id}/submit").status_code == 400  # no CSRF token
    db_session.refresh(report)
    assert report.status == "draft"
    token = _token(client, f"/reports/{report.id}")
    assert client.post(f"/reports/{report.id}/submit", data={"csrf_token": token}).status_code == 303
    db_session.refresh(report)
    assert report.status == "submitted"


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


@freeze_time(NOW)
def test_long_lists_show_the_first_rows_with_the_total_and_all_on_request(client, db_session, case_at, make_user,
                                                                          monkeypatch, campaign_2026):
    from app.reports import views

    monkeypatch.setattr(views, "LIST_ROWS_ON_PAGE", 2)
    head = make_user("350121", ["quality_supervision"], ["supervisor"])
    login(client, head.username)
    numbers = [case_at(f"2026-0{m}-02 02:00", "recall", "350121").number for m in (3, 4, 5)]
    assert client.post("/reports/", data={"kind": "annual", "campaign_id": campaign_2026.id}).status_code == 303
    report = db_session.scalar(select(Report))
    short = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert sum(n in short for n in numbers) == 2 and "仅显示前 2 条，共 3 条。" in short
    full = client.get(f"/reports/{report.id}?all=1").get_data(as_text=True)
    assert all(n in full for n in numbers) and "仅显示前" not in full
