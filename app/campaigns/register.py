"""A bureau's enterprise register for a campaign: import from XLSX/CSV or add by hand; launch self-inspection."""
import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.audit.services import record_event
from app.campaigns.models import CampaignEnterprise
from app.campaigns.services import can_manage, own_entry, visible_campaign
from app.cases.categories import category_label, class_rows, is_key_class
from app.cases.models import Enterprise
from app.cases.services import get_or_create_enterprise, open_case
from app.db import db, utcnow
from app.errors import Conflict, Forbidden, InvalidInput
from app.formdefs.uscc import normalize_uscc, uscc_problem

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# Header words accepted for each column (a register exported from another system names them differently).
HEADERS = {
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"),
    "name": ("企业名称", "名称", "单位名称", "name"),
    "product_class": ("产品类别", "类别", "product_class", "category"),
    "products": ("主要产品", "产品", "products"),
    "address": ("地址", "住所", "address"),
    "legal_representative": ("法定代表人", "法人", "legal_representative"),
}


@dataclass
class ImportResult:
    """What an import did: rows added and merged, and the problem of each rejected row."""

    added: int = 0
    merged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _require_register(user, campaign_id):
    campaign = visible_campaign(user, campaign_id)
    if not can_manage(user) or (own_entry(user, campaign) is None and campaign.org_unit_id != user.org_unit_id):
        raise Forbidden("只有参与该专项行动的单位质量监督科室可以维护企业名录")
    if campaign.status != "issued":
        raise Conflict("专项行动尚未下发")
    return campaign


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The rows of an uploaded XLSX or CSV file as text cells."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("文件不能超过 5 MB", field="file")
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InvalidInput("无法读取该 Excel 文件", field="file") from exc
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput("无法识别 CSV 文件的编码", field="file")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise InvalidInput("请上传 .xlsx 或 .csv 文件", field="file")


def _columns(header: list[str]) -> dict[str, int]:
    cols = {}
    for i, cell in enumerate(header):
        for key, words in HEADERS.items():
            if key not in cols and cell.strip().lower() in words:
                cols[key] = i
    missing = [HEADERS[k][0] for k in ("uscc", "name") if k not in cols]
    if missing:
        raise InvalidInput(f"表头缺少：{'、'.join(missing)}", field="file")
    return cols


def _class_code(text: str) -> str | None:
    """A class given by code or by name ("" when blank); None when unknown."""
    rows = class_rows()
    if not text or text in rows:
        return text
    return {r.name: c for c, r in rows.items()}.get(text)


def import_register(user, campaign_id, filename, data) -> ImportResult:
    """Import enterprises for the user's bureau: USCC checked, duplicates merged, each bad row reported."""
    campaign = _require_register(user, campaign_id)
    rows = read_table(filename, data)
    if not rows:
        raise InvalidInput("文件为空", field="file")
    cols = _columns(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行", field="file")
    result, seen = ImportResult(), {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = {key: (row[i] if i < len(row) else "").strip() for key, i in cols.items()}
        cell = cells.get
        code, name = normalize_uscc(cell("uscc", "")), cell("name", "")[:200]
        problem = uscc_problem(code) if code else "缺少统一社会信用代码"
        if problem:
            result.errors.append((n, f"{problem}（{cell('uscc', '')}）" if code else problem))
            continue
        if not name:
            result.errors.append((n, "缺少企业名称"))
            continue
        klass = _class_code(cell("product_class", ""))
        if klass is None:
            result.errors.append((n, f"未知的产品类别：{cell('product_class', '')}"))
            continue
        if code in seen:  # a second row of the same enterprise in the file: merge its products
            _merge(seen[code], klass, cell("products", ""))
            result.merged += 1
            continue
        entry, created = _add(campaign, user, code, name, klass, cell("products", ""),
                              address=cell("address", "")[:300],
                              legal_representative=cell("legal_representative", "")[:60])
        seen[code] = entry
        result.added += created
        result.merged += not created
    record_event("campaign_register_imported", actor_id=user.id, summary=f"{campaign.name} {user.org_unit.code}",
                 data={"campaign_id": campaign.id, "added": result.added, "merged": result.merged,
                       "errors": len(result.errors)})
    return result


def _merge(entry, klass, products):
    if klass and not entry.product_class:
        entry.product_class = klass
    if products and products not in (entry.products or ""):
        entry.products = "、".join(p for p in (entry.products, products) if p)[:200]


def _add(campaign, user, code, name, klass, products, **fields):
    """(register row, created): the enterprise on the bureau's register, merged when already there."""
    ent = get_or_create_enterprise(code, name, region_code=user.org_unit.code, **fields)
    entry = db.scalar(select(CampaignEnterprise).where(CampaignEnterprise.campaign_id == campaign.id,
                                                       CampaignEnterprise.enterprise_id == ent.id))
    if entry is not None:
        if entry.org_unit_id != user.org_unit_id:
            raise InvalidInput(f"{name} 已在其他单位的名录中")
        _merge(entry, klass, products)
        return entry, False
    entry = CampaignEnterprise(campaign_id=campaign.id, org_unit_id=user.org_unit_id, enterprise_id=ent.id,
                               product_class=klass or "", products=(products or "")[:200], added_at=utcnow())
    db.add(entry)
    db.flush()
    return entry, True


def add_by_hand(user, campaign_id, uscc, name, product_class="", products="") -> CampaignEnterprise:
    """Add one enterprise to the bureau's register."""
    campaign = _require_register(user, campaign_id)
    code = normalize_uscc(uscc or "")
    problem = uscc_problem(code)
    if problem:
        raise InvalidInput(problem, field="uscc")
    if not (name or "").strip():
        raise InvalidInput("请填写企业名称", field="name")
    if product_class and _class_code(product_class) is None:
        raise InvalidInput("请选择有效的产品类别", field="product_class")
    entry, _created = _add(campaign, user, code, name.strip()[:200], product_class, products)
    record_event("campaign_register_added", actor_id=user.id, summary=f"{campaign.name} {code}",
                 data={"campaign_id": campaign.id, "enterprise_id": entry.enterprise_id})
    return entry


def register_rows(campaign, unit_ids) -> list[tuple[CampaignEnterprise, Enterprise]]:
    """The register of the given bureaus, by enterprise name."""
    return list(db.execute(_register_statement(campaign, unit_ids)).tuples())


def register_page(campaign, unit_ids, product_class=None, limit=200) -> tuple[list, int]:
    """(the first `limit` register rows of the given bureaus, by enterprise name, as (entry, enterprise); how many
    there are in all), of one product class if given."""
    stmt = _register_statement(campaign, unit_ids, product_class)
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return list(db.execute(stmt.limit(limit)).tuples()), total


def _register_statement(campaign, unit_ids, product_class=None):
    stmt = (select(CampaignEnterprise, Enterprise).join(Enterprise, Enterprise.id == CampaignEnterprise.enterprise_id)
            .where(CampaignEnterprise.campaign_id == campaign.id, CampaignEnterprise.org_unit_id.in_(unit_ids))
            .order_by(Enterprise.name))
    if product_class is not None:
        stmt = stmt.where(CampaignEnterprise.product_class == product_class)
    return stmt


def _phase_due(campaign, index):
    phases = campaign.phases or []
    return phases[min(index, len(phases) - 1)]["due"] if phases else None


def launch_self_inspection(user, campaign_id) -> list:
    """Open a hazard_investigation case for each registered enterprise of the bureau without one."""
    campaign = _require_register(user, campaign_id)
    if "quality_supervision" not in user.department_codes and not user.has_role("system_admin"):
        raise Forbidden("只有质量监督科室可以发起自查")
    pending = [(e, ent) for e, ent in register_rows(campaign, [user.org_unit_id]) if e.case_id is None]
    if not pending:
        raise InvalidInput("名录中没有待发起自查的企业")
    facts = {"campaign_id": campaign.id, "campaign_name": campaign.name,
             "self_inspection_due": _phase_due(campaign, 0), "inspection_due": _phase_due(campaign, 1)}
    cases = []
    for entry, ent in pending:
        case = open_case("hazard_investigation", user.org_unit, title=f"{campaign.name}·{ent.name}", enterprise=ent,
                         product_category=entry.product_class or "other",
                         product_name=entry.products or category_label(entry.product_class),
                         is_key_product=is_key_class(entry.product_class), facts=dict(facts), user_id=user.id)
        entry.case_id = case.id
        cases.append(case)
    db.flush()
    record_event("campaign_self_inspection_launched", actor_id=user.id, summary=f"{campaign.name} {len(cases)}",
                 data={"campaign_id": campaign.id, "cases": len(cases)})
    return cases
