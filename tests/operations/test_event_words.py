"""In English an event on the timeline reads as something that happened ("Reminder sent"), while the same
Chinese word on a button reads as an action ("Remind"): merged catalogs must not swap them."""
from flask_babel import force_locale, gettext

from app.audit.labels import event_label


def test_event_names_and_button_words_stay_apart(app):
    with app.test_request_context(), force_locale("en"):
        assert event_label("task_reminded") == "Reminder sent"
        assert gettext("催办") == "Remind"
        assert event_label("task_delegated") == "Task delegated" and gettext("转办") == "Delegate"
        assert event_label("report_generated") == "Report generated"
        assert event_label("case_opened") == "Case opened"  # no context entry: the plain catalog word
        assert gettext("撤销") == "Cancelled"


def test_chinese_event_names_unchanged(app):
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert event_label("task_reminded") == "催办"
        assert event_label("no_such_event") == "no_such_event"
