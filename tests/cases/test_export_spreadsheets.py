"""Exported workbooks never turn typed text into live formulas, and odd characters do not break them."""
import io
from datetime import date

from openpyxl import load_workbook

from app.reports.export import report_workbook
from app.reports.models import Report
from app.seed.reference import unit_by_code

FORMULA = '=HYPERLINK("http://evil.example","点此查看")'


def _cells(data):
    wb = load_workbook(io.BytesIO(data))
    return [(ws.title, c) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_report_hazard_and_case_text_stays_text(db_session, make_case, make_enterprise):
    from app.clock import local_today

    # The lists come from the cases themselves: typed text in a hazard ledger, a title, an enterprise name.
    ent = make_enterprise(name="+企业")
    make_case("hazard_investigation", org_code="350121", start_process=False, title="@SUM(A1:A9)", enterprise=ent,
              facts={"hazards": [{"description": FORMULA, "measures": "整改\x0b完毕", "severity": "major"}]})
    db_session.flush()
    today = local_today()
    figures = {"cumulative": {}, "by_category": []}
    report = Report(kind="annual", org_unit=unit_by_code("350100"), period_start=date(today.year, 1, 1),
                    period_end=today, figures=figures, remarks="=1+1", status="draft")
    cells = _cells(report_workbook(report))
    assert all(c.data_type != "f" for _t, c in cells)
    values = {c.value for _t, c in cells}
    assert "'" + FORMULA in values and "'@SUM(A1:A9)" in values and "'=1+1" in values
    assert any(isinstance(v, str) and v.startswith("'+企业") for v in values)
    assert "整改完毕" in values


def test_case_export_with_a_control_character_downloads(db_session, make_user, make_case, login_as):
    from app.engine.deploy import deploy_files
    from tests.cases.case_bpmn import lifecycle_xml

    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    make_case("penalty_case", org_code="350121", title="=cmd|' /C calc'!A0\x0b电线")
    client = login_as(make_user("350121"))
    response = client.get("/cases/export?format=xlsx")
    assert response.status_code == 200
    titles = [c.value for _t, c in _cells(response.data) if isinstance(c.value, str) and "calc" in c.value]
    assert titles == ["'=cmd|' /C calc'!A0电线"]
