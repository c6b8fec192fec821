"""Words, not codes: the key staff pages, with a failed-sample case run through its real process, show no raw
snake_case key in either language, and no Chinese in the English UI's own words (headings, column heads,
labels, buttons, fact names, navigation); case data (names, titles people typed) may stay Chinese."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cases.models import Case
from app.engine.deploy import deploy_directory
from app.engine.models import HumanTask
from tests.dates import day

ROOT = Path(__file__).resolve().parents[2]
RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Elements that hold the interface's own words (data sits in td/dd/h1 and links).
CHROME = {"h2", "h3", "th", "label", "button", "legend", "dt", "nav", "summary"}
SKIP = {"script", "style", "template", "textarea", "select", "option"}
HEAD_PAGES = ["/supervision/overdue", "/supervision/listed?status=all", "/cases/", "/reports/dashboard", "/reports/"]
START = {
    "enterprise_uscc": "91350100M000100Y43", "enterprise_name": "福州某某电器有限公司", "sample_no": "YP-W1",
    "test_report_no": "BG-W1", "test_lab": "福建省产品质量检验研究院", "test_date": day(-5),
    "product_category": "gas_appliance", "product_name": "家用燃气灶", "goods_value": "5000",
    "failed_items-0-item": "熄火保护", "failed_items-0-limit": "≤60s", "failed_items-0-measured": "95s",
    "failed_items-0-is_safety": "1"}


class _Text(HTMLParser):
    """Visible text, and the text inside the interface's own elements."""

    def __init__(self):
        super().__init__()
        self.stack, self.visible, self.chrome = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "source"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if not data.strip() or SKIP & set(self.stack):
            return
        self.visible.append(data.strip())
        # Data shown inside a heading or label (a link to a case, a person's name) is marked by <a>/<span class=data>.
        if CHROME & set(self.stack) and not {"a", "dd", "td"} & set(self.stack):
            self.chrome.append((self.stack[-1], data.strip()))


def _read(html):
    parser = _Text()
    parser.feed(html)
    return parser


@pytest.fixture()
def walked(db_session, make_user, login_as):
    """A failed sample registered through the start form, its first two steps done; the clerk and a head."""
    from app.engine.service import complete_task
    from app.formdefs.registry import get_registry
    from app.formdefs.schema import validate_submission
    from app.seed.autofill import sample_form_data

    deploy_directory(ROOT / "processes")
    clerk = make_user("350121")
    client = login_as(clerk)
    assert client.post("/cases/start/failed_sample", data=START).status_code == 302
    case = db_session.scalar(select(Case).where(Case.kind == "failed_sample_disposal"))
    done = []
    for _step in range(2):
        task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))
        if task is None or task.department_code != "quality_supervision":
            break
        clean, errors = validate_submission(get_registry().get(task.form_key),
                                            sample_form_data(get_registry().get(task.form_key)))
        assert not errors
        complete_task(task.id, clerk, clean)
        done.append(task)
    head = make_user("350121", roles=("staff", "supervisor"))
    # The head proposes listed supervision from the board: a follow-up case with its listing facts.
    from app.supervision.services import open_listed_supervision

    listing = db_session.get(Case, open_listed_supervision(case.id, head, "重大质量安全隐患", None))
    db_session.commit()
    return {"case": case, "clerk": clerk, "head": head, "done": done, "client": client, "listing": listing}


def _pages(walked):
    case, done = walked["case"], walked["done"]
    from app.db import db

    ready = list(db.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.status == "ready")))
    clerk_pages = ["/", "/inbox/", "/inbox/department", "/inbox/done", f"/cases/{case.id}", "/cases/start",
                   "/cases/start/failed_sample", "/notifications/"] + [f"/inbox/tasks/{t.id}" for t in done]
    return clerk_pages + [f"/inbox/tasks/{i}" for i in ready]


def _visit(client, urls):
    from flask_babel import refresh

    found = {}
    for url in urls:
        refresh()  # the test's app context outlives requests: drop the locale Babel cached in it
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        found[url] = _read(response.get_data(as_text=True))
    return found


def _without(text, words):
    for word in words:
        text = text.replace(word, "")
    return text


def _raw_keys(pages):
    return {url: sorted(set(RAW_KEY.findall(" ".join(p.visible)))) for url, p in pages.items()
            if RAW_KEY.search(" ".join(p.visible))}


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_no_raw_key_on_the_key_pages(walked, login_as, db_session, locale):
    for who, extra in (("clerk", []), ("head", HEAD_PAGES + [f"/cases/{walked['listing'].id}"])):
        client = login_as(walked[who])
        client.post("/locale", data={"locale": locale})
        pages = _visit(client, _pages(walked) + extra)
        assert _raw_keys(pages) == {}, who


def _data_words(db_session, walked):
    """Names that are data, not interface words: bureaus, people, process step names (BPMN), the switch to 中文."""
    from app.auth.models import OrgUnit, User
    from app.engine.messages import catchable_messages

    words = {"中文"} | set(db_session.scalars(select(OrgUnit.name))) | set(db_session.scalars(select(User.display_name)))
    words |= set(db_session.scalars(select(HumanTask.title)))
    words |= {m.element_name for m in catchable_messages(walked["case"].id)}
    return sorted(words, key=len, reverse=True)


def test_no_chinese_in_the_english_interface_words(walked, login_as, db_session):
    data = _data_words(db_session, walked)
    for who, extra in (("clerk", []), ("head", HEAD_PAGES + [f"/cases/{walked['listing'].id}"])):
        client = login_as(walked[who])
        client.post("/locale", data={"locale": "en"})
        pages = _visit(client, _pages(walked) + extra)
        chinese = {url: sorted({f"<{tag}> {text}" for tag, text in p.chrome if CJK.search(_without(text, data))})
                   for url, p in pages.items()}
        left = {url: words for url, words in chinese.items() if words}
        assert left == {}, f"{who}: " + "\n".join(f"{u}: {w}" for u, w in left.items())
