"""Input schemas of the process-administration pages and JSON endpoints."""
from marshmallow import EXCLUDE, Schema, fields, validate

from app.db import MAX_ID
from app.engine.lint import PROCESS_KEY
from app.errors import first_error  # noqa: F401  (re-exported for the views)


class XmlPayloadSchema(Schema):
    """BPMN XML posted by the modeler (validate, save as draft, deploy)."""

    class Meta:
        unknown = EXCLUDE

    xml = fields.String(required=True, validate=validate.Length(min=1, error="流程 XML 为空"),
                        error_messages={"required": "缺少流程 XML", "invalid": "流程 XML 须为文本"})
    base_definition_id = fields.Integer(load_default=None, allow_none=True,
                                        validate=validate.Range(min=1, max=MAX_ID, error="基准版本编号无效"),
                                        error_messages={"invalid": "基准版本编号无效"})
    replace_builtin = fields.Boolean(load_default=False, error_messages={"invalid": "确认标记无效"})


class ModelerQuerySchema(Schema):
    """Which process the modeler opens (none: a new blank process)."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(load_default=None, validate=validate.Regexp(PROCESS_KEY, error="流程标识无效"))
    version = fields.Integer(load_default=None, validate=validate.Range(min=1),
                             error_messages={"invalid": "版本号无效"})


class DiffQuerySchema(Schema):
    """The two versions of the diff page."""

    class Meta:
        unknown = EXCLUDE

    from_version = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1),
                                  error_messages={"required": "请选择原版本", "invalid": "版本号无效"})
    to_version = fields.Integer(data_key="to", required=True, validate=validate.Range(min=1),
                                error_messages={"required": "请选择新版本", "invalid": "版本号无效"})
