"""A task form's attachment field accepts only documents of the task's own case."""
import io

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.cases.attachments import save_attachment
from app.engine.deploy import deploy_files
from app.engine.models import HumanTask
from app.formdefs.loader import load_form_dict
from app.inbox.services import submit_task
from tests.cases.case_bpmn import lifecycle_xml

FORM = load_form_dict({"key": "test_form", "title": "整改材料", "fields": [
    {"name": "rectify_files", "label": "整改佐证材料", "type": "attachments"}]})


class _Upload:
    def __init__(self, name):
        self.filename, self.stream = name, io.BytesIO(b"%PDF-1.4 review")


def _setup(make_user, make_case):
    deploy_files({"penalty_case.bpmn": lifecycle_xml("penalty_case").encode("utf-8")}, form_exists=None)
    worker = make_user("350121")
    mine = make_case("penalty_case", org_code="350121")
    other = make_case("penalty_case", org_code="350203")  # 厦门思明区: another city's case
    own_doc = save_attachment(mine, _Upload("本案报告.pdf"), worker)
    foreign_doc = save_attachment(other, _Upload("他案报告.pdf"), worker)
    task = next(iter(t for t in _open_tasks(mine.id)))
    return worker, task, own_doc, foreign_doc


def _open_tasks(case_id):
    from app.db import db

    return db.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "ready"))


def test_another_cases_document_is_refused_and_the_task_stays_open(db_session, make_user, make_case):
    worker, task, own_doc, foreign_doc = _setup(make_user, make_case)
    outcome = submit_task(task.id, worker, FORM, MultiDict([("rectify_files", str(own_doc.id)),
                                                            ("rectify_files", str(foreign_doc.id))]))
    assert not outcome.ok
    assert outcome.errors["rectify_files"] == ["所选附件不属于本案件"]
    assert task.status == "ready"


def test_own_documents_are_accepted(db_session, make_user, make_case):
    worker, task, own_doc, _foreign = _setup(make_user, make_case)
    outcome = submit_task(task.id, worker, FORM, MultiDict([("rectify_files", str(own_doc.id))]))
    assert outcome.ok and outcome.values["rectify_files"] == [own_doc.id]
    assert task.status == "completed"
