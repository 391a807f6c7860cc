"""Alembic environment: uses the caller's connection (``config.attributes["connection"]``)
or else connects to ``sqlalchemy.url``; SQLite search tables are outside the models."""
from alembic import context

from vnpolicy.store.db import connect
from vnpolicy.store.models import Base
from vnpolicy.store.search import include_name

config = context.config


def _configure(**kw) -> None:
    context.configure(target_metadata=Base.metadata, include_name=include_name,
                      compare_type=True, **kw)
    with context.begin_transaction():
        context.run_migrations()


def _online(connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
elif config.attributes.get("connection") is not None:
    _online(config.attributes["connection"])
else:
    with connect(config.get_main_option("sqlalchemy.url")).begin() as conn:
        _online(conn)
