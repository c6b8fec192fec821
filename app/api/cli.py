"""`flask api-tokens ...`: create, list and revoke API tokens."""
import click

from app.api import tokens
from app.auth.services import find_user
from app.cli import SchemaCheckedGroup
from app.db import unit_of_work
from app.errors import AppError

tokens_cli = SchemaCheckedGroup("api-tokens", help="API 令牌管理")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--user", "username", required=True, help="令牌所属账号（用户名）：辖区与科室随该账号")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(sorted(tokens.SCOPES)),
              help="权限范围，可多次指定")
def create(name, username, scopes):
    """Create a token and print its secret (shown once)."""
    try:
        with unit_of_work():
            token, secret = tokens.create_token(name, find_user(username), list(scopes))
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已创建令牌 #{token.id}（{name}），请妥善保存，此后无法再次查看：")
    click.echo(secret)


@tokens_cli.command("list")
def list_tokens():
    """List every token."""
    for t in tokens.list_tokens():
        state = "已吊销" if t.revoked_at else "有效"
        click.echo(f"#{t.id}\t{t.prefix}…\t{t.name}\t{t.user.username}\t{','.join(t.scopes)}\t{state}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id):
    """Revoke a token."""
    try:
        with unit_of_work():
            tokens.revoke_token(token_id)
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"令牌 #{token_id} 已吊销")


def register_cli(app):
    """Attach the command group."""
    app.cli.add_command(tokens_cli)
