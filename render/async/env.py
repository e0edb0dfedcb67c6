"""Migration environment for async drivers: migrations run through run_sync()."""

import asyncio
import os
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import async_engine_from_config

from schemadiff import CommandError, context

config = context.config

if config.config_file_name is not None and config.get_section("loggers"):
    fileConfig(config.config_file_name)

# SCHEMADIFF_URL, when set, replaces sqlalchemy.url (CI, production), so the
# config file needn't hold a password. Percent-encode special characters in it.
if os.environ.get("SCHEMADIFF_URL"):
    config.set_main_option(
        "sqlalchemy.url", os.environ["SCHEMADIFF_URL"].replace("%", "%%")
    )

# Set target_metadata HERE to your models' MetaData, for autogenerate:
#   from myapp.models import Base
#   target_metadata = Base.metadata
# prepend_sys_path (the config file's directory by default) is on sys.path, so
# "myapp" imports whichever directory you run schemadiff from.
target_metadata = None


def database_url(section: str = config.config_ini_section) -> str:
    """The ini's sqlalchemy.url, or a one-line error naming where it's missing."""
    url = config.get_section_option(section, "sqlalchemy.url")
    if not url:
        raise CommandError(
            f"No sqlalchemy.url in the [{section}] section of "
            f"{config.config_file_name or 'the configuration'}; "
            "set it to your database's URL"
        )
    return url


def skip_empty_autogenerate(context, revision, directives) -> None:
    """Write no revision file when autogenerate finds nothing to do."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []


def run_migrations_offline() -> None:
    """Emit the migrations as SQL text, without a database connection."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # Detect changed server defaults too, not only types and nullability.
        compare_server_default=True,
        # SQLite can't ALTER a column's type, nullability or constraints:
        # autogenerate writes op.batch_alter_table() (copy and move) there.
        render_as_batch=connection.dialect.name == "sqlite",
        process_revision_directives=skip_empty_autogenerate,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Open an async connection and run the synchronous migration code in it."""
    connectable = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


def run_migrations_online() -> None:
    """Run against a live database; a shared or synchronous connection runs as is."""
    connection = config.attributes.get("connection", None)
    if connection is not None:
        do_run_migrations(connection)
        return
    if make_url(database_url()).get_dialect().is_async:
        asyncio.run(run_async_migrations())
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
