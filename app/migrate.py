"""Schema migrations through Alembic (the only way a database is created)."""
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.config import BASE_DIR


def alembic_config(database_url: str, connection=None) -> AlembicConfig:
    """Alembic config pointing at migrations/ and the given database."""
    cfg = AlembicConfig(str(Path(BASE_DIR) / "alembic.ini"))
    cfg.set_main_option("script_location", str(Path(BASE_DIR) / "migrations"))
    cfg.attributes["database_url"] = database_url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(database_url: str, connection=None, revision="heads"):
    """Bring the database to the newest schema."""
    command.upgrade(alembic_config(database_url, connection), revision)


UPGRADE_COMMAND = "flask --app wsgi db upgrade"


def schema_problem(connection) -> str | None:
    """Why the database cannot be used yet (not created, or migrations pending), in Chinese; else None."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    script = ScriptDirectory.from_config(alembic_config(str(connection.engine.url)))
    heads = set(script.get_heads())
    if not current:
        return f"数据库尚未初始化，请先运行：{UPGRADE_COMMAND}"
    if current != heads:
        return (f"数据库结构不是最新版本（当前 {', '.join(sorted(current))}，最新 {', '.join(sorted(heads))}），"
                f"请先运行：{UPGRADE_COMMAND}")
    return None
