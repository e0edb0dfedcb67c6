"""EnvironmentContext: the ``context`` proxy, arguments, configure()."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from schemadiff import context
from schemadiff.config import Config
from schemadiff.runtime.environment import EnvironmentContext
from schemadiff.util import CommandError


def _config(**cmd_opts):
    return Config(cmd_opts=SimpleNamespace(**cmd_opts))


def test_proxy_only_while_installed():
    with pytest.raises(CommandError, match="no migration environment is active"):
        context.is_offline_mode()
    env = EnvironmentContext(_config(), None, as_sql=True)
    with env:
        assert context.is_offline_mode() is True
        assert context.config is env.config
        inner = EnvironmentContext(_config(), None)
        with inner:
            assert context.is_offline_mode() is False
        assert context.is_offline_mode() is True
    with pytest.raises(CommandError):
        context.get_context()


def test_x_arguments():
    env = EnvironmentContext(_config(x=["data=true", "flag", "k = v=w"]), None)
    assert env.get_x_argument() == ["data=true", "flag", "k = v=w"]
    assert env.get_x_argument(as_dictionary=True) == {
        "data": "true",
        "flag": "",
        "k": "v=w",
    }
    bare = EnvironmentContext(Config(), None)
    assert bare.get_x_argument() == []
    assert bare.get_x_argument(as_dictionary=True) == {}


def test_tag_and_errors_before_configure():
    env = EnvironmentContext(_config(), None, tag="nightly")
    assert env.get_tag_argument() == "nightly"
    with pytest.raises(CommandError, match="configure"):
        env.get_context()
    with pytest.raises(CommandError, match="configure"):
        env.get_bind()


def test_online_configure_needs_connection():
    env = EnvironmentContext(_config(), None)
    with pytest.raises(CommandError, match="without a connection"):
        env.configure(url="sqlite://")


def test_version_table_from_config_and_override(tmp_path):
    cfg = _config()
    cfg.set_main_option("version_table", "alembic_version")
    env = EnvironmentContext(cfg, None, as_sql=True)
    buf = io.StringIO()
    env.configure(dialect_name="sqlite", output_buffer=buf)
    assert env.get_context().version_table == "alembic_version"
    env.configure(dialect_name="sqlite", output_buffer=buf, version_table="mine")
    assert env.get_context().version_table == "mine"
    assert env.get_context().version_table_schema is None
    env.configure(
        dialect_name="sqlite", output_buffer=buf, version_table_schema="other"
    )
    assert env.get_context().version_table_schema == "other"


def test_offline_static_output_and_execute():
    buf = io.StringIO()
    env = EnvironmentContext(_config(), None, as_sql=True)
    env.configure(url="postgresql://scott:tiger@localhost/db", output_buffer=buf)
    assert env.is_transactional_ddl() in (True, False)
    env.static_output("-- hello")
    env.execute(sa.text("SELECT 1"))
    assert buf.getvalue() == "-- hello\n\nSELECT 1;\n\n"
    metadata = sa.MetaData()
    sa.Table("things", metadata, sa.Column("id", sa.Integer, primary_key=True))
    metadata.create_all(env.get_bind())
    assert "CREATE TABLE things" in buf.getvalue()


def test_online_bind_is_the_connection(backend):
    env = EnvironmentContext(_config(), None)
    with backend.engine.connect() as conn:
        env.configure(connection=conn)
        assert env.get_bind() is conn
        assert env.get_context().dialect.name == backend.engine.dialect.name
