"""Browser: the case page draws the process with the current task highlighted; other cities get 404."""
import pytest

from tests.cases.case_bpmn import lifecycle_xml

pytestmark = pytest.mark.browser

KIND = "case_page_demo"  # its own process key, so other browser tests' processes stay untouched


@pytest.fixture(scope="module")
def demo_case(live_server):
    """A case in 闽侯县 whose process waits at its first task (登记审核)."""
    live_server.add_form({"key": "test_form", "title": "测试表单",
                          "fields": [{"name": "remark", "label": "备注", "type": "text"}]})
    live_server.deploy_xml(lifecycle_xml(KIND, name="案件页演示流程"), filename=f"{KIND}.bpmn")
    from app.cases.services import get_or_create_enterprise, open_case
    from app.formdefs.uscc import make_uscc
    from app.seed.reference import unit_by_code

    with live_server.session():
        ent = get_or_create_enterprise(make_uscc("91350121MA31D7E90"), "闽侯演示电缆有限公司", region_code="350121")
        case = open_case(KIND, unit_by_code("350121"), title="电缆抽检不合格演示案", enterprise=ent,
                         product_category="wire_cable", product_name="BV电线", facts={"sample_no": "YP-DEMO-1"})
        return {"id": case.id, "number": case.number}


def test_case_diagram_highlights_the_current_task(page, login, demo_case):
    login(page, "mh_qs")
    page.goto(f"/cases/{demo_case['id']}")
    assert demo_case["number"] in page.inner_text("h1 + .case-badges")
    current = page.locator('#case-diagram .djs-element.qs-current[data-element-id="register"]')
    current.wait_for(state="attached")
    assert current.count() == 1
    # Nothing else is current, and the next step is not marked done yet.
    assert page.locator("#case-diagram .qs-current").count() == 1
    assert page.locator('#case-diagram [data-element-id="review"].qs-done').count() == 0
    assert "YP-DEMO-1" in page.inner_text("#facts")
    assert "登记审核" in page.inner_text("#deadlines")


def test_case_is_found_in_the_list_of_its_city(page, login, demo_case):
    login(page, "fz_qs")
    page.goto("/cases/?q=电缆抽检不合格演示案")
    page.click(f"text={demo_case['number']}")
    page.wait_for_url(f"**/cases/{demo_case['id']}")
    assert "闽侯演示电缆有限公司" in page.inner_text("#parties")


def test_another_city_gets_404_on_the_case(page, login, demo_case):
    login(page, "xm_qs")
    response = page.goto(f"/cases/{demo_case['id']}")
    assert response.status == 404
    assert "电缆抽检不合格演示案" not in page.content()
    assert page.request.get(f"/cases/{demo_case['id']}/diagram.json").status == 404
    page.goto("/cases/?q=电缆抽检不合格演示案")
    assert demo_case["number"] not in page.content()
