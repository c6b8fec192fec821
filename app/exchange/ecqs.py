"""e-CQS sampling results: the column mapping, row validation, and the idempotent import.

A result is identified by its report number. Importing the same row again changes nothing; a corrected
row updates the stored result and is audited. A failed result opens a failed-sample disposal (through the
failed-sample start form's own schema and service) in the territorial bureau of the enterprise; every
result is tallied on its sampling task (passed / failed batches).
"""
import hashlib
import json
from dataclasses import dataclass, field

from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import func, or_, select

from app.audit.services import record_event
from app.auth.services import is_in_scope
from app.cases import intake
from app.cases.categories import class_code
from app.cases.models import Case
from app.cases.schemas import (
    BAD_DATE,
    BAD_NUMBER,
    DATE_RANGE,
    REQUIRED,
    FailedItemSchema,
    FailedSampleSchema,
    Uscc,
    _Base,
    flat_errors,
    known_class,
)
from app.cases.services import get_or_create_enterprise, merge_case_facts
from app.db import db, utcnow
from app.errors import AppError
from app.exchange.models import SamplingResult
from app.exchange.regions import unit_for_enterprise

# The e-CQS export's column headers (and the variants seen in practice) -> our field names.
COLUMNS = {
    "任务编号": "task_no", "抽样任务编号": "task_no",
    "样品编号": "sample_no", "抽样单编号": "sample_no",
    "抽样日期": "sampling_date",
    "被抽样单位": "sampled_party", "被抽样单位名称": "sampled_party",
    "统一社会信用代码": "uscc", "被抽样单位统一社会信用代码": "uscc",
    "标称生产者": "producer", "标称生产企业": "producer", "标称生产者名称": "producer",
    "产品名称": "product_name", "样品名称": "product_name",
    "产品类别": "product_category",
    "商标": "brand", "品牌": "brand",
    "规格型号": "model", "型号": "model",
    "生产日期/批号": "batch", "生产日期或批号": "batch", "批号": "batch", "生产日期": "batch",
    "检验机构": "lab", "承检机构": "lab",
    "报告编号": "report_no", "检验报告编号": "report_no",
    "报告日期": "report_date", "检验日期": "report_date",
    "检验结论": "conclusion", "结论": "conclusion",
    "不合格项目": "failed_item_names", "标准值": "failed_item_limits", "标准要求": "failed_item_limits",
    "实测值": "failed_item_measured", "检验结果": "failed_item_measured",
    "货值金额": "goods_value", "货值金额（元）": "goods_value",
}
TEMPLATE_HEADERS = ("任务编号", "样品编号", "抽样日期", "被抽样单位", "统一社会信用代码", "标称生产者", "产品名称",
                    "产品类别", "商标", "规格型号", "生产日期/批号", "检验机构", "报告编号", "报告日期", "检验结论",
                    "不合格项目", "标准值", "实测值", "货值金额")
CONCLUSIONS = {"合格": "pass", "不合格": "fail", "pass": "pass", "fail": "fail"}
_SPLIT = ("；", ";", "\n")


class SamplingResultSchema(_Base):
    """One sampling result as e-CQS exports it (JSON field names; spreadsheets map their headers to these)."""

    task_no = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    sample_no = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    sampling_date = fields.Date(required=True, error_messages=BAD_DATE, validate=DATE_RANGE)
    sampled_party = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=2, max=200))
    uscc = Uscc(required=True, error_messages=REQUIRED)
    producer = fields.Str(load_default="", validate=validate.Length(max=200))
    product_name = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=200))
    product_category = fields.Str(load_default="other",
                                  validate=known_class)
    brand = fields.Str(load_default="", validate=validate.Length(max=100))
    model = fields.Str(load_default="", validate=validate.Length(max=100))
    batch = fields.Str(load_default="", validate=validate.Length(max=100))
    lab = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=200))
    report_no = fields.Str(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=60))
    report_date = fields.Date(error_messages=BAD_DATE, validate=DATE_RANGE)
    conclusion = fields.Str(required=True, error_messages=REQUIRED,
                            validate=validate.OneOf(("pass", "fail"), error="检验结论应为“合格”或“不合格”"))
    failed_items = fields.List(fields.Nested(FailedItemSchema), load_default=list,
                               validate=validate.Length(max=50, error="不合格项目过多"))
    goods_value = fields.Decimal(load_default=0, places=2, as_string=False, error_messages=BAD_NUMBER,
                                 validate=validate.Range(min=0, max=10**12, error="货值金额无效"))

    @validates_schema
    def _failed_needs_items(self, data, **_kw):
        if data.get("conclusion") == "fail" and not data.get("failed_items"):
            raise ValidationError("不合格结果至少应有一项不合格项目", "failed_items")


def _split(text) -> list[str]:
    for sep in _SPLIT[1:]:
        text = text.replace(sep, _SPLIT[0])
    return [p.strip() for p in text.split(_SPLIT[0])] if text.strip() else []


def row_from_sheet(cells: dict) -> dict:
    """A spreadsheet row (by field name) in the JSON shape: conclusion and category words, failed-item lists."""
    row = {k: v for k, v in cells.items() if not k.startswith("failed_item_")}
    row["conclusion"] = CONCLUSIONS.get(cells.get("conclusion", "").strip(), cells.get("conclusion", ""))
    category = cells.get("product_category", "").strip()
    row["product_category"] = class_code(category)
    names, limits, measured = (_split(cells.get(k, "")) for k in
                               ("failed_item_names", "failed_item_limits", "failed_item_measured"))
    row["failed_items"] = [{"item": name, "limit": limits[i] if i < len(limits) else "",
                            "measured": measured[i] if i < len(measured) else ""} for i, name in enumerate(names)]
    return row


def start_form_data(result: SamplingResult) -> dict:
    """The failed-sample start form's input for one failed result: the one place the two are mapped."""
    return {"enterprise_uscc": result.uscc, "enterprise_name": result.sampled_party,
            "product_category": result.product_category, "product_name": result.product_name,
            "sample_no": result.sample_no, "test_report_no": result.report_no, "test_lab": result.lab,
            "test_date": (result.report_date or result.sampling_date).isoformat(),
            "goods_value": str(result.goods_value or 0), "failed_items": result.failed_items,
            # The sampling-record fields the start form is gaining (brand, model, batch); until it has them
            # its schema drops them (unknown = EXCLUDE) and `record_facts` keeps them on the case.
            "brand": result.brand, "model": result.model, "batch": result.batch}


@dataclass
class RowOutcome:
    """What one row did (or would do, in a preview)."""

    row: int
    report_no: str
    outcome: str  # created / updated / unchanged / error
    errors: dict = field(default_factory=dict)
    case_id: int | None = None
    case_number: str = ""


def validate_rows(rows) -> list[tuple[int, dict | None, dict]]:
    """[(row number, clean data or None, flat errors)] for raw rows (1-based, as a spreadsheet counts data rows)."""
    out, seen = [], {}
    for n, raw in enumerate(rows, start=1):
        try:
            clean = SamplingResultSchema().load(raw if isinstance(raw, dict) else {})
        except ValidationError as err:
            out.append((n, None, flat_errors(err.messages)))
            continue
        if clean["report_no"] in seen:
            out.append((n, None, {"report_no": [f"与第 {seen[clean['report_no']]} 行的报告编号重复"]}))
            continue
        seen[clean["report_no"]] = n
        out.append((n, clean, {}))
    return out


def _stored(clean) -> dict:
    data = dict(clean)
    data.setdefault("report_date", None)
    data["failed_items"] = [dict(i, is_safety=bool(i.get("is_safety"))) for i in clean.get("failed_items") or []]
    return data


def content_hash(clean) -> str:
    """Hash of the normalized row: equal rows give equal hashes, whatever the file they came in."""
    return hashlib.sha256(json.dumps(clean, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _plan(user, n, clean) -> RowOutcome:
    existing = db.scalar(select(SamplingResult).where(SamplingResult.report_no == clean["report_no"]))
    unit = unit_for_enterprise(clean["uscc"])
    if unit is None or not is_in_scope(user, unit.id):
        return RowOutcome(n, clean["report_no"], "error",
                          {"uscc": ["企业登记地不在本账号辖区内，不能导入"]})
    if existing is None:
        return RowOutcome(n, clean["report_no"], "created")
    if existing.content_hash == content_hash(clean):
        return RowOutcome(n, clean["report_no"], "unchanged", case_id=existing.case_id)
    return RowOutcome(n, clean["report_no"], "updated", case_id=existing.case_id)


def preview_results(user, rows) -> list[RowOutcome]:
    """What importing these rows would do, row by row; nothing is written."""
    return [RowOutcome(n, (raw or {}).get("report_no", "") if isinstance(raw, dict) else "", "error", errors)
            if clean is None else _plan(user, n, clean)
            for (n, clean, errors), raw in zip(validate_rows(rows), rows, strict=True)]


def import_results(user, rows) -> list[RowOutcome]:
    """Import validated rows (a bad row is reported and skipped, the others go in); idempotent by report no."""
    outcomes, touched_tasks = [], set()
    for outcome, (_n, clean, _errors) in zip(preview_results(user, rows), validate_rows(rows), strict=True):
        if outcome.outcome in ("error", "unchanged"):
            outcomes.append(outcome)
            continue
        try:
            with db.begin_nested():  # one bad row must not sink the batch
                _apply(user, clean, outcome)
        except (AppError, ValidationError) as exc:
            message = exc.message if isinstance(exc, AppError) else "；".join(
                m for msgs in flat_errors(exc.messages).values() for m in msgs)
            outcome.outcome, outcome.errors = "error", {"_row": [message]}
        else:
            touched_tasks.add(clean["task_no"])
        outcomes.append(outcome)
    for task_no in sorted(touched_tasks):
        tally_sampling_task(user, task_no)
    return outcomes


def _apply(user, clean, outcome):
    now = utcnow()
    digest = content_hash(clean)
    stored = _stored(clean)
    unit = unit_for_enterprise(clean["uscc"])
    result = db.scalar(select(SamplingResult).where(SamplingResult.report_no == clean["report_no"]))
    if result is None:
        result = SamplingResult(**stored, content_hash=digest, org_unit_id=unit.id, imported_by_id=user.id,
                                imported_at=now, updated_at=now)
        db.add(result)
        db.flush()
        event, changed = "sampling_result_imported", []
    else:
        changed = sorted(k for k, v in stored.items() if getattr(result, k) != v)
        for key in changed:
            setattr(result, key, stored[key])
        result.content_hash, result.updated_at, result.org_unit_id = digest, now, unit.id
        event = "sampling_result_corrected"
    if result.conclusion == "fail" and result.case_id is None:
        result.case_id = _open_disposal(user, result, unit).id
    elif result.case_id is not None and changed:
        # The disposal's record follows the corrected result; a result corrected to 合格 does not close the
        # case: its clerks decide (the audit row below tells them).
        merge_case_facts(result.case_id, data=case_record(result))
    outcome.case_id = result.case_id
    outcome.case_number = db.get(Case, result.case_id).number if result.case_id else ""
    record_event(event, case_id=result.case_id, actor_id=user.id, at=now,
                 summary=f"{result.report_no}（{'不合格' if result.conclusion == 'fail' else '合格'}）",
                 data={"report_no": result.report_no, "task_no": result.task_no, "changed": changed})


def _open_disposal(user, result, unit):
    # Through the start form's own schema and service, so the case is the one a clerk would register.
    get_or_create_enterprise(result.uscc, result.sampled_party, region_code=unit.code)
    data = FailedSampleSchema().load(start_form_data(result))
    case = intake.register_failed_sample(user, data, org_unit=unit)
    # The sampling record's fields the start form does not (yet) take still belong on the case's record.
    merge_case_facts(case.id, data={k: v for k, v in record_facts(result).items() if k not in case.facts})
    return case


def case_record(result: SamplingResult) -> dict:
    """The disposal case's record fields that come from the result (the start form's facts plus the record)."""
    return {"sample_no": result.sample_no, "test_report_no": result.report_no, "test_lab": result.lab,
            "test_date": (result.report_date or result.sampling_date).isoformat(),
            "failed_items": result.failed_items, "sampling_conclusion": result.conclusion, **record_facts(result)}


def record_facts(result: SamplingResult) -> dict:
    """The e-CQS sampling record as case facts (DOMAIN.md section 4: product and sampling fields)."""
    return {"sampling_task_no": result.task_no, "sampling_date": result.sampling_date.isoformat(),
            "brand": result.brand, "model": result.model, "batch": result.batch,
            "named_producer_name": result.producer, "sampled_party": result.sampled_party}


def tally_sampling_task(user, task_no):
    """Write the passed / failed batch counts of a sampling task onto its supervision_sampling case(s)."""
    rows = db.execute(select(SamplingResult.conclusion, func.count()).where(SamplingResult.task_no == task_no)
                      .group_by(SamplingResult.conclusion)).all()
    counts = dict(rows)
    tally = {"ecqs_batches": sum(counts.values()), "ecqs_passed": counts.get("pass", 0),
             "ecqs_failed": counts.get("fail", 0)}
    stmt = select(Case).where(Case.kind == "supervision_sampling", or_(
        Case.number == task_no, Case.facts["sampling_task_no"].as_string() == task_no))
    for case in db.scalars(stmt):
        if is_in_scope(user, case.org_unit_id) and {k: (case.facts or {}).get(k) for k in tally} != tally:
            merge_case_facts(case.id, data=tally)
            record_event("sampling_task_tallied", case_id=case.id, actor_id=user.id,
                         summary=f"{task_no}：{tally['ecqs_batches']} 批次，合格 {tally['ecqs_passed']}",
                         data={"task_no": task_no, **tally})
    return tally
