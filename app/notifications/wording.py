"""Notifications are stored as sent (in Chinese, as mailed); the English interface words them at display time.

Each pattern matches one sentence the application writes (services.py, deadlines.py, supervision); the
names, numbers and dates inside are kept. Text no pattern knows is shown as stored.
"""
import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

_TITLES = [
    (re.compile(r"^新分派任务：(?P<s>.+)$", re.S), _l("新分派任务：%(s)s")),
    (re.compile(r"^任务即将到期：(?P<s>.+)$", re.S), _l("任务即将到期：%(s)s")),
    (re.compile(r"^任务今日到期：(?P<s>.+)$", re.S), _l("任务今日到期：%(s)s")),
    (re.compile(r"^任务已超期：(?P<s>.+)$", re.S), _l("任务已超期：%(s)s")),
    (re.compile(r"^超期升级：(?P<s>.+)$", re.S), _l("超期升级：%(s)s")),
    (re.compile(r"^督办提醒：(?P<s>.+)$", re.S), _l("督办提醒：%(s)s")),
]
_BODIES = [
    (re.compile(r"^您有一项任务被分派或转办给您，请及时办理。$"), _l("您有一项任务被分派或转办给您，请及时办理。")),
    (re.compile(r"^办理期限为 (?P<due>[^（]+)（北京时间），请在到期前办结。$"),
     _l("办理期限为 %(due)s（北京时间），请在到期前办结。")),
    (re.compile(r"^办理期限为今天 (?P<time>\d\d:\d\d)，请尽快办结。$"), _l("办理期限为今天 %(time)s，请尽快办结。")),
    (re.compile(r"^办理期限为 (?P<due>[^，]+)，已超期 (?P<n>\d+) 个工作日，请立即办理。$"),
     _l("办理期限为 %(due)s，已超期 %(n)s 个工作日，请立即办理。")),
    (re.compile(r"^该任务办理期限为 (?P<due>[^，]+)，已超期 (?P<n>\d+) 个工作日，请督促办理。$"),
     _l("该任务办理期限为 %(due)s，已超期 %(n)s 个工作日，请督促办理。")),
    (re.compile(r"^(?P<who>.+?)督促您尽快办理该任务。督办意见：(?P<note>.*)$", re.S),
     _l("%(who)s督促您尽快办理该任务。督办意见：%(note)s")),
    (re.compile(r"^(?P<who>.+?)督促您尽快办理该任务。$"), _l("%(who)s督促您尽快办理该任务。")),
]


def _word(text, patterns) -> str:
    if not text or not str(get_locale() or "").startswith("en"):
        return text
    for pattern, message in patterns:
        m = pattern.match(text)
        if m:
            # lazy_gettext's result formats with the groups in the current language.
            return str(message) % m.groupdict()
    return text


def notice_title(text) -> str:
    """A stored notification title in the interface's language."""
    return _word(text, _TITLES)


def notice_body(text) -> str:
    """A stored notification body in the interface's language."""
    return _word(text, _BODIES)
