"""The kinds of official documents (文书): title, number word, body text and the message their service sends.

Body paragraphs are Jinja text over the merge context (see `context.PLACEHOLDERS`); the same text builds
the default DOCX templates (tools/build_document_templates.py) and the printable HTML view.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document; `word` makes its number (闽侯市监<word>字〔2026〕21号), "" = not numbered."""

    code: str
    title: str
    title_en: str
    word: str
    body: tuple[str, ...] = field(default_factory=tuple)

    @property
    def served_message(self) -> str:
        """The message a process catches when this document has been served (e.g. served:rectification_order)."""
        return f"served:{self.code}"


_ADDRESS = "{{ enterprise_name }}（统一社会信用代码：{{ enterprise_uscc }}）："
_CONTENT = "{{ content }}"

KINDS = {k.code: k for k in (
    DocumentKind("inspection_result_notice", "检验结果通知书", "Notice of test results", "检通", (
        _ADDRESS,
        "你单位生产（销售）的{{ product_name }}（样品编号：{{ facts.sample_no }}）经{{ facts.test_lab }}检验"
        "（报告编号：{{ facts.test_report_no }}），检验结论为不合格。",
        "不合格项目：{{ failed_items_text }}",
        _CONTENT,
        "你单位对检验结果有异议的，可以自收到本通知书之日起十五日内向本局提出书面复检申请，"
        "逾期未提出的，视为认可检验结果。",
    )),
    DocumentKind("stop_sale_order", "责令停止生产销售/下架封存通知书", "Order to stop production and sale",
                 "责停", (
        _ADDRESS,
        "经查，你单位{{ product_name }}存在质量问题（案件编号：{{ case_number }}）。",
        _CONTENT,
        "现责令你单位自收到本通知书之日起立即停止生产、销售同一产品，对库存产品下架封存，并将处理情况书面报告本局。",
    )),
    DocumentKind("rectification_order", "责令改正通知书", "Order to rectify", "责改", (
        _ADDRESS,
        "经查，你单位存在以下问题（案件编号：{{ case_number }}）：",
        _CONTENT,
        "现责令你单位自收到本通知书之日起{{ rectify_days }}日内改正，并将整改情况书面报告本局。"
        "逾期不改正的，本局将依法处理。",
    )),
    DocumentKind("recheck_notice", "复查通知书", "Notice of re-check", "复查", (
        _ADDRESS,
        "根据本局{{ case_number }}号案件的整改要求，本局将对你单位整改情况进行复查。",
        _CONTENT,
        "请你单位做好复查准备，如实提供整改资料。",
    )),
    DocumentKind("interview_notice", "约谈通知书", "Notice of interview", "约谈", (
        _ADDRESS,
        "因你单位{{ case_title }}相关问题，本局决定对你单位负责人进行约谈。",
        _CONTENT,
        "请你单位法定代表人（主要负责人）{{ legal_representative }}按时到场，无正当理由不得缺席。",
    )),
    DocumentKind("case_filing_approval", "立案审批表", "Case filing approval form", "立", (
        "当事人：{{ enterprise_name }}（统一社会信用代码：{{ enterprise_uscc }}）",
        "住所：{{ enterprise_address }}　法定代表人：{{ legal_representative }}",
        "案件来源及简要案情（{{ case_number }}）：",
        _CONTENT,
        "承办人意见：建议立案调查。",
    )),
    DocumentKind("penalty_pre_notice", "行政处罚事先告知书", "Advance notice of administrative penalty", "罚告", (
        _ADDRESS,
        "本局对你单位涉嫌违法一案（{{ case_number }}）进行了调查，"
        "现将拟作出的行政处罚的事实、理由、依据及内容告知如下：",
        _CONTENT,
        "根据《中华人民共和国行政处罚法》的规定，你单位可以自收到本告知书之日起五个工作日内向本局提出陈述、申辩；"
        "符合听证条件的，可以在上述期限内要求听证。逾期未提出的，视为放弃上述权利。",
    )),
    DocumentKind("hearing_notice", "听证通知书", "Notice of hearing", "听通", (
        _ADDRESS,
        "根据你单位的听证申请，本局决定就{{ case_number }}号案件举行听证。",
        _CONTENT,
        "你单位可以委托一至二人代理参加听证，无正当理由不到场的，视为放弃听证权利。",
    )),
    DocumentKind("penalty_decision", "行政处罚决定书", "Decision of administrative penalty", "罚", (
        "当事人：{{ enterprise_name }}（统一社会信用代码：{{ enterprise_uscc }}）",
        "住所：{{ enterprise_address }}　法定代表人：{{ legal_representative }}",
        _CONTENT,
        "如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。",
    )),
    DocumentKind("service_receipt", "送达回证", "Proof of service", "", (
        "受送达人：{{ enterprise_name }}（统一社会信用代码：{{ enterprise_uscc }}）",
        "送达文书：{{ served_documents }}",
        _CONTENT,
        "受送达人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日",
    )),
)}


def get_kind(code) -> DocumentKind | None:
    """The kind by code (None when unknown)."""
    return KINDS.get(code)
