"""Schema migrations through Alembic (the only way a database is created)."""
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

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
