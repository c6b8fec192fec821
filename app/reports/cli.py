"""`flask reports ...`: the on-time roll-up and the case tallies the report figures are summed from."""
import click

from app.cli import SchemaCheckedGroup
from app.db import db, unit_of_work

reports_cli = SchemaCheckedGroup("reports", help="报表汇总数据")


@reports_cli.command("rollup")
@click.option("--rebuild", is_flag=True, help="清空后按现有任务重新汇总全部日期")
def rollup(rebuild):
    """Roll up the completed tasks of every ended day (the scheduler does this on its own)."""
    from app.reports.ontime import roll_up

    click.echo(f"已汇总 {roll_up(rebuild=rebuild)} 天的办结任务")


@reports_cli.command("retally")
def retally():
    """Derive every case's report tally from its facts again (after a change of the counting rules)."""
    from app.cases.tally import backfill_tallies

    with unit_of_work():
        count = backfill_tallies(db.connection())
    click.echo(f"已重新计算 {count} 个案件的统计字段")


def register_cli(app):
    """Attach the group to the app."""
    app.cli.add_command(reports_cli)
