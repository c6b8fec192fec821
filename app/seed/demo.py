"""The demo province: users for every department at province, city and county level, enterprises,
and a handful of cases driven to different stages through the real engine."""
import random
from datetime import timedelta

from sqlalchemy import select

from app.auth.accounts import create_user
from app.auth.models import User
from app.calendar.helpers import add_days, today
from app.cases.categories import is_key_class
from app.cases.services import get_or_create_enterprise, open_case
from app.clock import local_today
from app.db import db
from app.engine.deploy import latest_definition
from app.engine.models import HumanTask
from app.errors import AppError
from app.formdefs.uscc import make_uscc
from app.seed.autofill import sample_form_data
from app.seed.reference import DEPARTMENTS, TESTING_BODIES, unit_by_code

DEMO_PASSWORD = "demo123"
UNITS = {"fj": "350000", "fz": "350100", "mh": "350121", "xm": "350200", "sm": "350203"}
DEPT_SHORT = {"quality_supervision": "qs", "consumer_protection": "cp", "certification": "cert",
              "quality_development": "qd", "enforcement": "enf", "credit": "credit", "testing_body": "lab",
              "it_office": "it"}
ENTERPRISES = [  # (USCC body, name, product category code, product name)
    ("91350121MA2XYK001", "福建闽侯宏达电线电缆有限公司", "wire_cable", "聚氯乙烯绝缘电缆"),
    ("91350121MA2XYK002", "闽侯县安泰燃气具制造有限公司", "gas_appliance", "家用燃气灶具"),
    ("91350100MA2XYK003", "福州榕城电动车有限公司", "e_bike", "电动自行车"),
    ("91350121MA2XYK004", "福建省闽侯建材水泥有限公司", "cement", "普通硅酸盐水泥"),
    ("91350121MA2XYK005", "闽侯县正和钢筋制品有限公司", "steel_rebar", "热轧带肋钢筋"),
    ("91350203MA2XYK006", "厦门鹭岛童装有限公司", "other", "儿童服装"),
]


def seed_demo() -> str:
    """Create demo users, enterprises and cases; skipped when the demo users already exist."""
    if db.scalar(select(User).where(User.username == "mh_qs")):
        return "演示数据已存在，跳过"
    users = _create_users()
    enterprises = [get_or_create_enterprise(make_uscc(p), name, region_code=p[2:8], role="producer")
                   for p, name, _cat, _prod in ENTERPRISES]
    opened = _create_cases(enterprises)
    from app.portal.accounts import ensure_demo_account

    ensure_demo_account(enterprises[0], DEMO_PASSWORD)  # ent_demo: the first enterprise's portal account
    from app.seed.demo_campaign import seed_demo_campaign

    campaign = seed_demo_campaign() if latest_definition("hazard_investigation") else ""
    return (f"已创建演示用户 {len(users)} 个、企业 {len(enterprises)} 家、案件 {opened} 件；{campaign}；"
            f"演示密码：{DEMO_PASSWORD}")


def _create_users():
    made = []
    for short, code in UNITS.items():
        unit = unit_by_code(code)
        for dept, _name, _en in DEPARTMENTS:
            d = DEPT_SHORT[dept]
            made.append(create_user(f"{short}_{d}", DEMO_PASSWORD, f"{unit.name[:-7]}{_name}经办人", unit, [dept]))
            made.append(create_user(f"{short}_{d}_head", DEMO_PASSWORD, f"{unit.name[:-7]}{_name}负责人", unit, [dept],
                                    ["staff", "supervisor"]))
    for n, (code, name) in enumerate(TESTING_BODIES, start=1):
        # Testing bodies are outside institutions with their own accounts (jc1_lab, jc2_lab, ...).
        made.append(create_user(f"jc{n}_lab", DEMO_PASSWORD, f"{name}检验员", unit_by_code(code), ["testing_body"]))
    province = unit_by_code("350000")
    made.append(create_user("admin", DEMO_PASSWORD, "流程管理员", province, ["it_office"],
                            ["process_admin", "system_admin", "supervisor"]))
    return made


def _days_ago(n):
    return (local_today() - timedelta(days=n)).isoformat()


def _disposal_facts(n, is_consumer_product):
    return {"sample_no": f"SC2026350{n:04d}", "test_report_no": f"FJQI-2026-{n:05d}",
            "test_lab": "福建省产品质量检验研究院", "test_date": _days_ago(10),
            "failed_items": [{"item": "导体电阻", "limit": "≤1.83 Ω/km", "measured": "2.31 Ω/km", "is_safety": True}],
            "is_food": False, "is_consumer_product": is_consumer_product, "goods_value": 12800 * n}


def _campaign_facts(self_inspection_due):
    return {"campaign_name": "2026年重点工业产品质量安全排查治理专项行动",
            "self_inspection_due": self_inspection_due, "inspection_due": add_days(today(), 90)}


def _plan():
    """(kind, enterprise index, org code, steps to advance, start facts): cases at different stages."""
    return [
        ("failed_sample_disposal", 0, "350121", 0, _disposal_facts(1, False)),
        ("failed_sample_disposal", 1, "350121", 2, _disposal_facts(2, True)),
        ("failed_sample_disposal", 2, "350100", 4, _disposal_facts(3, True)),
        ("hazard_investigation", 3, "350121", 0, _campaign_facts(add_days(today(), 30))),
        ("hazard_investigation", 4, "350121", 3, _campaign_facts(add_days(today(), 30))),
        # Self-inspection already past due: the scheduler's first tick runs the overdue path for real.
        ("hazard_investigation", 5, "350203", 0, _campaign_facts(_days_ago(1))),
        ("supervision_sampling", 0, "350100", 1, {"plan_name": "2026年第四季度电线电缆产品监督抽查",
                                                  "sample_count": 5, "sampling_due": add_days(today(), 30)}),
        ("risk_monitoring", 2, "350000", 1, {"signal_source": "complaint",
                                             "signal_description": "12315 投诉：电动自行车充电时电池鼓包冒烟"}),
    ]


def _create_cases(enterprises) -> int:
    rng = random.Random(2026)
    opened = 0
    for kind, ent_index, org_code, steps, facts in _plan():
        if latest_definition(kind) is None:
            continue
        ent = enterprises[ent_index]
        _body, _name, category, product = ENTERPRISES[ent_index]
        case = open_case(kind, unit_by_code(org_code), title=f"{ent.name} {product}", enterprise=ent,
                         product_category=category, product_name=product, is_key_product=is_key_class(category),
                         facts=facts)
        opened += 1
        for _ in range(steps):
            if not advance_case(case.id, rng):
                break
    return opened


def advance_case(case_id, rng) -> bool:
    """Complete the case's oldest open task as a demo user entitled to it, with plausible data."""
    from app.engine.service import complete_task
    from app.formdefs.registry import get_registry

    task = db.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready")
                     .order_by(HumanTask.id))
    if task is None:
        return False
    actor = _actor_for(task)
    if actor is None:
        return False
    try:
        data = sample_form_data(get_registry().get(task.form_key), rng) if task.form_key else {}
        complete_task(task.id, actor, data)
    except (AppError, KeyError):
        return False
    return True


def _actor_for(task):
    for user in db.scalars(select(User).where(User.org_unit_id == task.org_unit_id)):
        if task.department_code in user.department_codes:
            return user
    return None
