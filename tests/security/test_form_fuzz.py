"""Hypothesis posts malformed values to every form (and query string) of the site: never a server error."""
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.engine.models import HumanTask, ProcessInstance

ROOT = Path(__file__).resolve().parents[2]
# Every field name a template of ours submits, plus the ids and JSON members the views read.
FIELD_NAMES = sorted({n for p in (ROOT / "app").rglob("*.html")
                      for n in re.findall(r'name="([A-Za-z_][\w\-\[\]]*)"', p.read_text(encoding="utf-8"))}
                     | {"human_task_id", "attachment_ids", "instance_ids", "target", "version", "page", "per_page",
                        "assignee_id", "enterprise_id", "enterprise_ids", "key", "xml", "from", "to", "next"})
NASTY = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "9223372036854775808", "2147483648", "99999999999999999999999", "1e309",
                     "NaN", "nan", "inf", "-0", "1.5", "true", "null", "[]", "{}", "'; DROP TABLE case; --",
                     "<script>alert(1)</script>", "../../etc/passwd", "\u202e", "２０２６-０１-０１", "2026-02-30",
                     "9999-12-31", "0000-00-00", "x" * 5000, "%00", "\ud7ff", "１２３", "P15D", "${x}"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
    st.integers(min_value=-2**70, max_value=2**70).map(str),
)
FORM = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(NASTY, st.lists(NASTY, max_size=3)), max_size=8)


def _urls(app, world):
    """(method, url) for every route, with real ids where the route takes one."""
    values = {"case_id": world["case_id"], "task_id": world["task_id"], "instance_id": world["instance_id"],
              "notification_id": 1, "report_id": 1, "year": 2026, "key": "penalty_case", "definition_id": 1,
              "attachment_id": 1}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in ("/logout",):
            continue
        options = [{}]
        for arg in rule.arguments:
            converter = rule._converters[arg]
            choices = getattr(converter, "items", None) or getattr(converter, "_items", None)
            if arg == "what":
                picks = ["failed_sample", "campaign", "risk_signal", "sampling", "nope"]
            elif choices:
                picks = sorted(choices)
            else:
                picks = [values.get(arg, 1)]
            options = [{**o, arg: p} for o in options for p in picks]
        for o in options:
            url = rule.rule
            for arg, value in o.items():
                url = re.sub(rf"<[^>]*\b{arg}>", str(value), url)
            for method in ("POST", "GET"):
                if method in rule.methods:
                    found.append((method, url))
    return sorted(set(found))


def test_malformed_values_never_give_a_server_error(app, db_session, client, kinds_deployed, make_user, make_case,
                                                    login_as):
    user = make_user("350121", ["quality_supervision", "enforcement", "credit", "consumer_protection"],
                     roles=("staff", "supervisor", "process_admin", "system_admin"))
    case = make_case("penalty_case", "350121")
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == case.id))
    inst = db_session.scalar(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    login_as(user)
    urls = _urls(app, {"case_id": case.id, "task_id": task.id, "instance_id": inst.id})
    assert len(urls) > 60
    failures, seen = [], []

    @settings(max_examples=400, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.sampled_from(urls), FORM, st.booleans())
    def post(target, form, as_json):
        method, url = target
        if method == "GET":
            response = client.get(url, query_string=form)
        elif as_json or "/api/" in url:
            response = client.post(url, json=form)
        else:
            response = client.post(url, data=form)
        seen.append(response.status_code)
        if response.status_code >= 500:
            failures.append((method, url, form, response.status_code))
        assert response.status_code < 500, (method, url, form)

    post()
    assert failures == []
    # The requests reached the views: forms were refused with 4xx and many answered normally.
    assert {200, 302} & set(seen) and {400, 404} & set(seen)
