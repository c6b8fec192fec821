"""Exactly one navigation entry is highlighted, also where two entries share a blueprint (reports)."""
import re


def _active(client, url):
    html = client.get(url).get_data(as_text=True)
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'class="active">([^<]+)<', nav)


def test_one_active_entry_per_page(client, make_user, login_as):
    login_as(make_user("350100", ["quality_supervision"], ["staff", "supervisor"]))
    assert _active(client, "/reports/dashboard") == ["统计分析"]
    assert _active(client, "/reports/") == ["统计报表"]
    assert _active(client, "/inbox/department") == ["待办任务"]
    assert _active(client, "/supervision/listed") == ["超期督办"]
    assert _active(client, "/") == ["工作台"]
