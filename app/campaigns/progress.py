"""A campaign's progress by region, phase and product class, counted from its register and the cases launched."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.auth.models import OrgUnit
from app.campaigns.models import CampaignEnterprise, CampaignUnit
from app.cases.categories import category_label
from app.cases.models import Case
from app.cases.tally import is_true, rows_of
from app.db import db

# The figures of the progress table, in order; each opens the list of its cases.
FIGURES = ("registered", "launched", "self_inspected", "inspected", "hazards_found", "hazards_fixed",
           "hazards_open", "closed")
FIGURE_LABELS = {"registered": "登记企业", "launched": "已发起自查", "self_inspected": "完成自查",
                 "inspected": "现场检查", "hazards_found": "发现隐患", "hazards_fixed": "已整改",
                 "hazards_open": "未整改", "closed": "已办结"}
# Which figure measures which phase (by the phase's key; other phases by their place in the list).
PHASE_FIGURES = {"self_inspection": "self_inspected", "inspection": "inspected", "rectification": "closed"}
PHASE_ORDER = ("self_inspected", "inspected", "closed")


@dataclass
class Row:
    """One enterprise of the register with what its case recorded."""

    unit_id: int
    product_class: str
    case_id: int | None
    status: str
    facts: dict

    def matches(self, figure) -> bool:
        """True when the row counts in `figure` (hazard figures: when it has such hazards)."""
        f = self.facts
        return {"registered": True, "launched": self.case_id is not None,
                "self_inspected": is_true(f.get("self_inspection_submitted")),
                "inspected": bool(f.get("inspection_date")), "closed": self.status == "closed",
                "hazards_found": bool(self.hazards()), "hazards_fixed": self.hazards("fixed") > 0,
                "hazards_open": self.hazards("open") > 0}[figure]

    def hazards(self, status=None) -> int:
        """How many hazards the case recorded (of a status: fixed, or open = anything else)."""
        rows = rows_of(self.facts.get("hazards"))
        if status == "fixed":
            return sum(1 for r in rows if r.get("status") == "fixed")
        if status == "open":
            return sum(1 for r in rows if r.get("status") != "fixed")
        return len(rows)


@dataclass
class Tally:
    """The figures of one region or class."""

    code: str
    name: str
    figures: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, row: Row):
        for key in FIGURES:
            if key.startswith("hazards_"):
                self.figures[key] += row.hazards({"hazards_found": None, "hazards_fixed": "fixed",
                                                  "hazards_open": "open"}[key])
            else:
                self.figures[key] += row.matches(key)

    def share(self, figure) -> float:
        """The part of the registered enterprises that reached `figure` (0 with none registered)."""
        return self.figures[figure] / self.figures["registered"] if self.figures["registered"] else 0.0


def rows_of_campaign(campaign, unit: OrgUnit) -> list[Row]:
    """The register rows of `unit` and the bureaus below it, with their cases' status and facts."""
    below = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))
    stmt = (select(CampaignEnterprise.org_unit_id, CampaignEnterprise.product_class, CampaignEnterprise.case_id,
                   Case.status, Case.facts)
            .outerjoin(Case, Case.id == CampaignEnterprise.case_id)
            .where(CampaignEnterprise.campaign_id == campaign.id, CampaignEnterprise.org_unit_id.in_(below)))
    return [Row(u, c or "", case_id, status or "", facts or {}) for u, c, case_id, status, facts in db.execute(stmt)]


def regions(campaign, unit: OrgUnit) -> list[OrgUnit]:
    """The bureaus directly below `unit` that the campaign reached; the unit itself when there are none."""
    reached = select(CampaignUnit.org_unit_id).where(CampaignUnit.campaign_id == campaign.id)
    below = list(db.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.id.in_(reached))
                            .order_by(OrgUnit.code)))
    return below or [unit]


def phase_figure(phase, index) -> str:
    """The figure that measures a phase."""
    return PHASE_FIGURES.get(phase.get("key"), PHASE_ORDER[min(index, len(PHASE_ORDER) - 1)])


def progress(campaign, unit: OrgUnit, today: date) -> dict:
    """Progress of the campaign under `unit`: per region, per product class, per phase (overdue marked)."""
    rows = rows_of_campaign(campaign, unit)
    by_id = {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.path.startswith(unit.path)))}
    region_list = regions(campaign, unit)
    tallies = {r.id: Tally(r.code, r.name) for r in region_list}
    total, classes = Tally(unit.code, unit.name), {}
    for row in rows:
        region = _region_of(by_id.get(row.unit_id), region_list)
        if region is not None:
            tallies[region.id].add(row)
        total.add(row)
        classes.setdefault(row.product_class, Tally(row.product_class, category_label(row.product_class) or "未填写"))
        classes[row.product_class].add(row)
    phases = []
    for i, phase in enumerate(campaign.phases or []):
        figure, due = phase_figure(phase, i), date.fromisoformat(phase["due"])
        per_region = [{"code": t.code, "name": t.name, "done": t.figures[figure], "of": t.figures["registered"],
                       "overdue": due < today and t.figures[figure] < t.figures["registered"]}
                      for t in tallies.values()]
        phases.append({"name": phase["name"], "due": due, "figure": figure, "done": total.figures[figure],
                       "of": total.figures["registered"], "regions": per_region,
                       "overdue": due < today and total.figures[figure] < total.figures["registered"]})
    return {"regions": list(tallies.values()), "total": total, "phases": phases,
            "classes": sorted(classes.values(), key=lambda t: (t.code == "", t.code))}


def _region_of(unit, region_list):
    if unit is None:
        return None
    for region in region_list:
        if unit.path.startswith(region.path):
            return region
    return None


def figure_cases(campaign, unit: OrgUnit, figure: str, product_class=None) -> list[int]:
    """Ids of the cases counted in one figure of `unit` (optionally of one product class)."""
    if figure not in FIGURES:
        return []
    return [r.case_id for r in rows_of_campaign(campaign, unit)
            if r.case_id and r.matches(figure) and (product_class is None or r.product_class == product_class)]
