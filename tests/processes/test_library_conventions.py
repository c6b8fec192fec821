"""Every process in the library follows the conventions the inbox and deadlines rely on."""
from pathlib import Path

import pytest
from lxml import etree

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "s": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FILES = sorted((Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_name_is_the_process_id_and_user_tasks_are_fully_routed(path):
    tree = etree.parse(str(path))
    [process] = tree.findall("bpmn:process", NS)
    assert process.get("id") == path.stem
    for task in process.iterfind(".//bpmn:userTask", NS):
        props = {p.get("name"): p.get("value") for p in task.iterfind(".//s:property", NS)}
        missing = [k for k in ("department", "orgLevel", "formKey", "dueRule") if not props.get(k)]
        assert not missing, f"{task.get('id')} lacks {missing}"
        assert task.get("name"), f"{task.get('id')} has no Chinese name"
