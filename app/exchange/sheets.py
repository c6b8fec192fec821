"""Reading an uploaded XLSX or CSV into rows keyed by our field names (headers matched by their Chinese names)."""
import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from app.errors import InvalidInput

MAX_ROWS = 2000


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _decode(data: bytes) -> str:
    # e-CQS and 12315 exports opened and saved in Excel are often GB18030; ours are UTF-8 with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("无法识别文件编码，请另存为 UTF-8 或 XLSX 后再上传", field="file")


def _raw_rows(filename: str, data: bytes) -> list[list[str]]:
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InvalidInput("无法读取该 XLSX 文件，请确认文件未损坏", field="file") from exc
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    if name.endswith(".csv"):
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(_decode(data)))]
    raise InvalidInput("请上传 .xlsx 或 .csv 文件", field="file")


def read_rows(filename: str, data: bytes, headers: dict[str, str]) -> list[dict]:
    """Rows as {field: text}; `headers` maps each accepted header text to a field name."""
    raw = _raw_rows(filename, data)
    if not raw:
        raise InvalidInput("文件为空", field="file")
    if any("\x00" in v for row in raw for v in row):
        raise InvalidInput("文件含有无效字符（NUL），请检查后重新上传", field="file")
    columns = [headers.get(h.replace(" ", "").replace("\n", "")) for h in raw[0]]
    if not any(columns):
        raise InvalidInput("未找到可识别的表头，请使用模板的列名", field="file")
    rows = []
    for values in raw[1:]:
        if not any(v for v in values):
            continue
        rows.append({col: values[i] if i < len(values) else "" for i, col in enumerate(columns) if col})
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行", field="file")
    return rows
