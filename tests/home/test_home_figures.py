"""The home page's figures equal the inbox lists they open."""
import re
from datetime import UTC, datetime

from freezegun import freeze_time
from sqlalchemy import select

from app.engine import tasks
from app.engine.models import HumanTask
from tests.engine import samples


def card_figures(page):
    """{label: (number, link)} of the home page's figure cards."""
    cards = re.findall(r'<a class="card stat[^"]*" href="([^"]*)"><span class="num">(\d+)</span>([^<]+)</a>', page)
    return {label.strip(): (int(num), href.replace("&amp;", "&")) for href, num, label in cards}


def rows_on(client, url):
    return client.get(url).get_data(as_text=True).count('<tr data-task-id=')


def test_home_cards_match_the_inbox_lists(client, db_session, deploy_xml, make_case, make_user):
    deploy_xml(samples.review_process())
    clerk = make_user("350121", ["quality_supervision"])
    with freeze_time("2026-09-28 02:00:00"):  # due 10 Oct (National Day in between)
        first, second, third = (make_case("review_flow", org_code="350121") for _ in range(3))
    rows = {c.id: db_session.scalar(select(HumanTask).where(HumanTask.case_id == c.id)) for c in (first, second, third)}
    tasks.claim_task(rows[first.id].id, clerk)
    tasks.claim_task(rows[second.id].id, clerk)
    rows[second.id].due_at = datetime(2026, 10, 30, 15, 59, 59, tzinfo=UTC)
    client.post("/login", data={"username": clerk.username, "password": "pw-123456"})
    with freeze_time("2026-10-27 02:00:00"):  # Tuesday: the first is overdue, the second due Friday
        figures = card_figures(client.get("/").get_data(as_text=True))
        assert figures["我的待办"][0] == 2
        assert figures["我的超期"][0] == 1
        assert figures["3个工作日内到期"][0] == 1
        assert figures["本科室待认领"][0] == 1
        assert figures["本科室超期"][0] == 1
        for label, (number, link) in figures.items():
            if link.startswith("/inbox") or link.startswith("/tasks"):
                assert rows_on(client, link) == number, label
