"""In the browser: a city quality-supervision clerk uploads an e-CQS export, reads the preview with the row
that has an error, imports, and the failed result's disposal case opens in the county bureau."""
import io

from openpyxl import Workbook

from app.exchange.ecqs import TEMPLATE_HEADERS


def _export(tmp_path):
    from app.formdefs.uscc import make_uscc

    uscc = make_uscc("91350121MA2XBR001")
    book = Workbook()
    book.active.append(list(TEMPLATE_HEADERS))
    book.active.append(["CC-BR-1", "YP-BR-1", "2026-03-02", "闽侯县浏览器测试电器厂", uscc, "", "电热水壶", "其他", "", "",
                        "", "福建省质检院", "BG-BR-1", "2026-03-20", "不合格", "泄漏电流", "≤0.25mA", "0.80mA", ""])
    book.active.append(["CC-BR-1", "YP-BR-2", "2026-03-02", "闽侯县浏览器测试电器厂", "123", "", "电热水壶", "其他", "",
                        "", "", "福建省质检院", "BG-BR-2", "", "合格", "", "", "", ""])
    path = tmp_path / "ecqs.xlsx"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_upload_preview_and_import(page, login, live_server, tmp_path):
    login(page, "fz_qs")
    page.goto("/exchange/")
    page.click("text=导入抽检结果（e-CQS）")
    page.set_input_files("input[name=file]", str(_export(tmp_path)))
    page.click("#upload-form button[type=submit]")
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-outcome") == "created"
    assert rows.nth(1).get_attribute("data-outcome") == "error" and "uscc" in rows.nth(1).inner_text()
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("text=导入完成")
    link = page.locator("#import-rows a").first
    number = link.inner_text()
    assert number.startswith("BH-350121-")
    link.click()
    assert number in page.content()


def test_api_docs_render_from_local_files(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 15
    assert requested and all(url.startswith(live_server.url) for url in requested)  # no CDN
