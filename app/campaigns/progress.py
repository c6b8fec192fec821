"""A campaign's progress by region, phase and product class, counted in SQL from its register and the tally columns
of the cases launched (app.cases.tally)."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select, true

from app.auth.models import OrgUnit
from app.auth.services import scope_subquery
from app.campaigns.models import CampaignEnterprise, CampaignUnit
from app.cases.categories import category_label
from app.cases.models import Case
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
# A figure's list shows this many cases (by number) with the count of all of them.
FIGURE_LIST_LIMIT = 200


def _hazards():
    """(found, fixed) hazard counts of the joined case, from its tally columns."""
    found = func.coalesce(Case.tally_hz_general, 0) + func.coalesce(Case.tally_hz_major, 0)
    fixed = func.coalesce(Case.tally_hz_general_fixed, 0) + func.coalesce(Case.tally_hz_major_fixed, 0)
    return found, fixed


def _figure_sums():
    """One aggregate per figure over register rows outer-joined to their cases (the tally a case's facts give,
    app.cases.tally: a self-inspection submitted, an inspection date, hazard rows by state)."""
    found, fixed = _hazards()
    return {"registered": func.count(CampaignEnterprise.id), "launched": func.count(CampaignEnterprise.case_id),
            "self_inspected": func.count(Case.tally_self_day), "inspected": func.count(Case.tally_inspection_day),
            "hazards_found": func.coalesce(func.sum(found), 0), "hazards_fixed": func.coalesce(func.sum(fixed), 0),
            "hazards_open": func.coalesce(func.sum(found - fixed), 0),
            "closed": func.count(case((Case.status == "closed", 1)))}


def _figure_condition(figure):
    """The condition a launched case meets to count in `figure`."""
    found, fixed = _hazards()
    return {"registered": true(), "launched": true(), "self_inspected": Case.tally_self_day.is_not(None),
            "inspected": Case.tally_inspection_day.is_not(None), "closed": Case.status == "closed",
            "hazards_found": found > 0, "hazards_fixed": fixed > 0, "hazards_open": found > fixed}[figure]


@dataclass
class Tally:
    """The figures of one region or class."""

    code: str
    name: str
    figures: dict = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, counts: dict):
        """Add one group's figures (a bureau's register rows of one product class)."""
        for key in FIGURES:
            self.figures[key] += counts[key]

    def share(self, figure) -> float:
        """The part of the registered enterprises that reached `figure` (0 with none registered)."""
        return self.figures[figure] / self.figures["registered"] if self.figures["registered"] else 0.0


def counts_of_campaign(campaign, unit: OrgUnit) -> list[tuple[int, str, dict]]:
    """(bureau id, product class, figures) of the register of `unit` and the bureaus below it, counted in SQL
    (a province's register has tens of thousands of enterprises)."""
    sums = _figure_sums()
    stmt = (select(CampaignEnterprise.org_unit_id, CampaignEnterprise.product_class, *sums.values())
            .outerjoin(Case, Case.id == CampaignEnterprise.case_id)
            .where(CampaignEnterprise.campaign_id == campaign.id,
                   CampaignEnterprise.org_unit_id.in_(scope_subquery(unit)))
            .group_by(CampaignEnterprise.org_unit_id, CampaignEnterprise.product_class))
    return [(row[0], row[1] or "", {key: int(value or 0) for key, value in zip(sums, row[2:], strict=True)})
            for row in db.execute(stmt)]


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
    groups = counts_of_campaign(campaign, unit)
    by_id = {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_({g[0] for g in groups})))}
    region_list = regions(campaign, unit)
    tallies = {r.id: Tally(r.code, r.name) for r in region_list}
    total, classes = Tally(unit.code, unit.name), {}
    for unit_id, product_class, counts in groups:
        region = _region_of(by_id.get(unit_id), region_list)
        if region is not None:
            tallies[region.id].add(counts)
        total.add(counts)
        classes.setdefault(product_class, Tally(product_class, category_label(product_class) or "未填写"))
        classes[product_class].add(counts)
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


def figure_cases(campaign, unit: OrgUnit, figure: str, product_class=None, limit=FIGURE_LIST_LIMIT):
    """(the first `limit` cases counted in one figure of `unit`, by number; how many there are in all)."""
    if figure not in FIGURES:
        return [], 0
    where = [CampaignEnterprise.campaign_id == campaign.id, CampaignEnterprise.org_unit_id.in_(scope_subquery(unit)),
             _figure_condition(figure)]
    if product_class is not None:
        where.append(CampaignEnterprise.product_class == product_class)
    joined = select(Case).join(CampaignEnterprise, CampaignEnterprise.case_id == Case.id).where(*where)
    total = db.scalar(select(func.count()).select_from(joined.subquery()))
    return list(db.scalars(joined.order_by(Case.number).limit(limit))), total
