"""/api/v1/disclosures: penalty disclosures in the national publicity system's fields, as JSON or CSV."""
from flask import Response
from marshmallow import Schema, fields, validate

from app.api.auth import current_api_user, requires
from app.api.core import ApiBlueprint
from app.api.paging import LINK_HEADERS, PageArgs, link_headers
from app.exchange import disclosures

blp = ApiBlueprint("api_disclosures", __name__, url_prefix="/api/v1/disclosures",
                   description="信用公示：行政处罚信息（国家企业信用信息公示系统字段），JSON 与 CSV")

EXPORT_LIMIT = disclosures.EXPORT_LIMIT


class DisclosureArgs(PageArgs):
    """?q= (name or USCC) plus paging."""

    q = fields.Str(load_default="", validate=validate.Length(max=100, error="关键字过长"))


class CsvArgs(Schema):
    """?q= (name or USCC)."""

    q = fields.Str(load_default="", validate=validate.Length(max=100, error="关键字过长"))


class DisclosureOut(Schema):
    """One disclosure; `status` is published or withdrawn."""

    decision_no = fields.Str()
    party_name = fields.Str()
    uscc = fields.Str()
    legal_representative = fields.Str()
    violation = fields.Str()
    legal_basis = fields.Str()
    penalty_content = fields.Str()
    fine_amount = fields.Str(metadata={"description": "元，两位小数"})
    confiscation_amount = fields.Str(metadata={"description": "元，两位小数"})
    decision_date = fields.Str()
    authority = fields.Str()
    published_on = fields.Str()
    display_until = fields.Str()
    status = fields.Str()
    withdrawn_on = fields.Str(allow_none=True)


@blp.route("", methods=["GET"])
@requires("disclosures:read")
@blp.arguments(DisclosureArgs, location="query")
@blp.response(200, DisclosureOut(many=True), headers=LINK_HEADERS)
@blp.doc(summary="行政处罚公示信息（JSON，分页）")
def list_disclosures(args):
    """Disclosures of the token's bureau subtree (withdrawn ones too, so the national system can follow)."""
    rows, total = disclosures.disclosures_in_scope(current_api_user(), args["q"], page=args["page"],
                                                   per_page=args["per_page"])
    return ([disclosures.export_record(r) for r in rows], 200,
            link_headers(args["page"], args["per_page"], total))


@blp.route("/export.csv", methods=["GET"])
@requires("disclosures:read")
@blp.arguments(CsvArgs, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv", description="UTF-8（带 BOM）CSV，列为公示系统字段")
@blp.doc(summary="行政处罚公示信息（CSV 导出）")
def export_csv(args):
    """The same records as CSV (UTF-8 with BOM, headers in Chinese), up to 10,000 rows."""
    rows, _total = disclosures.disclosures_in_scope(current_api_user(), args["q"], page=1, per_page=EXPORT_LIMIT)
    return Response(disclosures.csv_text(rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=disclosures.csv"})
