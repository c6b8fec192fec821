"""Reports up the chain: due time, no early submission, children's status, reminder, return, the sum of the
children's submitted figures beside the recomputed ones, and the package for the integrated platform."""
import zipfile
from datetime import date
from io import BytesIO

from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import select

from app.auth.models import OrgUnit
from app.notifications.models import Notification
from app.reports.jobs import generate_weekly_reports
from app.reports.models import Report
from app.reports.upward import children_breakdown, children_status
from app.seed.reference import unit_by_code
from tests.reports.report_helpers import at

WEEK_END = date(2026, 11, 18)  # the week before Thursday 11-19


def _report(db, code, kind="weekly", end=WEEK_END):
    return db.scalar(select(Report).join(OrgUnit).where(OrgUnit.code == code, Report.kind == kind,
                                                        Report.period_end == end))


def _whole_chain(make_user, campaign):
    from app.campaigns.services import acknowledge
    from app.db import db

    for city in db.scalars(select(OrgUnit).where(OrgUnit.level == "city")):
        if city.code != "350100":
            acknowledge(make_user(city.code), campaign.id)


def test_submit_only_after_the_period_and_the_city_sees_who_is_missing(client, db_session, login_as, make_user,
                                                                        case_at, campaign_2026):
    case_at("2026-11-16 03:00", "penalty_case", "350121",
            facts={"decision_no": "闽侯罚〔2026〕1号", "decision_date": "2026-11-17", "fine_amount": "36000.00",
                   "confiscation_amount": "3000.00"})
    assert generate_weekly_reports(at("2026-11-18 16:30")) > 0  # Thursday 00:30 Beijing
    minhou = _report(db_session, "350121")
    assert minhou.due_at == at("2026-11-19 04:00") and minhou.campaign_id == campaign_2026.id
    assert minhou.figures["period"]["penalty_decisions"] == 1 and minhou.figures["period"]["fines"] == "36000.00"
    head = make_user("350121", roles=("staff", "supervisor"))
    login_as(head)
    with freeze_time("2026-11-18 03:00"):  # Wednesday: the week is not over
        assert client.post(f"/reports/{minhou.id}/submit").status_code == 409
        assert "统计期结束后才能报送" in client.get(f"/reports/{minhou.id}").get_data(as_text=True)
    with freeze_time("2026-11-19 02:00"):
        assert client.post(f"/reports/{minhou.id}/submit").status_code == 303
        status = children_status(campaign_2026, unit_by_code("350100"), at("2026-11-19 02:00"))
        by_code = {r["unit"].code: r["status"] for r in status["rows"]}
        assert by_code["350121"] == "submitted" and by_code["350102"] == "missing"
    later = children_status(campaign_2026, unit_by_code("350100"), at("2026-11-19 04:01"))  # past 12:00 Beijing
    assert {r["unit"].code: r["status"] for r in later["rows"]}["350102"] == "overdue"
    # The city's head sees the list, reminds Gulou, and returns Minhou's report with a reason.
    city_head = make_user("350100", roles=("staff", "supervisor"))
    gulou_clerk = make_user("350102")
    with freeze_time("2026-11-19 05:00"):
        login_as(city_head)
        html = client.get(f"/campaigns/{campaign_2026.id}").get_data(as_text=True)
        assert 'id="report-status"' in html and "逾期" in html and "已报送" in html
        listing = client.get("/reports/?kind=weekly").get_data(as_text=True)
        assert "2026-11-19 12:00" in listing and "逾期" in listing  # due times in Beijing; Gulou is late
        assert client.post(f"/reports/remind/{campaign_2026.id}/350102").status_code == 303
        assert client.post(f"/reports/remind/{campaign_2026.id}/350121").status_code == 409  # already in
        assert db_session.scalar(select(Notification).where(Notification.user_id == gulou_clerk.id,
                                                            Notification.title == "周报催报")) is not None
        assert client.post(f"/reports/{minhou.id}/return", data={"reason": ""}).status_code == 400
        assert client.post(f"/reports/{minhou.id}/return", data={"reason": "罚没金额与决定书不符"}).status_code == 303
    db_session.refresh(minhou)
    assert (minhou.status, minhou.returned_reason, minhou.returned_by_id) == ("draft", "罚没金额与决定书不符", city_head.id)
    assert "已被上级退回" in client.get(f"/reports/{minhou.id}").get_data(as_text=True)
    # Only the bureau directly above returns or reminds.
    login_as(make_user("350000", roles=("staff", "supervisor")))
    assert client.post(f"/reports/{minhou.id}/return", data={"reason": "x"}).status_code in (403, 409)
    assert client.post(f"/reports/remind/{campaign_2026.id}/350121").status_code == 403


def test_province_report_sums_what_the_cities_submitted_beside_its_recomputed_figures(
        client, db_session, login_as, make_user, case_at, campaign_2026):
    _whole_chain(make_user, campaign_2026)
    case_at("2026-11-16 03:00", "listed_supervision", "350121")
    case_at("2026-11-16 04:00", "listed_supervision", "350203")
    case_at("2026-11-16 05:00", "listed_supervision", "350203")
    generate_weekly_reports(at("2026-11-18 16:30"))
    with freeze_time("2026-11-19 02:00"):
        for code in ("350100", "350200"):
            login_as(make_user(code, roles=("staff", "supervisor")))
            assert client.post(f"/reports/{_report(db_session, code).id}/submit").status_code == 303
    # A case opened in Xiamen after Xiamen submitted: the province's recount differs from the sum.
    case_at("2026-11-17 05:00", "listed_supervision", "350203")
    province = _report(db_session, "350000")
    login_as(make_user("350000", roles=("staff", "supervisor")))
    assert client.post(f"/reports/{province.id}/regenerate").status_code == 303
    breakdown = children_breakdown(province)
    rows = {r["code"]: r for r in breakdown["rows"]}
    assert rows["350100"]["submitted"] and rows["350200"]["submitted"] and not rows["350300"]["submitted"]
    assert (rows["350100"]["figures"]["listings"], rows["350200"]["figures"]["listings"]) == (1, 2)
    assert breakdown["sum"]["listings"] == 3 and province.figures["period"]["listings"] == 4
    assert "listings" in breakdown["differs"] and "fines" not in breakdown["differs"]
    html = client.get(f"/reports/{province.id}").get_data(as_text=True)
    assert 'id="children"' in html and "福州市市场监督管理局" in html and "厦门市市场监督管理局" in html
    assert 'data-key="listings" class="rp-differs"' in html
    # The package for the integrated platform: the report workbook and a cover sheet.
    resp = client.get(f"/reports/{province.id}/package.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    names = zipfile.ZipFile(BytesIO(resp.data)).namelist()
    assert sorted(n.split("-")[-1] for n in names) == ["报表.xlsx", "报送封面.xlsx"]
    cover = load_workbook(BytesIO(zipfile.ZipFile(BytesIO(resp.data)).read(
        next(n for n in names if n.endswith("封面.xlsx")))))["报送封面"]
    values = {r[0]: r[1] for r in cover.iter_rows(values_only=True)}
    assert values["报送单位"] == "福建省市场监督管理局" and "福州市市场监督管理局" in values["下级已报送"]
    # Submitting freezes what the cities had submitted: a later return of Xiamen's report does not change it.
    with freeze_time("2026-11-19 06:00"):
        assert client.post(f"/reports/{province.id}/submit").status_code == 303
        login_as(make_user("350000", roles=("staff", "supervisor")))
        xiamen = _report(db_session, "350200")
        xiamen.status = "draft"  # as if returned (by Xiamen's upper bureau, the province)
        db_session.flush()
        html = client.get(f"/reports/{province.id}").get_data(as_text=True)
        frozen = province.figures["children"]
        assert {r["code"]: r["submitted"] for r in frozen["rows"]}["350200"] is True
        assert children_breakdown(province)["sum"]["listings"] == 1  # the live view has lost Xiamen
        assert 'data-key="listings" class="rp-differs"' in html
