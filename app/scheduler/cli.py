"""`flask scheduler run`: the scheduler as its own process (the scale deployment)."""
import click
from flask import current_app

from app.cli import SchemaCheckedGroup

scheduler_cli = SchemaCheckedGroup("scheduler", help="定时任务调度")


@scheduler_cli.command("run")
def run():
    """Run the scheduler in the foreground until interrupted."""
    from app.scheduler.runner import run_blocking

    click.echo(f"调度器已启动，每 {current_app.config['SCHEDULER_TICK_SECONDS']} 秒检查一次")
    run_blocking(current_app._get_current_object())


@scheduler_cli.command("tick")
def tick():
    """Run one scheduler tick now (fire due timers) and exit."""
    from app.scheduler.runner import tick as run_tick

    click.echo(f"本次处理 {run_tick(current_app._get_current_object())} 个到期流程实例")


def register_cli(app):
    """Attach the command group."""
    app.cli.add_command(scheduler_cli)
