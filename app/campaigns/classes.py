"""Product classes kept by the system admin: add and edit (codes never change once cases use them)."""
import re

from sqlalchemy import select

from app.audit.services import record_event
from app.campaigns.models import ProductClass
from app.cases.categories import clear_cache
from app.db import db
from app.errors import Conflict, InvalidInput, NotFound

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
EDITABLE = ("name", "name_en", "region_code", "is_key", "year_from", "year_to", "sort_order", "source")


def list_classes() -> list[ProductClass]:
    """Every class, in display order."""
    return list(db.scalars(select(ProductClass).order_by(ProductClass.sort_order, ProductClass.id)))


def _check(data):
    if data.get("region_code") and not re.fullmatch(r"\d{6}", data["region_code"]):
        raise InvalidInput("地区代码应为 6 位数字（全国类别留空）", field="region_code")
    if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
        raise InvalidInput("截止年度不能早于起始年度", field="year_to")


def add_class(user, data) -> ProductClass:
    """Add a class (national, or a province's or city's addition)."""
    code = (data.get("code") or "").strip()
    if not CODE_RE.match(code):
        raise InvalidInput("代码应为小写字母开头的字母、数字或下划线（2-40 位）", field="code")
    if db.scalar(select(ProductClass.id).where(ProductClass.code == code)):
        raise Conflict("该代码已存在")
    _check(data)
    row = ProductClass(code=code, **{k: data.get(k) if data.get(k) is not None else _default(k) for k in EDITABLE})
    db.add(row)
    db.flush()
    clear_cache()
    record_event("product_class_added", actor_id=user.id, summary=f"{code} {row.name}", data={"code": code})
    return row


def _default(key):
    return {"name_en": "", "region_code": "", "is_key": True, "sort_order": 500, "source": ""}.get(key)


def update_class(user, class_id, data) -> ProductClass:
    """Change a class's name, region, key mark, years or order."""
    row = db.get(ProductClass, class_id)
    if row is None:
        raise NotFound("产品类别不存在")
    _check(data)
    for key in EDITABLE:
        if key in data:
            setattr(row, key, data[key] if data[key] is not None else _default(key))
    db.flush()
    clear_cache()
    record_event("product_class_updated", actor_id=user.id, summary=f"{row.code} {row.name}", data={"code": row.code})
    return row
