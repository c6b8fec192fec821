"""Schemathesis over the whole OpenAPI document: every operation, no server error, responses as documented."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ALL_SCOPES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _document():
    # The document needs no database: a throwaway app builds it at collection time; the calls go to the
    # test session's app (and its rolled-back transaction) below.
    from app import create_app
    from tests.conftest import TEST_CONFIG

    throwaway = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    return throwaway.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture()
def api_headers(app, db_session, library, make_token):
    _user, headers = make_token("350100", departments=("quality_supervision", "consumer_protection"),
                                scopes=ALL_SCOPES)
    # The requests commit or roll back on their own: the token must already be in the (outer) transaction.
    db_session.commit()
    return headers


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, app, api_headers):
    case.operation.schema.app = app
    case.headers = {**(case.headers or {}), **api_headers}
    case.call_and_validate(app=app, checks=CHECKS)


def test_the_document_covers_every_api_route(app):
    documented = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")} - {
        "/api/v1/openapi.json"}
    as_openapi = {r.replace("<int:", "{").replace(">", "}") for r in routes}
    assert as_openapi == set(documented)


def test_docs_page_uses_local_files_and_no_inline_script(client):
    page = client.get("/api/docs").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/static/' in attrs for attrs in scripts)
    assert "/api/v1/openapi.json" in page and "http" not in page.split("<body>")[1]
