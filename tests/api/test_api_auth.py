"""Tokens: 401 without one, 403 out of scope, 404 for another region's object, audit of every call, CSRF."""
from sqlalchemy import select

from app.api.tokens import create_token, revoke_token
from app.audit.models import CaseEvent
from tests.dates import day


def test_anonymous_and_bad_tokens_get_401_problem_json(client, make_token):
    for headers in ({}, {"Authorization": "Bearer qsf_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/cases", headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["status"] == 401 and body["error"] == "unauthorized" and "令牌" in body["detail"]


def test_revoked_token_is_refused_at_once(client, make_user, db_session):
    user = make_user()
    token, secret = create_token("临时令牌", user, ["cases:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    revoke_token(token.id)
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_secret_is_stored_hashed(make_user, db_session):
    token, secret = create_token("哈希令牌", make_user(), ["cases:read"])
    assert secret not in (token.token_hash, token.prefix) and len(token.token_hash) == 64


def test_scope_missing_is_403(client, make_token):
    _user, headers = make_token(scopes=("disclosures:read",))
    response = client.get("/api/v1/cases", headers=headers)
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    assert "cases:read" in response.get_json()["detail"]


def test_another_regions_case_and_task_are_404(client, make_token, make_case, db_session, library):
    from app.engine.models import HumanTask

    _user, headers = make_token("350121")
    other = make_case("failed_sample_disposal", "350200", facts={"sample_no": "X1"})
    response = client.get(f"/api/v1/cases/{other.id}", headers=headers)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    task = db_session.scalar(select(HumanTask).where(HumanTask.case_id == other.id))
    if task is not None:
        assert client.get(f"/api/v1/tasks/{task.id}", headers=headers).status_code == 404
        assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers).status_code == 404
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert other.id not in [row["case"]["id"] for row in listed]


def test_every_call_is_audited_even_refused_ones(client, make_token, db_session):
    user, headers = make_token(scopes=("cases:read",))
    client.get("/api/v1/cases", headers=headers)
    client.get("/api/v1/tasks", headers=headers)
    events = db_session.scalars(select(CaseEvent).where(CaseEvent.actor_id == user.id,
                                                         CaseEvent.event_type.like("api_call%"))).all()
    kinds = sorted((e.event_type, e.data.get("path")) for e in events)
    assert kinds == [("api_call", "/api/v1/cases"), ("api_call_refused", "/api/v1/tasks")]


def test_csrf_spares_token_calls_but_guards_web_forms(client, make_token, csrf_enabled, library):
    _user, headers = make_token()
    response = client.post("/api/v1/cases/sampling-task", headers=headers, json={
        "plan_name": "2026年电线电缆监督抽查", "product_category": "wire_cable", "product_name": "电线",
        "sample_count": 5, "sampling_due": day(60)})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["kind"] == "supervision_sampling"
    refused = client.post("/cases/start/sampling", data={"plan_name": "x"})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)


def test_nul_in_a_json_body_is_refused_before_any_query(client, make_token):
    _user, headers = make_token()
    response = client.post("/api/v1/complaints", headers=headers,
                           json={"complaints": [{"number": "a\x00b", "kind": "complaint"}]})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]
