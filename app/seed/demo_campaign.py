"""The demo campaign: issued by the province to the cities and counties, registers, self-inspections,
some phases done and some overdue, weekly reports submitted and missing — all dated from today."""
import random
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.campaigns import register, services
from app.campaigns.schedule import campaign_units, last_report_day
from app.clock import local_today
from app.db import db
from app.formdefs.uscc import make_uscc
from app.reports.services import ensure_report, submit_report
from app.reports.statutory import weekly_period

THURSDAY = 3
# (county or city code, enterprise name, product class, products) of the registers.
REGISTERS = {
    "350121": [("闽侯县安泰燃气具制造有限公司", "gas_stove_hose_valve", "燃气灶、连接软管"),
               ("福建闽侯宏达电线电缆有限公司", "wire_cable", "聚氯乙烯绝缘电缆"),
               ("闽侯县正和钢筋制品有限公司", "steel_rebar", "热轧带肋钢筋"),
               ("闽侯县童乐童装厂", "children_shoes_clothing", "儿童服装"),
               ("闽侯县丰收农机肥料有限公司", "farm_machinery_fertilizer", "复合肥料"),
               ("闽侯县绿源塑料制品有限公司", "plastic_products", "塑料购物袋")],
    "350203": [("厦门鹭岛童装有限公司", "children_shoes_clothing", "童鞋"),
               ("厦门思明燃气器具有限公司", "gas_appliance", "家用燃气热水器"),
               ("厦门海韵电动车有限公司", "e_bike", "电动自行车")],
}


def _user(name):
    return db.scalar(select(User).where(User.username == name))


def seed_demo_campaign(rng=None) -> str:
    """Create and issue the campaign, fill two registers, launch self-inspection, file weekly reports."""
    from app.seed.demo import advance_case

    rng = rng or random.Random(12)
    today = local_today()
    start = today - timedelta(days=90)
    province_head, fuzhou_head, xiamen_head = _user("fj_qs_head"), _user("fz_qs_head"), _user("xm_qs_head")
    data = {"name": f"{start.year}年重点工业产品质量安全隐患排查治理专项行动", "start_date": start,
            # Self-inspection is past due (some bureaus are late); inspection and rectification still run.
            "phases": [{"key": "self_inspection", "name": "企业自查", "due": today - timedelta(days=30)},
                       {"key": "inspection", "name": "现场检查", "due": today + timedelta(days=30)},
                       {"key": "rectification", "name": "整改落实", "due": today + timedelta(days=120)}],
            "class_codes": ["hazardous_chemicals", "wire_cable", "gas_appliance", "gas_stove_hose_valve", "e_bike",
                            "e_bike_charger_battery", "steel_rebar", "cement", "fireworks"],
            "report_weekday": THURSDAY, "report_time": "12:00",
            "stage_date": today + timedelta(days=30), "annual_date": today + timedelta(days=150)}
    campaign = services.create_campaign(province_head, data)
    services.issue_campaign(province_head, campaign.id)
    services.acknowledge(fuzhou_head, campaign.id, ["children_shoes_clothing", "farm_machinery_fertilizer",
                                                    "plastic_products"], "已转发各县（市、区）局")
    services.acknowledge(xiamen_head, campaign.id, ["children_shoes_clothing"], "")
    services.acknowledge(_user("mh_qs_head"), campaign.id, [], "")
    for code, rows in REGISTERS.items():
        clerk = _user({"350121": "mh_qs", "350203": "sm_qs"}[code])
        if code == "350203":
            services.acknowledge(_user("sm_qs_head"), campaign.id, [], "")
        for n, (name, klass, products) in enumerate(rows, start=1):
            register.add_by_hand(clerk, campaign.id, make_uscc(f"91{code}MA3CP{n:04d}"), name, klass, products)
    # Minhou launched its self-inspection and moved some of it along; Siming has not launched yet.
    cases = register.launch_self_inspection(_user("mh_qs"), campaign.id)
    for i, case in enumerate(cases):
        for _ in range(min(i, 4)):
            if not advance_case(case.id, rng):
                break
    reports = _weekly_reports(campaign, today)
    return f"已创建专项行动「{campaign.name}」，发起自查 {len(cases)} 件，周报 {reports} 份"


def _weekly_reports(campaign, today) -> int:
    """The last three weeks' reports of every bureau: the demo bureaus submitted the older ones, the latest
    week is still missing in places (so the lists show 已报送, 未报送 and 逾期)."""
    heads = {u.org_unit_id: u for u in db.scalars(select(User).where(User.username.like("%_qs_head")))}
    latest = last_report_day(campaign, today)
    made = 0
    for weeks_back in (2, 1, 0):
        day = latest - timedelta(days=7 * weeks_back)
        period = weekly_period(day)
        if period.start < campaign.start_date:
            continue
        for unit in campaign_units(campaign):
            report, _created = ensure_report("weekly", unit, period, campaign=campaign)
            made += 1
            head = heads.get(unit.id)
            # Older weeks: every demo bureau submitted; the latest: Minhou and Fuzhou only.
            if head is not None and (weeks_back > 0 or unit.code in ("350121", "350100")) and period.end < today:
                submit_report(head, report.id)
    return made
