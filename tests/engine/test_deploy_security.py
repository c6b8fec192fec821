"""Untrusted BPMN is refused before the parser sees it, with a located, Chinese message."""
import pytest

from app.engine.deploy import deploy_files
from app.engine.errors import DeployError
from tests.engine import samples

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&xxe;</bpmn:definitions>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&lol3;</bpmn:definitions>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_refused(db_session, payload):
    with pytest.raises(DeployError) as err:
        deploy_files({"evil.bpmn": payload}, form_exists=None)
    problem = err.value.problems[0]
    assert problem.file == "evil.bpmn" and "DOCTYPE" in problem.message


def test_oversized_file_refused(db_session, app):
    big = samples.review_process().encode() + b"<!--" + b"x" * app.config["MAX_BPMN_BYTES"] + b"-->"
    with pytest.raises(DeployError) as err:
        deploy_files({"big.bpmn": big}, form_exists=None)
    assert "过大" in err.value.problems[0].message


def test_malformed_xml_reports_line(db_session):
    broken = samples.review_process().replace("</bpmn:process>", "", 1).encode()
    with pytest.raises(DeployError) as err:
        deploy_files({"broken.bpmn": broken}, form_exists=None)
    assert err.value.problems[0].line is not None


def test_missing_form_refused_when_forms_checked(db_session):
    with pytest.raises(DeployError) as err:
        deploy_files({"r.bpmn": samples.review_process().encode()}, form_exists=lambda key: False)
    assert {p.element for p in err.value.problems} >= {"review", "act", "escalate"}
    assert "表单 test_form 不存在" in err.value.problems[0].message


def test_user_task_without_department_refused(db_session):
    xml = samples.review_process().replace('name="department" value="enforcement"', 'name="other" value=""')
    with pytest.raises(DeployError) as err:
        deploy_files({"r.bpmn": xml.encode()}, form_exists=None)
    assert [p.element for p in err.value.problems] == ["act"]


def test_oversize_message_states_the_size_and_the_real_limit(db_session, app):
    limit = app.config["MAX_BPMN_BYTES"]
    big = samples.review_process().encode() + b"<!--" + b"x" * limit + b"-->"
    with pytest.raises(DeployError) as err:
        deploy_files({"big.bpmn": big}, form_exists=None)
    message = err.value.problems[0].message
    assert f"{len(big)} 字节" in message and "上限" in message and f"{limit} 字节" in message
