"""Migration environment for several databases migrated in step.

Each name in the ``databases`` option has an ini section with its own
sqlalchemy.url.  Revision files hold upgrade_<name>()/downgrade_<name>()
functions; run_migrations(engine_name=...) picks the right pair.
"""

import logging
import re
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from schemadiff import CommandError, context

USE_TWOPHASE = False

config = context.config

if config.config_file_name is not None and config.get_section("loggers"):
    fileConfig(config.config_file_name)
logger = logging.getLogger("schemadiff.env")

db_names = re.split(r",\s*", config.get_main_option("databases", ""))

# One MetaData per database, for autogenerate support:
#   target_metadata = {"engine1": mymodel.metadata1, "engine2": mymodel.metadata2}
target_metadata = {}


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


def run_migrations_offline() -> None:
    """Write one SQL file per database: <name>.sql."""
    for name in db_names:
        url = database_url(name)
        file_ = f"{name}.sql"
        logger.info("Writing output to %s", file_)
        with open(file_, "w") as buffer:
            context.configure(
                url=url,
                output_buffer=buffer,
                target_metadata=target_metadata.get(name),
                literal_binds=True,
                dialect_opts={"paramstyle": "named"},
                upgrade_token=f"{name}_upgrades",
                downgrade_token=f"{name}_downgrades",
            )
            with context.begin_transaction():
                context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Run each database's migrations in its own transaction."""
    engines = {}
    for name in db_names:
        database_url(name)
        engine = engine_from_config(
            config.get_section(name),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        connection = engine.connect()
        engines[name] = (engine, connection, connection.begin())

    try:
        for name, (_engine, connection, _trans) in engines.items():
            logger.info("Migrating database %s", name)
            context.configure(
                connection=connection,
                upgrade_token=f"{name}_upgrades",
                downgrade_token=f"{name}_downgrades",
                target_metadata=target_metadata.get(name),
            )
            context.run_migrations(engine_name=name)
        for _engine, _connection, trans in engines.values():
            trans.commit()
    except BaseException:
        for _engine, _connection, trans in engines.values():
            trans.rollback()
        raise
    finally:
        for engine, connection, _trans in engines.values():
            connection.close()
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
