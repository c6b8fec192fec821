"""Every text a page shows through gettext has an English translation in some catalog."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}


def _english():
    known = set()
    for po in (ROOT / "app").rglob("translations/en/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    known.add((message.context, message.id if isinstance(message.id, str) else message.id[0]))
    return known


def test_every_message_has_an_english_translation():
    method_map = [("app/**.py", "python"), ("app/**/templates/**.html", "jinja2")]
    known = _english()
    missing = set()
    for filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS, options_map={"app/**/templates/**.html": {}}):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and (context, msgid) not in known and (None, msgid) not in known:
            missing.add(f"{filename}: {msgid}")
    assert sorted(missing) == []
