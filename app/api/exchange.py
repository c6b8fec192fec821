"""/api/v1/sampling-results (e-CQS) and /api/v1/complaints (12315): JSON batches, per-row outcomes."""
from collections import Counter

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.auth import current_api_user, requires
from app.api.core import ApiBlueprint
from app.exchange import complaints, ecqs
from app.exchange.sheets import read_rows

blp = ApiBlueprint("api_exchange", __name__, url_prefix="/api/v1",
                   description="数据交换：e-CQS 抽检结果导入、12315 投诉举报接收")

MAX_BATCH = 500


class SamplingBatchIn(Schema):
    """{"results": [...]} — each item as SamplingResultSchema (see docs/api.md for the fields)."""

    results = fields.List(fields.Dict(), required=True,
                          validate=validate.Length(min=1, max=MAX_BATCH, error=f"每批 1-{MAX_BATCH} 条"),
                          metadata={"description": "抽检结果；字段见 SamplingResult 模型（docs/api.md）"})


class ComplaintBatchIn(Schema):
    """{"complaints": [...]} — each item as ComplaintSchema."""

    complaints = fields.List(fields.Dict(), required=True,
                             validate=validate.Length(min=1, max=MAX_BATCH, error=f"每批 1-{MAX_BATCH} 条"),
                             metadata={"description": "投诉举报；字段见 Complaint 模型（docs/api.md）"})


class FileIn(Schema):
    """A spreadsheet: .xlsx or .csv (UTF-8 or GB18030), headers in the first row (docs/api.md)."""

    file = Upload(required=True, metadata={"description": ".xlsx 或 .csv 文件，第一行为表头"})


class ResultRowOut(Schema):
    """What one row did: created / updated / unchanged / error."""

    row = fields.Int()
    report_no = fields.Str()
    outcome = fields.Str()
    errors = fields.Dict()
    case_id = fields.Int(allow_none=True)
    case_number = fields.Str()


class LeadRowOut(Schema):
    """What one complaint did: created / duplicate / error, and where it went."""

    row = fields.Int()
    number = fields.Str()
    outcome = fields.Str()
    errors = fields.Dict()
    department_code = fields.Str()
    org_unit_name = fields.Str()
    case_id = fields.Int(allow_none=True, metadata={"description": "举报：已开启的行政处罚案件（立案审查）"})


class ImportOut(Schema):
    """Counts per outcome and the rows."""

    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    rows = fields.List(fields.Dict())


def _counts(outcomes) -> dict:
    return dict(Counter(o.outcome for o in outcomes))


@blp.route("/sampling-results", methods=["POST"])
@requires("sampling:import")
@blp.arguments(SamplingBatchIn)
@blp.response(200, ImportOut)
@blp.doc(summary="导入 e-CQS 抽检结果（JSON）")
def import_sampling_results(body):
    """Import e-CQS results; idempotent by report no.; a failed result opens a disposal in the territorial bureau."""
    outcomes = ecqs.import_results(current_api_user(), body["results"])
    return {"counts": _counts(outcomes), "rows": ResultRowOut(many=True).dump(outcomes)}


def _file_rows(module, upload):
    cells = read_rows(upload.filename or "", upload.read(), module.COLUMNS)
    return [module.row_from_sheet(c) for c in cells]


@blp.route("/sampling-results/file", methods=["POST"])
@requires("sampling:import")
@blp.arguments(FileIn, location="files")
@blp.response(200, ImportOut)
@blp.doc(summary="导入 e-CQS 抽检结果文件（XLSX/CSV）")
def import_sampling_file(files):
    """Import an e-CQS export file (XLSX or CSV); the same rules as the JSON batch."""
    outcomes = ecqs.import_results(current_api_user(), _file_rows(ecqs, files["file"]))
    return {"counts": _counts(outcomes), "rows": ResultRowOut(many=True).dump(outcomes)}


@blp.route("/complaints", methods=["POST"])
@requires("complaints:import")
@blp.arguments(ComplaintBatchIn)
@blp.response(200, ImportOut)
@blp.doc(summary="接收 12315 投诉举报（JSON）")
def import_complaints(body):
    """Take in 12315 complaints and reports; deduplicated by the 12315 number; each becomes a lead."""
    outcomes = complaints.import_complaints(current_api_user(), body["complaints"])
    return {"counts": _counts(outcomes), "rows": LeadRowOut(many=True).dump(outcomes)}


@blp.route("/complaints/file", methods=["POST"])
@requires("complaints:import")
@blp.arguments(FileIn, location="files")
@blp.response(200, ImportOut)
@blp.doc(summary="接收 12315 投诉举报文件（XLSX/CSV）")
def import_complaints_file(files):
    """Take in a 12315 batch file (XLSX or CSV); the same rules as the JSON batch."""
    outcomes = complaints.import_complaints(current_api_user(), _file_rows(complaints, files["file"]))
    return {"counts": _counts(outcomes), "rows": LeadRowOut(many=True).dump(outcomes)}
