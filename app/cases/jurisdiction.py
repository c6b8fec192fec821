"""Territorial jurisdiction: a case runs in the bureau of the enterprise's registered region."""
from sqlalchemy import select

from app.auth.models import OrgUnit
from app.db import db


def region_candidates(region_code: str) -> list[str]:
    """The region code and its administrative parents, nearest first (350121 -> 350100 -> 350000)."""
    code = (region_code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return []
    out = [code, code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(out))


def territorial_unit(region_code: str) -> OrgUnit | None:
    """The bureau of a registered region: the unit with that code, else its nearest parent we have."""
    candidates = region_candidates(region_code)
    if not candidates:
        return None
    units = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(candidates)))}
    return next((units[c] for c in candidates if c in units), None)
