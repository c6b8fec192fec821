"""Which bureau an imported record belongs to: the territorial bureau of the enterprise's registered region."""
from sqlalchemy import select

from app.auth.models import OrgUnit
from app.cases.jurisdiction import territorial_unit
from app.cases.models import Enterprise
from app.db import db


def enterprise_region(uscc: str) -> str:
    """The registered region of an enterprise: from the register, else the USCC's positions 3-8
    (GB 32100-2015: the region code of the registering authority)."""
    ent = db.scalar(select(Enterprise).where(Enterprise.uscc == uscc)) if uscc else None
    if ent is not None and ent.region_code:
        return ent.region_code
    return uscc[2:8] if uscc and len(uscc) == 18 else ""


def unit_for_enterprise(uscc: str) -> OrgUnit | None:
    """The territorial bureau for an enterprise's USCC (None when its region is not ours)."""
    return territorial_unit(enterprise_region(uscc))
