"""`flask seed ...`: reference data and the demo province."""
import click

from app.cli import SchemaCheckedGroup
from app.db import unit_of_work

seed_cli = SchemaCheckedGroup("seed", help="基础数据与演示数据")


@seed_cli.command("reference")
def reference():
    """Create departments, roles and the org-unit tree (idempotent)."""
    from app.seed.reference import ensure_reference_data

    with unit_of_work():
        ensure_reference_data()
    click.echo("基础数据已就绪")


@seed_cli.command("demo")
def demo():
    """Create demo users and demo cases (idempotent: skipped when demo users exist)."""
    from app.seed.demo import seed_demo

    with unit_of_work():
        report = seed_demo()
    click.echo(report)


def register_cli(app):
    """Attach the command group."""
    app.cli.add_command(seed_cli)
