"""Template globals: the main navigation (only entries whose pages exist and the user may open)."""
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

NAV = [
    ("home.index", "工作台", None),
    ("inbox.mine", "待办任务", None),
    ("cases.search", "案件查询", None),
    ("exchange.index", "数据交换", None),
    ("supervision.overdue", "超期督办", "supervisor"),
    ("reports.dashboard", "统计分析", "supervisor"),
    ("reports.index", "统计报表", "report_viewer"),
    ("campaigns.index", "专项行动", "report_viewer"),
    ("admin.processes", "流程管理", "process_admin"),
    ("operations.instances", "实例运维", "process_admin"),
    ("calendar.index", "工作日历", "system_admin"),
    ("api.index", "API 令牌", "system_admin"),
    ("classes.index", "产品类别", "system_admin"),
]


def url_for_safe(endpoint, **values):
    """url_for that yields '#' while a page is not installed (keeps templates independent)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return "#"


def _badge(endpoint):
    # The inbox entry shows how many open tasks are assigned to the user.
    if endpoint != "inbox.mine":
        return None
    from app.inbox.queries import count_my_open_tasks

    return count_my_open_tasks(current_user) or None


def _may_see(role):
    # Reports are read by supervisors and drafted by quality-supervision staff, who hold no special role.
    if role == "report_viewer":
        from app.reports.services import can_view_reports

        return can_view_reports(current_user)
    return current_user.has_role(role)


def _last_of_blueprint(endpoint):
    prefix = endpoint.split(".")[0] + "."
    return [e for e, _label, _role in NAV if e.startswith(prefix)][-1] == endpoint


def nav_items():
    """The entries the current user sees, with the active one marked."""
    items = []
    current = request.endpoint or ""
    # Two entries of one blueprint (统计分析, 统计报表): the exact page wins, else the blueprint's last entry.
    exact = {e for e, _label, _role in NAV if e == current}
    for endpoint, label, role in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if role and not _may_see(role):
            continue
        prefix = endpoint.split(".")[0]
        same_blueprint = current.startswith(prefix + ".")
        active = endpoint in exact or (same_blueprint and not exact and _last_of_blueprint(endpoint))
        items.append({"url": url_for(endpoint), "label": _(label), "active": active,
                      "badge": _badge(endpoint)})
    return items


def colon():
    """The label colon of the current language: full-width in Chinese, ": " in English."""
    from flask_babel import get_locale

    return ": " if str(get_locale()) == "en" else "："


def tr(text):
    """A message made elsewhere (e.g. a validation error) in the user's language when the catalogs know it;
    no %-formatting, so a message containing "%" is shown as it is."""
    from flask_babel import gettext

    return gettext(str(text)) if text else text


def register_template_globals(app):
    """Expose the helpers to every template."""
    from flask_babel import get_locale

    app.jinja_env.globals.update(nav_items=nav_items, url_for_safe=url_for_safe, get_locale=get_locale, colon=colon)
    app.jinja_env.filters["tr"] = tr
