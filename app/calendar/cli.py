"""`flask calendar ...`: compute deadlines and maintain the working-day override table."""
import logging
from contextlib import contextmanager

import click

from app.calendar.deadlines import UNIT_DAYS, UNIT_WORKING_DAYS, compute_due_date
from app.calendar.workdays import as_date, get_calendar
from app.cli import SchemaCheckedGroup
from app.clock import local_today

calendar_cli = SchemaCheckedGroup("calendar", help="工作日日历与法定期限：计算期限、维护节假日调整记录。")


def register_cli(app):
    """Attach the `calendar` command group to the Flask CLI."""
    app.cli.add_command(calendar_cli)


def _day(value):
    try:
        return as_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@contextmanager
def _without_fallback_log():
    # The command prints its own warning for uncovered years; the library's log line
    # would repeat it on stderr (Python's last-resort handler prints warnings).
    logger = logging.getLogger("app.calendar.workdays")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def uncovered_warning(year):
    """The Chinese warning shown when a year has neither package data nor overrides."""
    return (
        f"警告：{year} 年的法定节假日和调休安排尚未收录（节假日数据包未覆盖，也未经管理员确认录入完整），"
        f"已暂按周一至周五计算工作日；请系统管理员在“工作日历”页面（或用 `flask calendar set-override`、"
        f"`flask calendar confirm-year`）补录并确认。"
    )


@calendar_cli.command("deadline")
@click.argument("start")
@click.option("--days", "-n", type=click.IntRange(min=0), required=True, help="期限天数。")
@click.option("--working", is_flag=True, help="按工作日计算（默认按自然日）。")
def deadline_command(start, days, working):
    """计算期限届满日（首日不计入，届满日遇法定节假日顺延至下一个工作日）。"""
    start_day = _day(start)
    calendar = get_calendar()
    unit = UNIT_WORKING_DAYS if working else UNIT_DAYS
    with _without_fallback_log():
        due = compute_due_date(start_day, days, unit, calendar)
    click.echo(due.isoformat())
    for year in calendar.uncovered_years(range(start_day.year, due.year + 1)):
        click.echo(uncovered_warning(year), err=True)


@calendar_cli.command("set-override")
@click.argument("day")
@click.option("--workday/--holiday", "is_workday", default=None, help="该日为工作日或休息日。")
@click.option("--note", default="", help="备注，如“国务院办公厅通知：元旦放假”。")
def set_override_command(day, is_workday, note):
    """设置某日为工作日或休息日（优先于节假日数据包）。"""
    from app.calendar.overrides import set_override
    from app.db import unit_of_work

    if is_workday is None:
        raise click.UsageError("请指定 --workday（工作日）或 --holiday（休息日）。")
    target = _day(day)
    try:
        with unit_of_work():
            set_override(target, is_workday, note)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "工作日" if is_workday else "休息日"
    click.echo(f"已将 {target.isoformat()} 设为{kind}。")


@calendar_cli.command("delete-override")
@click.argument("day")
def delete_override_command(day):
    """删除某日的调整记录（恢复按节假日数据包计算）。"""
    from app.calendar.overrides import delete_override
    from app.db import unit_of_work

    target = _day(day)
    with unit_of_work():
        existed = delete_override(target)
    if existed:
        click.echo(f"已删除 {target.isoformat()} 的调整记录。")
    else:
        click.echo(f"{target.isoformat()} 没有调整记录。")


@calendar_cli.command("confirm-year")
@click.argument("year", type=int)
@click.option("--source", required=True, help="依据的通知，如“国办发明电〔2026〕7号”。")
def confirm_year_command(year, source):
    """确认某年的放假和调休安排已按国务院办公厅通知录入完整（此后该年期限不再标注估算）。"""
    from app.calendar.overrides import confirm_year
    from app.db import unit_of_work

    try:
        with unit_of_work():
            confirm_year(year, source)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已确认 {year} 年节假日安排录入完整。")


@calendar_cli.command("list-overrides")
@click.option("--year", type=int, default=None, help="只列出某一年。")
def list_overrides_command(year):
    """列出节假日调整记录。"""
    from app.calendar.overrides import list_overrides

    rows = list_overrides(year)
    if not rows:
        click.echo("暂无调整记录。")
        return
    for row in rows:
        kind = "工作日" if row.is_workday else "休息日"
        click.echo(f"{row.day.isoformat()}  {kind}  {row.note or ''}".rstrip())


@calendar_cli.command("coverage")
@click.option("--from-year", type=int, default=None, help="起始年份（默认去年）。")
@click.option("--to-year", type=int, default=None, help="截止年份（默认明年）。")
def coverage_command(from_year, to_year):
    """显示各年份的节假日数据覆盖情况。"""
    from app.calendar.overrides import coverage_report

    this_year = local_today().year
    first = from_year if from_year is not None else this_year - 1
    last = to_year if to_year is not None else this_year + 1
    if last < first:
        raise click.BadParameter("截止年份不能早于起始年份。")
    click.echo("年份  数据包  调整记录  状态")
    for row in coverage_report(range(first, last + 1)):
        if row.covered_by_package:
            status = "已覆盖"
        elif row.confirmed is not None:
            status = f"已录入并确认（{row.confirmed.source}）" if row.confirmed.source else "已录入并确认"
        elif row.override_count:
            status = "已有调整记录，尚未确认录入完整：暂按周一至周五估算"
        else:
            status = "未覆盖：暂按周一至周五计算"
        package = "有" if row.covered_by_package else "无"
        click.echo(f"{row.year}  {package}  {row.override_count}  {status}")
