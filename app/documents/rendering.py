"""DOCX from templates (docxtpl) and the printable HTML body, from the same merge values."""
import io
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from app.documents.context import PLACEHOLDERS
from app.errors import InvalidInput

DEFAULT_DIR = Path(__file__).resolve().parent / "docx"
_jinja = SandboxedEnvironment(autoescape=True)
# Uploaded templates are Jinja too: they render in a sandbox (no attribute walks to Python internals).
_SAMPLE = {name: "示例" for name in PLACEHOLDERS} | {"rectify_days": 60, "facts": {}}


@lru_cache(maxsize=32)
def default_template(kind_code) -> bytes:
    """The template shipped with QSFlow for this kind (built by tools/build_document_templates.py)."""
    return (DEFAULT_DIR / f"{kind_code}.docx").read_bytes()


def template_placeholders(content: bytes) -> set[str]:
    """The variable names a DOCX template uses; refused when it is not a readable DOCX template."""
    try:
        return set(DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables())
    except Exception as exc:  # docxtpl raises zipfile, XML and Jinja errors alike
        raise InvalidInput("模板无法读取：请上传 Word（.docx）文件，占位符写作 {{ 名称 }}", field="file") from exc


def check_template(content: bytes) -> list[str]:
    """The placeholders of an uploaded template; refused with the list of unknown ones."""
    found = template_placeholders(content)
    unknown = sorted(found - set(PLACEHOLDERS))
    if unknown:
        raise InvalidInput("模板含有未知占位符：" + "、".join(unknown), field="file", unknown=unknown)
    try:
        render_docx(content, _SAMPLE)
    except Exception as exc:  # a sandbox refusal or a template error: either way it cannot be used
        raise InvalidInput("模板无法生成文书，请检查占位符的写法", field="file") from exc
    return sorted(found)


def render_docx(template: bytes, context: dict) -> bytes:
    """Merge the values into the template; the DOCX bytes."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_paragraphs(kind, context: dict) -> list[Markup]:
    """The kind's body paragraphs with the values merged, escaped for HTML; blank ones left out."""
    paragraphs = []
    for text in kind.body:
        merged = _jinja.from_string(text).render(**context)
        for line in str(merged).split("\n"):
            if line.strip():
                paragraphs.append(Markup(escape(Markup(line).unescape())))
    return paragraphs
