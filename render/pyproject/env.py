"""Migration environment: how schemadiff connects and which models it compares."""

from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from schemadiff import CommandError, context

# The Config object for the .ini file in use.
config = context.config

# Set up Python logging from the ini file, when it has logging sections.
if config.config_file_name is not None and config.get_section("loggers"):
    fileConfig(config.config_file_name)

# Your models' MetaData, for autogenerate support:
#   from myapp.models import Base
#   target_metadata = Base.metadata
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

# Other values from the config, defined by the needs of env.py, can be read
# with config.get_main_option("my_important_option").


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


def run_migrations_online() -> None:
    """Run the migrations against a live connection.

    A caller may share its own connection through config.attributes["connection"].
    """
    connection = config.attributes.get("connection", None)
    if connection is not None:
        _run_with(connection)
        return

    database_url()
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        _run_with(connection)


def _run_with(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)

    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
