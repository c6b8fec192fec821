"""Browser, tablet portrait (820x1180): every navigation entry is on screen and wide tables scroll
inside their wrapper instead of widening the page."""
import pytest

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}


def _page_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_supervisor_sees_every_nav_entry_on_a_tablet(page, login):
    page.set_viewport_size(TABLET)
    login(page, "fz_qs_head")
    entries = page.locator("nav.mainnav a")
    labels = entries.all_inner_texts()
    assert {"超期督办", "统计分析", "统计报表"} <= {t.strip() for t in labels}
    for i in range(entries.count()):
        box = entries.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= TABLET["width"], labels[i]
    assert _page_overflow(page) == 0


@pytest.fixture(scope="module")
def a_case(live_server):
    """One case in 闽侯县 with a long title, so the list has a row to lay out."""
    from app.cases.services import get_or_create_enterprise, open_case
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    with live_server.session():
        ent = get_or_create_enterprise(make_uscc("91350121MA31T4B10"), "闽侯平板布局演示电器有限公司", region_code="350121")
        case = open_case("penalty_case", unit_by_code("350121"), title="平板布局演示：家用燃气灶具抽检不合格立案调查",
                         enterprise=ent, product_category="gas_appliance", product_name="家用燃气灶具",
                         facts={}, start_process=False)
        return case.number


def test_case_list_scrolls_inside_its_wrapper_on_a_tablet(page, login, a_case):
    page.set_viewport_size(TABLET)
    login(page, "fj_qs_head")
    page.goto("/cases/")
    wrap = page.locator(".table-wrap").first
    widths = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert widths[0] > widths[1], "the table is wider than the screen and scrolls sideways"
    assert _page_overflow(page) == 0
    # A case number stays on one line instead of breaking into pieces.
    first = page.locator(".case-table tbody tr td:first-child a", has_text=a_case)
    assert first.evaluate("a => a.getClientRects().length") == 1
