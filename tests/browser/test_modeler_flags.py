"""Browser: the modeler's heading tells the truth — no 未保存 flag before an edit, and after deploying
it names the version just deployed; bpmn-js's own tool names are in Chinese."""
import pytest
from playwright.sync_api import expect

from tests.cases.case_bpmn import lifecycle_xml

pytestmark = pytest.mark.browser

KEY = "ux_modeler_flags"  # its own process key, so other browser tests' processes stay untouched


def test_unsaved_flag_and_version_badge(page, login, live_server):
    live_server.add_form({"key": "test_form", "title": "测试表单",
                          "fields": [{"name": "remark", "label": "备注", "type": "text"}]})
    live_server.deploy_xml(lifecycle_xml(KEY, name="建模标记演示"), filename=f"{KEY}.bpmn")
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "admin")
    page.goto(f"/admin/modeler?key={KEY}")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    expect(page.locator("#source-badge")).to_have_text("基于 v1")
    expect(page.locator("#dirty-flag")).to_be_hidden()

    # bpmn-js's own tool names are Chinese on a Chinese page.
    expect(page.locator('.djs-palette .entry[data-action="hand-tool"]')).to_have_attribute("aria-label", "抓手工具（拖动画布）")
    page.locator('g.djs-shape[data-element-id="register"]').click(force=True)
    expect(page.locator('.djs-context-pad .entry[data-action="delete"]')).to_have_attribute("title", "删除")
    page.fill("#prop-name", "登记审核（修订）")
    page.press("#prop-name", "Tab")
    expect(page.locator("#dirty-flag")).to_be_visible()

    page.click("#btn-deploy")
    expect(page.locator("#modeler-status")).to_contain_text("第 2 版")
    expect(page.locator("#source-badge")).to_have_text("基于 v2")
    expect(page.locator("#dirty-flag")).to_be_hidden()
