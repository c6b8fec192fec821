"""Instance page as a process admin reads it: departments by name, not by code."""
from tests.operations.conftest import open_tasks


def test_open_task_shows_department_name_not_code(ops_client, review_case, db_session):
    case, inst = review_case()
    [task] = open_tasks(db_session, case.id)
    assert task.department_code == "quality_supervision"
    html = ops_client.get(f"/admin/instances/{inst.id}").get_data(as_text=True)
    assert "质量监督科" in html
    assert ">quality_supervision<" not in html
