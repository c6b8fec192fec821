"""Reference data every installation needs: departments, roles, and the org-unit tree."""
from sqlalchemy import select

from app.auth.models import ROLES, Department, OrgUnit, Role
from app.db import db

DEPARTMENTS = [
    ("quality_supervision", "质量监督科", "Quality supervision"),
    ("consumer_protection", "消费者权益保护科", "Consumer protection"),
    ("certification", "认证检测科", "Certification and testing"),
    ("quality_development", "质量发展科", "Quality development"),
    ("enforcement", "执法稽查科", "Enforcement"),
    ("credit", "信用监管科", "Credit supervision"),
    ("testing_body", "技术机构", "Testing body"),
    ("it_office", "科技信息科", "IT office"),
]

# Fujian: the province, its 9 cities plus the Pingtan zone, and a few counties/districts each.
FUJIAN = ("350000", "福建省市场监督管理局", [
    ("350100", "福州市市场监督管理局", [("350102", "鼓楼区市场监督管理局"), ("350121", "闽侯县市场监督管理局"),
                                   ("350181", "福清市市场监督管理局")]),
    ("350200", "厦门市市场监督管理局", [("350203", "思明区市场监督管理局"), ("350206", "湖里区市场监督管理局")]),
    ("350300", "莆田市市场监督管理局", [("350302", "城厢区市场监督管理局"), ("350322", "仙游县市场监督管理局")]),
    ("350400", "三明市市场监督管理局", [("350404", "三元区市场监督管理局"), ("350481", "永安市市场监督管理局")]),
    ("350500", "泉州市市场监督管理局", [("350502", "鲤城区市场监督管理局"), ("350582", "晋江市市场监督管理局"),
                                   ("350583", "南安市市场监督管理局")]),
    ("350600", "漳州市市场监督管理局", [("350602", "芗城区市场监督管理局"), ("350681", "龙海区市场监督管理局")]),
    ("350700", "南平市市场监督管理局", [("350702", "延平区市场监督管理局"), ("350783", "建瓯市市场监督管理局")]),
    ("350800", "龙岩市市场监督管理局", [("350802", "新罗区市场监督管理局"), ("350821", "长汀县市场监督管理局")]),
    ("350900", "宁德市市场监督管理局", [("350902", "蕉城区市场监督管理局"), ("350981", "福安市市场监督管理局")]),
    ("350128", "平潭综合实验区市场监督管理局", []),
])


# Outside testing bodies (承检机构), engaged per sampling task; each has its own accounts. The codes are also the
# options of the forms that engage them (ss_plan, fs_assign_retest).
TESTING_BODIES = [
    ("JC0001", "福建省产品质量检验研究院"),
    ("JC0002", "福建省纤维检验中心"),
    ("JC0003", "福州市产品质量检验所"),
    ("JC0004", "国家电线电缆产品质量检验检测中心（福建）"),
]


def ensure_reference_data():
    """Create missing departments, roles and org units (idempotent)."""
    have = {d.code for d in db.scalars(select(Department))}
    for code, name, name_en in DEPARTMENTS:
        if code not in have:
            db.add(Department(code=code, name=name, name_en=name_en))
    roles = {r.code for r in db.scalars(select(Role))}
    for code, (name, _en) in ROLES.items():
        if code not in roles:
            db.add(Role(code=code, name=name))
    code, name, cities = FUJIAN
    province = _unit(code, name, "province", None)
    for city_code, city_name, counties in cities:
        city = _unit(city_code, city_name, "city", province)
        for county_code, county_name in counties:
            _unit(county_code, county_name, "county", city)
    for body_code, body_name in TESTING_BODIES:
        _unit(body_code, body_name, "institute", None).kind = "testing_body"
    db.flush()


def _unit(code, name, level, parent):
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        unit = OrgUnit(code=code, name=name, level=level, parent_id=parent.id if parent else None, path="/")
        db.add(unit)
        db.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def unit_by_code(code) -> OrgUnit:
    """The org unit with this region code."""
    return db.scalar(select(OrgUnit).where(OrgUnit.code == code))
