"""Build the default DOCX templates of app/documents/docx/ from app/documents/kinds.py (python-docx).

Run after changing a kind's text: `.venv/bin/python tools/build_document_templates.py`.
"""
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from app.documents.kinds import KINDS

OUT = Path(__file__).resolve().parents[1] / "app" / "documents" / "docx"


def _font(run, size, bold=False):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "SimSun"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # Chinese text needs the East Asian font set


def _line(doc, text, size=14, bold=False, align=None):
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    _font(para.add_run(text), size, bold)
    return para


def build(kind) -> Document:
    """One kind's template: bureau, title, number, body with placeholders, seal line and date."""
    doc = Document()
    _line(doc, "{{ bureau_name }}", 18, True, WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, kind.title, 22, True, WD_ALIGN_PARAGRAPH.CENTER)
    if kind.word:
        _line(doc, "{{ number }}", 14, False, WD_ALIGN_PARAGRAPH.RIGHT)
    for text in kind.body:
        _line(doc, text)
    _line(doc, "")
    _line(doc, "{{ bureau_name }}（印章）", 14, False, WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, "{{ issue_date }}", 14, False, WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def main():
    """Write one template per kind."""
    OUT.mkdir(parents=True, exist_ok=True)
    for kind in KINDS.values():
        build(kind).save(OUT / f"{kind.code}.docx")
        print(f"{kind.code}.docx")


if __name__ == "__main__":
    main()
