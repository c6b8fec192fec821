"""Numbers: official form, one gap-free series per bureau, kind and year; versions keep their number."""
import hashlib
import io
from datetime import UTC, datetime

import pytest
from docx import Document
from freezegun import freeze_time

from app.audit.services import list_case_events
from app.clock import local_today
from app.documents import numbering
from app.documents.services import issue_document, regenerate_document
from app.errors import Forbidden, InvalidInput


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize(("name", "short"), [("闽侯县市场监督管理局", "闽侯"), ("福州市市场监督管理局", "福州"),
                                             ("福建省市场监督管理局", "福建"), ("平潭综合实验区市场监督管理局", "平潭综合实验")])
def test_bureau_short_names(name, short):
    assert numbering.bureau_short_name(name) == short


def test_numbers_run_per_bureau_kind_and_year_in_the_official_form(hazard_case, clerk, make_user):
    with freeze_time(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)):
        case = hazard_case()
        first = issue_document(case, clerk, "penalty_decision", "罚款人民币伍万元。")
        second = issue_document(case, clerk, "penalty_decision")
        order = issue_document(case, clerk, "rectification_order", "燃气灶熄火保护装置缺失")
        other_case = hazard_case()
        third = issue_document(other_case, clerk, "penalty_decision")
        xiamen = hazard_case("350203")
        xm_clerk = make_user("350203", ("quality_supervision",))
        elsewhere = issue_document(xiamen, xm_clerk, "penalty_decision")
    assert [first.number, second.number, third.number] == [
        "闽侯市监罚字〔2026〕1号", "闽侯市监罚字〔2026〕2号", "闽侯市监罚字〔2026〕3号"]
    assert order.number == "闽侯市监责改字〔2026〕1号"
    assert elsewhere.number == "思明市监罚字〔2026〕1号"
    with freeze_time(datetime(2027, 1, 4, 1, 0, tzinfo=UTC)):
        assert issue_document(case, clerk, "penalty_decision").number == "闽侯市监罚字〔2027〕1号"


def test_the_docx_is_merged_from_the_case_and_stored_with_hash_version_and_author(hazard_case, clerk):
    case = hazard_case()
    doc = issue_document(case, clerk, "rectification_order", "燃气灶熄火保护装置缺失")
    v1 = doc.current
    text = docx_text(v1.content)
    assert doc.number in text and case.enterprise.name in text and case.enterprise.uscc in text
    assert "燃气灶熄火保护装置缺失" in text and "60日内改正" in text and "闽侯县市场监督管理局" in text
    assert "{{" not in text
    assert v1.sha256 == hashlib.sha256(v1.content).hexdigest() and v1.size_bytes == len(v1.content)
    assert (v1.version, v1.generated_by_id) == (1, clerk.id)
    v2 = regenerate_document(case, clerk, doc, "燃气灶熄火保护装置缺失；铭牌缺失")
    assert (v2.version, doc.number) == (2, docx_text(v2.content).split("\n")[2])
    assert [v.version for v in doc.versions] == [1, 2]
    assert "铭牌缺失" not in docx_text(doc.versions[0].content) and "铭牌缺失" in docx_text(v2.content)
    kinds = [e.event_type for e in list_case_events(case.id)]
    assert "document_issued" in kinds and "document_regenerated" in kinds


def test_every_kind_renders_and_only_the_receipt_is_unnumbered(hazard_case, clerk):
    from app.documents.kinds import KINDS

    case = hazard_case()
    for code, kind in KINDS.items():
        doc = issue_document(case, clerk, code, "正文")
        text = docx_text(doc.current.content)
        assert kind.title in text and "{{" not in text, code
        assert bool(doc.number) == (code != "service_receipt"), code
    receipt = [d for d in case_documents(case) if d.kind == "service_receipt"][0]
    assert "闽侯市监罚字〔" in docx_text(receipt.current.content)  # it lists the documents served


def case_documents(case):
    from app.documents.services import list_documents

    return list_documents(case.id)


def test_only_staff_who_worked_on_the_case_issue_documents_and_bad_input_is_refused(hazard_case, clerk, make_user):
    case = hazard_case()
    enforcement = make_user("350121", ("enforcement",))
    with pytest.raises(Forbidden):
        issue_document(case, enforcement, "penalty_decision")
    with pytest.raises(InvalidInput):
        issue_document(case, clerk, "no_such_kind")
    with pytest.raises(InvalidInput):
        issue_document(case, clerk, "penalty_decision", "长" * 4001)
    # Refused issues used no number.
    assert issue_document(case, clerk, "penalty_decision").number.endswith(f"〔{local_today().year}〕1号")


def test_the_test_result_notice_is_merged_from_the_sampling_facts(hazard_case, clerk):
    case = hazard_case()
    case.facts = {**case.facts, "sample_no": "SC2026350001", "test_report_no": "FJQI-2026-00001",
                  "test_lab": "福建省产品质量检验研究院",
                  "failed_items": [{"item": "导体电阻", "limit": "≤1.83 Ω/km", "measured": "2.31 Ω/km"}]}
    text = docx_text(issue_document(case, clerk, "inspection_result_notice").current.content)
    assert "样品编号：SC2026350001" in text and "FJQI-2026-00001" in text and "福建省产品质量检验研究院" in text
    assert "导体电阻（标准要求 ≤1.83 Ω/km，实测 2.31 Ω/km）" in text


def test_markup_in_the_clerks_text_stays_text(hazard_case, clerk):
    doc = issue_document(hazard_case(), clerk, "penalty_decision", "罚款<5万元>&没收违法所得")
    assert "罚款<5万元>&没收违法所得" in docx_text(doc.current.content)
