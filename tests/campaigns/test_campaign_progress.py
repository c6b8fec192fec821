"""Campaign progress counted in SQL from the register and the cases' tally: every figure, and long lists cut."""
from io import BytesIO

from freezegun import freeze_time
from sqlalchemy import select

from app.campaigns.models import Campaign
from app.campaigns.progress import figure_cases, progress
from app.cases.models import Case
from app.seed.reference import unit_by_code
from tests.campaigns.conftest import register_xlsx, uscc
from tests.campaigns.test_campaign_flow import _issued_to_minhou

HAZARDS = [{"severity": "general", "status": "fixed"}, {"severity": "major", "status": "open"},
           {"severity": "major", "status": "fixed"}]


def _launched(client, login_as, chain, count):
    with freeze_time("2026-04-01 02:00"):
        cid = _issued_to_minhou(client, login_as, chain)
    with freeze_time("2026-04-03 02:00"):
        login_as(chain["minhou_clerk"])
        rows = [(uscc(n), f"企业{n:02d}", "燃气器具" if n % 2 else "children_shoes_clothing", "")
                for n in range(1, count + 1)]
        client.post(f"/campaigns/{cid}/register/import", data={"file": (BytesIO(register_xlsx(rows)), "r.xlsx")},
                    content_type="multipart/form-data")
        client.post(f"/campaigns/{cid}/launch")
    return cid


def _record(case, **facts):
    case.facts = {**case.facts, **facts}


def test_every_figure_counts_what_the_cases_recorded(client, db_session, login_as, chain, library):
    cid = _launched(client, login_as, chain, 5)
    cases = db_session.scalars(select(Case).where(Case.kind == "hazard_investigation").order_by(Case.id)).all()
    _record(cases[0], self_inspection_submitted=True, inspection_date="2026-05-02", hazards=HAZARDS)
    _record(cases[1], self_inspection_submitted=False, inspection_date="2026-05-03",
            hazards=[{"severity": "general", "status": "fixed"}])
    _record(cases[2], self_inspection_submitted="true", inspection_date="")
    cases[3].status = "closed"
    _record(cases[4], self_inspection_submitted=True)
    db_session.flush()

    campaign = db_session.get(Campaign, cid)
    data = progress(campaign, unit_by_code("350100"), campaign.start_date)
    assert data["total"].figures == {"registered": 5, "launched": 5, "self_inspected": 3, "inspected": 2,
                                     "hazards_found": 4, "hazards_fixed": 3, "hazards_open": 1, "closed": 1}
    [minhou] = [t for t in data["regions"] if t.code == "350121"]
    assert minhou.figures == data["total"].figures
    by_class = {t.code: t.figures["registered"] for t in data["classes"]}
    assert sum(by_class.values()) == 5 and len(by_class) == 2

    def listed(figure, klass=None):
        return {c.id for c in figure_cases(campaign, unit_by_code("350121"), figure, klass)[0]}

    assert listed("hazards_open") == {cases[0].id}
    assert listed("hazards_fixed") == {cases[0].id, cases[1].id}
    assert listed("inspected") == {cases[0].id, cases[1].id}
    assert listed("self_inspected") == {cases[0].id, cases[2].id, cases[4].id}
    assert listed("closed") == {cases[3].id}
    assert listed("launched") == {c.id for c in cases}
    assert listed("launched", cases[0].product_category) == {c.id for c in cases
                                                             if c.product_category == cases[0].product_category}
    # Xiamen's figures do not include Minhou's register.
    assert progress(campaign, unit_by_code("350200"), campaign.start_date)["total"].figures["registered"] == 0


def test_a_long_figure_list_shows_its_count_and_the_first_cases(client, db_session, login_as, chain, library,
                                                                 monkeypatch):
    cid = _launched(client, login_as, chain, 4)
    monkeypatch.setattr("app.campaigns.views.FIGURE_LIST_LIMIT", 3)
    with freeze_time("2026-04-05 02:00"):
        login_as(chain["fuzhou"])
        html = client.get(f"/campaigns/{cid}/cases?unit=350121&figure=launched").get_data(as_text=True)
        numbers = sorted(db_session.scalars(select(Case.number).where(Case.kind == "hazard_investigation")))
        assert "共 4 件" in html and "按案件编号显示前 3 件" in html
        assert all(n in html for n in numbers[:3]) and numbers[3] not in html
        registered = client.get(f"/campaigns/{cid}/cases?unit=350121&figure=registered").get_data(as_text=True)
        assert "名录企业共 4 家" in registered and "按企业名称显示前 3 家" in registered
        assert all(f"企业{n:02d}" in registered for n in (1, 2, 3)) and "企业04" not in registered
