"""The main navigation shows each user the pages they may open."""
import re

import pytest


def nav_labels(client, user):
    client.post("/login", data={"username": user.username, "password": "pw-123456"})
    page = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="mainnav">(.*?)</nav>', page, re.S).group(1)
    return set(re.findall(r">([^<>]+)<", nav)) - {""}


@pytest.mark.parametrize("departments, roles, expected, hidden", [
    (["enforcement"], ["staff"], {"待办任务", "案件查询"}, {"统计报表", "统计分析", "流程管理"}),
    (["quality_supervision"], ["staff"], {"统计报表"}, {"统计分析", "超期督办"}),
    (["enforcement"], ["staff", "supervisor"], {"统计报表", "统计分析", "超期督办"}, {"流程管理"}),
    (["it_office"], ["process_admin"], {"流程管理", "实例运维"}, {"统计分析"}),
])
def test_nav_entries_follow_role_and_department(client, make_user, departments, roles, expected, hidden):
    user = make_user("350121", departments, roles)
    labels = nav_labels(client, user)
    assert expected <= labels and not (hidden & labels)
