"""`flask users ...`: create users and reset passwords."""
import click
from sqlalchemy import select

from app.auth.accounts import create_user, set_password
from app.auth.models import OrgUnit
from app.auth.services import find_user
from app.cli import SchemaCheckedGroup
from app.db import db, unit_of_work

users_cli = SchemaCheckedGroup("users", help="用户管理")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", required=True, help="姓名")
@click.option("--org", "org_code", required=True, help="单位区划代码，如 350100")
@click.option("--department", "departments", multiple=True, help="科室代码，可多次指定")
@click.option("--role", "roles", multiple=True, default=["staff"], show_default=True)
def create(username, password, display_name, org_code, departments, roles):
    """Create a user."""
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == org_code))
    if unit is None:
        raise click.ClickException(f"单位不存在：{org_code}")
    try:
        with unit_of_work():
            create_user(username, password, display_name, unit, departments, roles)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已创建用户 {username}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def reset(username, password):
    """Set a user's password."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"用户不存在：{username}")
    with unit_of_work():
        set_password(user, password)
    click.echo("密码已更新")


def register_cli(app):
    """Attach the command group."""
    app.cli.add_command(users_cli)
