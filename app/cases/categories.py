"""Product categories: the key product classes of the national plan (DOMAIN.md section 4), one list for all pages."""
from flask_babel import gettext as _

PRODUCT_CATEGORIES = {
    "hazardous_chemicals": "危险化学品", "chemical_packaging": "危险化学品包装物及容器",
    "road_tank": "道路运输液体危险货物罐车罐体", "steel_rebar": "钢筋", "cement": "水泥",
    "wire_cable": "电线电缆", "gas_appliance": "燃气器具", "fireworks": "烟花爆竹", "e_bike": "电动自行车",
    "e_bike_charger_battery": "电动自行车充电器及电池", "other": "其他",
}
KEY_CATEGORIES = frozenset(PRODUCT_CATEGORIES) - {"other"}


def category_label(code) -> str:
    """The (translated) name of a category code; the code itself when unknown, "" when empty."""
    return _(PRODUCT_CATEGORIES[code]) if code in PRODUCT_CATEGORIES else (code or "")
