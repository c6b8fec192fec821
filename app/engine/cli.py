"""`flask processes ...` and `flask db ...`: deploy BPMN, list definitions and instances, migrate."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.cli import SchemaCheckedGroup
from app.db import db, unit_of_work
from app.engine.errors import DeployError

processes_cli = SchemaCheckedGroup("processes", help="流程定义：部署与查看")
db_cli = AppGroup("db", help="数据库迁移")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply all migrations to the configured database."""
    from app.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("数据库已升级到最新版本")


@processes_cli.command("deploy")
@click.argument("directory", required=False)
def deploy(directory):
    """Deploy every .bpmn file in DIRECTORY (default: processes/)."""
    from app.engine.deploy import deploy_directory

    directory = directory or current_app.config["PROCESSES_DIR"]
    try:
        with unit_of_work():
            results = deploy_directory(directory)
    except DeployError as exc:
        for problem in exc.problems:
            click.echo(f"错误 {problem}", err=True)
        raise SystemExit(1) from exc
    for r in results:
        state = "新版本" if r.is_new else "未变化"
        click.echo(f"{r.key}\tv{r.version}\t{state}")
        for w in r.warnings:
            click.echo(f"  警告 {w}")


@processes_cli.command("list")
def list_definitions():
    """List deployed definitions with their running instance counts."""
    from app.engine.models import ProcessDefinition, ProcessInstance

    counts = dict(db.execute(select(ProcessInstance.definition_id, func.count())
                             .where(ProcessInstance.status.in_(("running", "waiting", "suspended", "error")))
                             .group_by(ProcessInstance.definition_id)).all())
    for d in db.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)):
        click.echo(f"{d.key}\tv{d.version}\t{d.name}\t{d.deployed_at:%Y-%m-%d %H:%M}\t活动实例 {counts.get(d.id, 0)}")


@processes_cli.command("instances")
@click.option("--status", default=None, help="running / waiting / suspended / error / completed / cancelled")
def list_instances(status):
    """List process instances."""
    from app.engine.models import ProcessInstance

    stmt = select(ProcessInstance).order_by(ProcessInstance.id)
    if status:
        stmt = stmt.where(ProcessInstance.status == status)
    for i in db.scalars(stmt):
        err = f"\t{i.error_element}: {i.error_message[:80]}" if i.status == "error" else ""
        click.echo(f"{i.id}\t{i.definition.key} v{i.definition.version}\tcase={i.case_id}\t{i.status}{err}")


def register_cli(app):
    """Attach the command groups."""
    app.cli.add_command(processes_cli)
    app.cli.add_command(db_cli)
