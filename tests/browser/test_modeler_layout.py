"""Browser, desktop (1366x768) and tablet (820 px): the modeler opens with no element under its palette and at
a readable zoom; on a tablet the properties panel is a drawer over a full-width canvas; the version diff shows
each changed property with its old and new value."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
SIZES = pytest.mark.parametrize("size", [DESKTOP, TABLET], ids=["1366", "820"])
DIFF_KEY = "ux_diff_values"
FORM = {"key": "ux_diff_form", "title": "复核意见", "fields": [{"name": "comment", "label": "意见", "type": "text"}]}

# Shapes (canvas-relative screen boxes) that overlap the palette while on screen.
UNDER_PALETTE = """() => {
  const c = document.getElementById('canvas').getBoundingClientRect();
  const p = document.querySelector('#canvas .djs-palette').getBoundingClientRect();
  const hits = [];
  document.querySelectorAll('#canvas g.djs-element.djs-shape').forEach(g => {
    const r = g.getBoundingClientRect();
    const onScreen = r.right > c.left && r.left < c.right && r.bottom > c.top && r.top < c.bottom;
    if (onScreen && r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top) {
      hits.push(g.dataset.elementId);
    }
  });
  return hits;
}"""


def _overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _open_modeler(page, login, size, key="listed_supervision"):
    page.set_viewport_size(size)
    login(page, "admin")
    page.goto(f"/admin/modeler?key={key}")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@SIZES
def test_modeler_opens_with_nothing_under_the_palette_at_a_readable_zoom(page, login, size):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _open_modeler(page, login, size)
    assert page.evaluate(UNDER_PALETTE) == []
    # The long listed-supervision process is not shrunk to unreadable labels: 100 % at most, 80 % at least.
    zoom = page.evaluate("() => window.qsflowModeler.get('canvas').zoom()")
    assert 0.79 <= zoom <= 1.0
    canvas, palette = _box(page, "#canvas"), _box(page, "#canvas .djs-palette")
    for element in ("start", "set_limits"):
        shape = _box(page, f'#canvas g.djs-shape[data-element-id="{element}"]')
        assert shape["x"] >= palette["x"] + palette["width"] and shape["x"] + shape["width"] <= canvas["x"] + canvas["width"]
    # 适合窗口 shows the whole diagram, still clear of the palette.
    page.click("#btn-fit")
    assert page.evaluate("() => window.qsflowModeler.get('canvas').zoom()") < zoom
    assert page.evaluate(UNDER_PALETTE) == []
    end = _box(page, '#canvas g.djs-shape[data-element-id="end_delisted"]')
    assert end["x"] + end["width"] <= canvas["x"] + canvas["width"] + 1
    assert errors == [] and _overflow(page) == 0


def test_tablet_properties_panel_is_a_drawer_over_a_full_width_canvas(page, login):
    _open_modeler(page, login, TABLET)
    canvas = _box(page, "#canvas")
    assert canvas["width"] >= TABLET["width"] - 80  # not squeezed beside the panel
    drawer = page.locator("#panel-drawer")
    expect(drawer).to_be_hidden()
    page.locator('#canvas g.djs-element.djs-shape[data-element-id="ls_propose"] .djs-hit').first.click()
    page.click("#btn-panel")
    expect(drawer).to_be_visible()
    expect(page.locator("#btn-panel")).to_have_attribute("aria-expanded", "true")
    box = drawer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= TABLET["width"]
    assert box["y"] < canvas["y"] + canvas["height"] / 2  # beside the canvas, not dropped below it
    expect(page.locator("#prop-name")).to_have_value("提出挂牌建议")
    expect(page.locator("#prop-department")).to_have_value("quality_supervision")
    page.click("#btn-panel-close")
    expect(drawer).to_be_hidden()
    page.click("#btn-panel")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert _overflow(page) == 0


def test_desktop_keeps_the_side_panel_without_a_drawer_button(page, login):
    _open_modeler(page, login, DESKTOP)
    expect(page.locator("#btn-panel")).to_be_hidden()
    expect(page.locator("#panel-drawer")).to_be_visible()
    canvas, panel = _box(page, "#canvas"), _box(page, "#panel-drawer")
    assert panel["x"] >= canvas["x"] + canvas["width"] and panel["y"] < canvas["y"] + 50


def _diff_xml(department, name):
    props = ('<bpmn:extensionElements><spiffworkflow:properties>'
             f'<spiffworkflow:property name="department" value="{department}"/>'
             '<spiffworkflow:property name="formKey" value="ux_diff_form"/>'
             '</spiffworkflow:properties></bpmn:extensionElements>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{DIFF_KEY}" targetNamespace="http://qsflow.test">
  <bpmn:process id="{DIFF_KEY}" name="对比演示流程" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="{name}">{props}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture(scope="module")
def two_versions(live_server):
    live_server.add_form(FORM)
    live_server.deploy_xml(_diff_xml("quality_supervision", "初审"), f"{DIFF_KEY}.bpmn")
    live_server.deploy_xml(_diff_xml("enforcement", "立案审查"), f"{DIFF_KEY}.bpmn")


@SIZES
def test_version_diff_shows_old_and_new_values(page, login, two_versions, size):
    page.set_viewport_size(size)
    login(page, "admin")
    page.goto(f"/admin/processes/{DIFF_KEY}/diff?from=1&to=2")
    changes = page.locator(".diff-changed tr", has_text="review").locator(".diff-change")
    department = changes.filter(has_text="承办科室")
    expect(department.locator(".diff-old")).to_have_text("quality_supervision")
    expect(department.locator(".diff-new")).to_have_text("enforcement")
    name = changes.filter(has_text="名称")
    expect(name.locator(".diff-old")).to_have_text("初审")
    expect(name.locator(".diff-new")).to_have_text("立案审查")
    assert "→" in department.inner_text()
    new_box = department.locator(".diff-new").bounding_box()
    assert new_box["x"] + new_box["width"] <= size["width"]
    assert _overflow(page) == 0
