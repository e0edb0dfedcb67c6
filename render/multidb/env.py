"""Migration environment for several databases migrated in step.

Each name in the ``databases`` option has an ini section with its own
sqlalchemy.url.  Revision files hold upgrade_<name>()/downgrade_<name>()
functions; run_migrations(engine_name=...) picks the right pair.
"""

import logging
import os
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

# SCHEMADIFF_URL_<NAME> (e.g. SCHEMADIFF_URL_ENGINE1), when set, replaces that
# database's sqlalchemy.url (CI, production), so the config file needn't hold
# a password. Percent-encode special characters in it.
for _name in db_names:
    _override = os.environ.get(f"SCHEMADIFF_URL_{_name.upper()}")
    if _override:
        config.set_section_option(_name, "sqlalchemy.url", _override.replace("%", "%%"))

# Set target_metadata HERE: one MetaData per database, for autogenerate:
#   from myapp import models
#   target_metadata = {"engine1": models.metadata1, "engine2": models.metadata2}
# prepend_sys_path (the config file's directory by default) is on sys.path, so
# "myapp" imports whichever directory you run schemadiff from.
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


def skip_empty_autogenerate(context, revision, directives) -> None:
    """Write no revision file when autogenerate finds nothing in any database.

    Installed for the last database only: by then every one was compared.
    """
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if all(ops.is_empty() for ops in script.upgrade_ops_list):
            directives[:] = []


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
                # Detect changed server defaults too.
                compare_server_default=True,
                # SQLite can't ALTER a column's type, nullability or
                # constraints: autogenerate writes op.batch_alter_table() there.
                render_as_batch=connection.dialect.name == "sqlite",
                process_revision_directives=(
                    skip_empty_autogenerate if name == db_names[-1] else None
                ),
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
