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


def test_templates_translate_in_the_locale_they_are_rendered_in(app):
    # `_()` in templates is bound once per render (app.extensions.bind_translations): the words, the
    # formatting of variables and their escaping must be those of Flask-Babel's own `_()`.
    from flask import render_template_string
    from flask_babel import force_locale

    source = "{{ _('共 %(n)s 条', n=who) }}|{{ _('暂无符合条件的任务') }}"
    with app.test_request_context("/"):
        assert render_template_string(source, who="<b>3</b>") == "共 &lt;b&gt;3&lt;/b&gt; 条|暂无符合条件的任务"
        with force_locale("en"):
            english = render_template_string(source, who=3)
        assert english.startswith("3") and "条" not in english and "暂无" not in english
        assert render_template_string(source, who=4).startswith("共 4 条")
