"""Intake checks for untrusted BPMN/DMN/XML uploads, run before any parser sees the bytes.

Process definitions are uploaded by users.  A DOCTYPE is never needed in
BPMN or DMN, and it is the door to XXE (external entities reading local files
or URLs) and entity expansion bombs, so any DTD is refused outright.  Encodings
are limited to ASCII-compatible ones, because in UTF-16/32 or UTF-7 a
"<!DOCTYPE" is invisible to a byte-level scan.
"""
from __future__ import annotations

import codecs
import re

from lxml import etree

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

# ASCII-compatible encodings: the DTD scan below sees markup as plain ASCII in them.
_ALLOWED_ENCODINGS = frozenset({"utf-8", "ascii", "iso8859-1", "gbk", "gb2312", "gb18030"})

_WIDE_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF16_BE, "UTF-16"), (codecs.BOM_UTF16_LE, "UTF-16"),
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DTD_MARKUP = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXmlError(ValueError):
    """An uploaded XML file that was refused; str(error) is the Chinese message."""

    def __init__(self, message: str, filename: str = "<upload>", line: int | None = None):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line


def _line_of(data, offset: int) -> int:
    return data[:offset].count(b"\n" if isinstance(data, bytes) else "\n") + 1


def _format_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def _encoding_of(data: bytes, filename: str) -> str:
    """The codec to read the bytes with: a UTF-8 BOM, else the declaration, else UTF-8."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            raise UnsafeXmlError(f"不支持 {name} 编码的文件，请以 UTF-8 编码保存后重新上传", filename, 1)
    if b"\x00" in data:
        # Without a BOM, UTF-16/32 text shows up as NUL bytes; XML never contains NUL.
        raise UnsafeXmlError("文件包含空字节，可能是 UTF-16 编码或二进制文件，请以 UTF-8 编码保存",
                             filename, _line_of(data, data.index(b"\x00")))
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    match = _DECLARED_ENCODING.match(data)
    if not match:
        return "utf-8"
    declared = match.group(1).decode("ascii")
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = None
    if codec not in _ALLOWED_ENCODINGS:
        raise UnsafeXmlError(f"不支持的文件编码：{declared}，请以 UTF-8 编码保存", filename, 1)
    return codec


def check_untrusted_xml(data: bytes, filename: str = "<upload>", max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse empty, oversized, non-text, DTD-bearing or malformed XML; raise UnsafeXmlError."""
    _check_and_parse(data, filename, max_bytes)


def parse_untrusted_xml(data: bytes, filename: str = "<upload>",
                        max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Check untrusted XML and return its root element, parsed with a hardened parser."""
    return _check_and_parse(data, filename, max_bytes)


def _check_and_parse(data, filename: str, max_bytes: int) -> etree._Element:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        # Text has already been decoded by someone else; we need the raw upload.
        raise TypeError(f"untrusted XML must be bytes, not {type(data).__name__}")
    if not data.strip():
        raise UnsafeXmlError("文件为空", filename)
    if len(data) > max_bytes:
        size, limit = f"{_format_size(len(data))}，{len(data)} 字节", f"{_format_size(max_bytes)}，{max_bytes} 字节"
        raise UnsafeXmlError(f"文件过大（{size}；上限 {limit}）", filename)

    encoding = _encoding_of(data, filename)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        raise UnsafeXmlError(f"文件不是有效的 {shown} 文本，请检查文件编码", filename,
                             _line_of(data, exc.start)) from None

    found = _DTD_MARKUP.search(text)
    if found:
        kind = found.group(1).upper()
        raise UnsafeXmlError(f"出于安全原因，不接受包含 <!{kind}> 声明的文件（BPMN/DMN 文件不需要 DTD）",
                             filename, _line_of(text, found.start()))

    # Belt and braces behind the scan: no entity expansion, no DTD, no network,
    # libxml2's default size and depth limits (huge_tree=False).  A parser per
    # call, because lxml parser objects must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        detail = (exc.msg or str(exc)).strip()
        where = f"第 {line} 行：" if line else ""
        raise UnsafeXmlError(f"XML 格式错误，{where}{detail}", filename, line) from None
    if root is None:
        raise UnsafeXmlError("XML 格式错误：没有根元素", filename)
    if root.getroottree().docinfo.internalDTD is not None:  # unreachable after the scan
        raise UnsafeXmlError("出于安全原因，不接受包含 DTD 的文件", filename)
    return root
