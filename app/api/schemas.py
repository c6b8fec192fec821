"""Output schemas of the JSON API (the input schemas are the web forms' own, from the domains)."""
from marshmallow import Schema, fields


class EnterpriseOut(Schema):
    """An enterprise as the API shows it."""

    uscc = fields.Str()
    name = fields.Str()
    region_code = fields.Str()


class CaseOut(Schema):
    """A case: identity, bureau, enterprise, product, status and its record fields."""

    id = fields.Int()
    number = fields.Str()
    kind = fields.Str()
    title = fields.Str()
    status = fields.Str()
    org_unit_code = fields.Function(lambda c: c.org_unit.code if c.org_unit else "")
    org_unit_name = fields.Function(lambda c: c.org_unit.name if c.org_unit else "")
    enterprise = fields.Nested(EnterpriseOut, allow_none=True)
    product_category = fields.Str()
    product_name = fields.Str()
    is_key_product = fields.Bool()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class CaseDetailOut(CaseOut):
    """A case with its record fields (the data its forms collected)."""

    facts = fields.Dict()


class CaseListItem(Schema):
    """A case list row with its open-task figures."""

    case = fields.Nested(CaseOut)
    open_tasks = fields.Int()
    overdue_tasks = fields.Int()
    next_due_at = fields.DateTime(allow_none=True)


class TaskOut(Schema):
    """A human task."""

    id = fields.Int()
    case_id = fields.Int(allow_none=True)
    title = fields.Str()
    spec_name = fields.Str()
    form_key = fields.Str(allow_none=True)
    department_code = fields.Str(allow_none=True)
    org_unit_id = fields.Int(allow_none=True)
    assignee_id = fields.Int(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class FormFieldOut(Schema):
    """One field of a task form: what `complete` accepts under `data`."""

    name = fields.Str()
    label = fields.Str()
    type = fields.Str()
    required = fields.Bool()
    options = fields.List(fields.Str())
    columns = fields.List(fields.Str(), metadata={"description": "表格字段的列名"})


class TaskDetailOut(TaskOut):
    """A task with the fields of its form."""

    form_fields = fields.List(fields.Nested(FormFieldOut))


class NextTaskOut(Schema):
    """A task the completion created."""

    title = fields.Str()
    department = fields.Str()
    org_unit = fields.Str()


class CompletionOut(Schema):
    """What completing a task did."""

    task_id = fields.Int()
    process_status = fields.Str()
    engine_error = fields.Str()
    next_tasks = fields.List(fields.Nested(NextTaskOut))


class CompleteIn(Schema):
    """The form data of a task: {"data": {field: value, table: [{column: value}]}}."""

    data = fields.Dict(required=True, metadata={"description": "表单字段与值，与网页表单相同的校验"})


class MessageOut(Schema):
    """An outside event a case's process can receive."""

    name = fields.Str()
    label = fields.Str()
    is_awaited = fields.Bool()
    stored_count = fields.Int()


class EventResultOut(Schema):
    """What registering an outside event did."""

    name = fields.Str()
    label = fields.Str()
    is_delivered = fields.Bool(metadata={"description": "true：已送达等待中的流程；false：已保存，待流程就绪时送达"})


class CaseIdsOut(Schema):
    """The cases a start opened."""

    ids = fields.List(fields.Int())
    numbers = fields.List(fields.Str())
