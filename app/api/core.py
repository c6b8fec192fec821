"""The flask-smorest Api of QSFlow: problem+json errors in the OpenAPI document, token auth on every blueprint."""
import http
from decimal import Decimal

from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

from app.errors import PROBLEM_JSON


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details) with a Chinese title; `errors` holds field messages."""

    class Meta:
        unknown = INCLUDE  # extension members (e.g. `field`) are allowed by RFC 9457

    type = fields.Str(metadata={"example": "about:blank"})
    title = fields.Str(metadata={"description": "问题类别（中文）"})
    status = fields.Int()
    detail = fields.Str(metadata={"description": "具体说明（中文）"})
    message = fields.Str()
    error = fields.Str(metadata={"description": "机器可读的错误类别，如 not_found、forbidden、invalid_input"})
    errors = fields.Dict(metadata={"description": "逐字段的校验信息"})


class QSFlowApi(Api):
    """flask-smorest's Api with our errors: the app's own handlers render problem+json for /api/."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self):
        # The app's handlers (app.errors) already answer /api/ paths with problem+json; flask-smorest's
        # own HTTPException handler would replace them for the HTML pages too.
        return None

    def _register_responses(self):
        # As flask-smorest does, but errors are documented as application/problem+json, the type they
        # are sent with (a client or schemathesis checks the type against the document).
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（application/problem+json，RFC 9457）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def numeric_bounds(self, field, ret, **_kw):
    """apispec keeps a Decimal field's range as Decimal, which JSON writes as a string; OpenAPI wants numbers."""
    return {key: float(ret[key]) for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
            if isinstance(ret.get(key), (str, Decimal))}


class ApiBlueprint(SmorestBlueprint):
    """A blueprint of the JSON API: every call needs a token and is audited."""

    def __init__(self, *args, **kwargs):
        from app.api.auth import audit_refused, authenticate

        super().__init__(*args, **kwargs)
        self.before_request(authenticate)
        self.after_request(audit_refused)
