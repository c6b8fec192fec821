"""The upload pages: XLSX/CSV with a preview and per-row errors, then the import; same file again changes nothing."""
import html
import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.cases.models import Case
from app.exchange import complaints, ecqs
from app.exchange.models import ComplaintLead, SamplingResult
from tests.dates import day


def _xlsx(headers, rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _sampling_rows(uscc):
    # task no, sample no, sampling date, party, USCC, producer, product, category, brand, model, batch, lab,
    # report no, report date, conclusion, failed items, limits, measured, goods value
    return [
        ["CC-1", "YP-1", day(-20), "福州某某电器有限公司", uscc, "某某厂", "电热水壶", "其他", "好壶", "HK-1", "20260101",
         "福建省质检院", "BG-X1", day(-3), "不合格", "泄漏电流；标志", "≤0.25mA；应有", "0.80mA；无", "3000"],
        ["CC-1", "YP-2", day(-20), "福州某某电器有限公司", uscc, "某某厂", "电热水壶", "其他", "好壶", "HK-2", "20260102",
         "福建省质检院", "BG-X2", day(-3), "合格", "", "", "", ""],
        ["CC-1", "YP-3", "不是日期", "福州某某电器有限公司", uscc, "", "电热水壶", "其他", "", "", "", "福建省质检院",
         "BG-X3", "", "合格", "", "", "", ""],
    ]


def _rows_json(page_html):
    return html.unescape(re.search(r'name="rows_json" value="([^"]*)"', page_html).group(1))


def test_sampling_xlsx_preview_then_import_then_same_file_again(client, db_session, library, make_user, login_as,
                                                                 make_enterprise):
    ent = make_enterprise()
    web = login_as(make_user("350100"))
    assert web.get("/exchange/import/sampling").status_code == 200
    template = load_workbook(io.BytesIO(web.get("/exchange/import/sampling/template.xlsx").data))
    assert [c.value for c in template.active[1]] == list(ecqs.TEMPLATE_HEADERS)

    data = _xlsx(ecqs.TEMPLATE_HEADERS, _sampling_rows(ent.uscc)).getvalue()
    preview = web.post("/exchange/import/sampling", data={"step": "preview", "file": (io.BytesIO(data), "r.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert preview.count('data-outcome="created"') == 2 and preview.count('data-outcome="error"') == 1
    assert "sampling_date" in preview
    assert db_session.scalar(select(func.count()).select_from(SamplingResult)) == 0  # a preview writes nothing

    done = web.post("/exchange/import/sampling", data={"step": "import", "rows_json": _rows_json(preview)})
    assert done.status_code == 200
    failed = db_session.scalar(select(SamplingResult).where(SamplingResult.report_no == "BG-X1"))
    assert failed.failed_items[1] == {"item": "标志", "limit": "应有", "measured": "无", "is_safety": False}
    assert db_session.get(Case, failed.case_id).facts["goods_value"] == 3000

    again = web.post("/exchange/import/sampling", data={"step": "preview", "file": (io.BytesIO(data), "r.xlsx")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert again.count('data-outcome="unchanged"') == 2 and 'id="confirm-form"' not in again


def test_complaints_csv_in_gb18030(client, db_session, library, make_user, login_as):
    web = login_as(make_user("350100", departments=("consumer_protection",)))
    text = ",".join(complaints.TEMPLATE_HEADERS) + "\n" + \
        f"12315-A,投诉,{day(-2)},某商行,,350121,电动自行车,电动自行车,充电器起火\n" + \
        f"12315-B,举报,{day(-2)},某工厂,,350121,燃气器具,燃气灶,无证生产燃气灶\n"
    upload = {"step": "preview", "file": (io.BytesIO(text.encode("gb18030")), "c.csv")}
    preview = web.post("/exchange/import/complaints", data=upload, content_type="multipart/form-data")
    body = preview.get_data(as_text=True)
    assert body.count('data-outcome="created"') == 2, body[-2000:]
    web.post("/exchange/import/complaints", data={"step": "import", "rows_json": _rows_json(body)})
    kinds = dict(db_session.execute(select(ComplaintLead.number, ComplaintLead.department_code)).all())
    assert kinds == {"12315-A": "consumer_protection", "12315-B": "enforcement"}
    leads = web.get("/exchange/leads").get_data(as_text=True)
    assert "12315-A" in leads and "12315-B" not in leads  # enforcement's lead is not consumer protection's


def test_bad_files_and_rights(client, make_user, login_as):
    web = login_as(make_user("350100"))
    bad = web.post("/exchange/import/sampling", data={"step": "preview", "file": (io.BytesIO(b"x"), "a.txt")},
                   content_type="multipart/form-data")
    assert bad.status_code == 400 and "xlsx" in bad.get_data(as_text=True)
    broken = web.post("/exchange/import/sampling", data={"step": "preview", "file": (io.BytesIO(b"no"), "a.xlsx")},
                      content_type="multipart/form-data")
    assert broken.status_code == 400
    stale = web.post("/exchange/import/sampling", data={"step": "import", "rows_json": "{oops"})
    assert stale.status_code == 400
    outsider = login_as(make_user("350100", departments=("credit",)))
    assert outsider.get("/exchange/import/sampling").status_code == 403


def test_api_file_upload_for_both_imports(client, db_session, library, make_token, make_enterprise):
    ent = make_enterprise()
    _user, headers = make_token("350100", departments=("quality_supervision", "consumer_protection"))
    data = _xlsx(ecqs.TEMPLATE_HEADERS, _sampling_rows(ent.uscc)).getvalue()
    first = client.post("/api/v1/sampling-results/file", headers=headers,
                        data={"file": (io.BytesIO(data), "results.xlsx")}, content_type="multipart/form-data")
    assert first.status_code == 200 and first.get_json()["counts"] == {"created": 2, "error": 1}
    case = db_session.get(Case, db_session.scalar(select(SamplingResult.case_id).where(
        SamplingResult.report_no == "BG-X1")))
    assert (case.facts["brand"], case.facts["model"], case.facts["batch"]) == ("好壶", "HK-1", "20260101")
    again = client.post("/api/v1/sampling-results/file", headers=headers,
                        data={"file": (io.BytesIO(data), "results.xlsx")}, content_type="multipart/form-data")
    assert again.get_json()["counts"] == {"unchanged": 2, "error": 1}
    text = ",".join(complaints.TEMPLATE_HEADERS) + f"\n12315-F,投诉,{day(-1)},某商行,,350121,其他,插座,插座发热\n"
    leads = client.post("/api/v1/complaints/file", headers=headers,
                        data={"file": (io.BytesIO(text.encode("utf-8-sig")), "c.csv")},
                        content_type="multipart/form-data")
    assert leads.status_code == 200 and leads.get_json()["counts"] == {"created": 1}
    wrong = client.post("/api/v1/complaints/file", headers=headers,
                        data={"file": (io.BytesIO(b"x"), "c.pdf")}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and wrong.mimetype == "application/problem+json"
