"""In the browser, down and up the chain: the province head issues a campaign; the city passes it on; a
county clerk imports its enterprises from an XLSX and launches self-inspection; the city sees the progress;
the county submits its weekly report; the city sees who is missing, returns one, submits its own; and the
province's report shows the per-city breakdown."""
import re
from io import BytesIO

from openpyxl import Workbook

from app.formdefs.uscc import make_uscc
from tests.dates import day

NAME = "浏览器测试·重点工业产品质量安全隐患排查治理"


def _xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "产品类别", "主要产品"])
    ws.append([make_uscc("91350121MA7BT0001"), "闽侯县浏览器燃气具厂", "燃气器具", "燃气灶"])
    ws.append([make_uscc("91350121MA7BT0002"), "闽侯县浏览器童装厂", "童鞋童装", "童装"])
    ws.append(["91350121MA7BT00030", "校验位错误的企业", "电线电缆", ""])
    out = BytesIO()
    wb.save(out)
    path.write_bytes(out.getvalue())
    return path


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def _as(page, login, username):
    """Log in as another user (a fresh session: the cookies of the previous one are dropped)."""
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login(page, username)


def _submit(page, selector):
    """Click a button that posts a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def test_campaign_down_and_reports_up_the_chain(page, login, live_server, tmp_path):
    _accept_dialogs(page)
    # The province head creates the campaign and issues it to the cities.
    _as(page, login, "fj_qs_head")
    page.goto("/campaigns/")
    form = page.locator("#new-campaign")
    form.locator("input[name=name]").fill(NAME)
    form.locator("input[name=start_date]").fill(day(-21))
    form.locator("input[name=stage_date]").fill(day(40))
    form.locator("input[name=annual_date]").fill(day(150))
    for n, offset in ((1, 10), (2, 40), (3, 100)):
        form.locator(f"input[name=phase_due_{n}]").fill(day(offset))
    form.locator("input[name=class_codes][value=plastic_products]").uncheck()  # left to the cities
    with page.expect_navigation(url=re.compile(r"/campaigns/\d+$")):
        form.locator("button.btn-primary").click()
    campaign_url = page.url
    _submit(page, "#issue")
    assert "已下发至" in page.inner_text("body")

    # The city acknowledges, adding a local class, which passes the campaign to its counties.
    _as(page, login, "fz_qs_head")
    page.goto(campaign_url)
    page.check("#acknowledge input[value=plastic_products]")
    _submit(page, "#acknowledge button")
    assert "已签收" in page.inner_text("#acknowledge")

    # The county clerk imports the register from Excel (one bad row is reported) and launches self-inspection.
    _as(page, login, "mh_qs")
    page.goto(campaign_url)
    page.set_input_files("#import-form input[type=file]", str(_xlsx(tmp_path / "名录.xlsx")))
    _submit(page, "#import-form button")
    assert "第 4 行" in page.inner_text("#import-errors")
    assert page.locator("#register-rows tbody tr").count() == 2
    _submit(page, "#launch")
    assert "已为 2 家企业发起自查" in page.inner_text("body")
    assert page.locator("#register-rows a", has_text="查看").count() == 2

    # The city sees Minhou's progress; the figure opens the cases.
    _as(page, login, "fz_qs_head")
    page.goto(campaign_url)
    row = page.locator("#progress tbody tr[data-unit='350121']")
    assert row.locator("td").nth(2).inner_text().strip() == "2"  # launched
    with page.expect_navigation():
        row.locator("td").nth(2).locator("a").click()
    assert page.locator("#figure-cases tbody tr").count() == 2

    # The report day's drafts (the scheduler job), then the county head submits Minhou's weekly report.
    from app.reports.jobs import generate_weekly_reports

    with live_server.session():
        generate_weekly_reports()
    _as(page, login, "mh_qs_head")
    page.goto("/reports/?kind=weekly")
    with page.expect_navigation():
        page.locator("table.grid tbody tr", has_text="闽侯县").first.locator("a").click()
    minhou_report = page.url
    _submit(page, "button:has-text('审核报送')")
    assert "报表已报送" in page.inner_text("body")

    # The city sees who has not reported, reminds one, returns Minhou's report, then submits its own.
    _as(page, login, "fz_qs_head")
    page.goto(campaign_url)
    status = page.locator("#report-status")
    assert "已报送" in status.locator("tr[data-unit='350121']").inner_text()
    gulou = status.locator("tr[data-unit='350102']")
    assert re.search("未报送|逾期", gulou.inner_text())
    with page.expect_navigation():
        gulou.locator("button:has-text('催报')").click()
    assert "已催报" in page.inner_text("body")
    page.goto(minhou_report)
    page.fill("#return-form input[name=reason]", "请补充本周约谈情况")
    _submit(page, "#return-form button")
    assert "报表已退回" in page.inner_text("body")
    page.goto(campaign_url)
    assert "已退回" in page.locator("#report-status tr[data-unit='350121']").inner_text() or \
        "逾期" in page.locator("#report-status tr[data-unit='350121']").inner_text()
    page.goto("/reports/?kind=weekly")
    with page.expect_navigation():
        page.locator("table.grid tbody tr", has_text="福州市市场监督管理局").first.locator("a").click()
    assert page.locator("#children").count() == 1  # the city's own report lists its counties
    _submit(page, "button:has-text('审核报送')")
    assert "报表已报送" in page.inner_text("body")

    # The province's report shows the per-city breakdown: Fuzhou submitted, the others not yet.
    _as(page, login, "fj_qs_head")
    page.goto("/reports/?kind=weekly")
    with page.expect_navigation():
        page.locator("table.grid tbody tr", has_text="福建省市场监督管理局").first.locator("a").click()
    children = page.locator("#children")
    header = children.locator("thead").inner_text()
    assert "福州市市场监督管理局" in header and "厦门市市场监督管理局" in header and "未报送" in header
    assert children.locator("tbody tr[data-key='cases_opened'] td").count() >= 3
