"""XLSX export of a stored report: one sheet per table, Chinese headers, numbers as numbers."""
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.cases.exports import safe_cell
from app.reports.scope import Period
from app.reports.statutory import FIGURE_ROWS, summary_lists

KIND_TITLES = {"weekly": "重点工业产品质量安全排查治理周报", "stage": "阶段性工作总结报表",
               "annual": "年度工作总结报表"}
SEVERITY_LABELS = {"general": "一般", "major": "重大"}
HAZARD_STATUS_LABELS = {"open": "未整改", "fixed": "已整改"}
CASE_STATUS_LABELS = {"open": "办理中", "closed": "已办结", "cancelled": "已撤销"}
CATEGORY_COLUMNS = [("label", "产品类别"), ("cases_opened", "新立案件数"), ("enterprises_inspected", "现场检查企业数"),
                    ("hazards_found", "发现隐患数"), ("hazards_fixed", "已整改隐患数"),
                    ("sampling_batches", "抽查批次"), ("sampling_failed", "不合格批次"),
                    ("penalty_decisions", "处罚决定数"), ("fines", "罚款金额（元）")]
HAZARD_COLUMNS = [("case_number", "案件编号"), ("enterprise", "企业"), ("category", "产品类别"),
                  ("description", "隐患描述"), ("source", "来源"), ("severity", "等级"), ("measures", "整改措施"),
                  ("owner", "责任人"), ("deadline", "整改期限"), ("status", "状态")]
CASE_COLUMNS = [("number", "案件编号"), ("kind_label", "案件类型"), ("title", "标题"), ("enterprise", "企业"),
                ("org_unit", "承办单位"), ("category", "产品类别"), ("status", "状态"), ("opened", "立案日期"),
                ("closed", "办结日期")]
HEADER_FILL = PatternFill("solid", fgColor="E8F0FC")


def figure_value(kind, value):
    """A stored figure as a number for display and export (amounts are kept as text in JSON)."""
    if kind == "amount":
        return Decimal(str(value or "0"))
    return int(value or 0)


def _sheet(wb, title, headers, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header)) * 2 + 2] + [min(len(str(r[i - 1])) + 4, 50) for r in rows])
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return ws


def report_workbook(report) -> bytes:
    """The report as XLSX bytes."""
    wb = Workbook()
    figures = report.figures or {}
    weekly = report.kind == "weekly"
    headers = ["指标", "本期", "累计"] if weekly else ["指标", "累计"]
    rows = []
    for key, label, kind in FIGURE_ROWS:
        row = [label]
        if weekly:
            row.append(float(figure_value(kind, figures.get("period", {}).get(key))) if kind == "amount"
                       else figure_value(kind, figures.get("period", {}).get(key)))
        value = figure_value(kind, figures.get("cumulative", {}).get(key))
        row.append(float(value) if kind == "amount" else value)
        rows.append(row)
    ws = _sheet(wb, "主要指标", headers, rows, first=True)
    ws.insert_rows(1, 2)
    ws["A1"] = f"{report.org_unit.name} {KIND_TITLES.get(report.kind, '')}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"统计期：{report.period_start.isoformat()} 至 {report.period_end.isoformat()}"
    if not weekly:
        lists = summary_lists(report.org_unit, Period(report.period_start, report.period_end))
        _sheet(wb, "分产品类别", [h for _k, h in CATEGORY_COLUMNS],
               [[float(r.get(k, 0)) if k == "fines" else r.get(k, "") for k, _h in CATEGORY_COLUMNS]
                for r in figures.get("by_category", [])])
        _sheet(wb, "隐患清单", [h for _k, h in HAZARD_COLUMNS],
               [[_label(k, r.get(k, "")) for k, _h in HAZARD_COLUMNS] for r in lists["hazards"]])
        _sheet(wb, "案件清单", [h for _k, h in CASE_COLUMNS],
               [[CASE_STATUS_LABELS.get(r.get(k), r.get(k)) if k == "status" else r.get(k, "")
                 for k, _h in CASE_COLUMNS] for r in lists["cases"]])
    if report.remarks:
        _sheet(wb, "说明", ["审核说明"], [[report.remarks]])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _label(key, value):
    if key == "severity":
        return SEVERITY_LABELS.get(value, value)
    if key == "status":
        return HAZARD_STATUS_LABELS.get(value, value)
    return value
