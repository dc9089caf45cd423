"""Alembic environment: async engine, batch mode for SQLite, the models' naming convention."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from bot.db.engine import create_engine
from bot.db.models import Base
from bot.settings import load_settings

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    engine = create_engine(load_settings())
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
    else:  # invoked as plain `alembic ...` by a developer
        asyncio.run(run_with_own_engine())


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported")
main()
