"""Browser: under the Content-Security-Policy the modeler (bpmn-js), the case diagram and the dashboard (ECharts)
still draw, and the browser reports no blocked script, style or image."""
import pytest

pytestmark = pytest.mark.browser


def _watch(page):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: blocked.append(str(exc)))
    return blocked


def test_modeler_and_dashboard_work_under_the_policy(page, login):
    blocked = _watch(page)
    login(page, "admin")
    page.goto("/admin/modeler")
    page.wait_for_selector("body[data-modeler-ready='1']", state="attached")
    assert page.locator(".djs-container svg").count() >= 1
    page.goto("/reports/dashboard")
    page.wait_for_selector("#chart-trend canvas, #chart-trend svg", state="attached")
    page.goto("/admin/")
    assert blocked == []
