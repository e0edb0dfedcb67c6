"""The MariaDB batch reader gives the same dicts whichever way the catalog
rows travel: as JSON documents (one statement) or as plain rows (six)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from schemadiff.ddl import mysql_catalog
from schemadiff.ddl.normalise_mysql import MySQLNormaliser, _MariaDBCatalog

ODD = 'Odd `Tick"s ünï'


def _ddl(other: str) -> list[str]:
    """The spellings JSON must carry unchanged: quotes, backticks,
    backslashes, newlines and non-ASCII in names, comments and defaults;
    NULL against 'NULL'; every kind of index, key and check."""
    odd = ODD.replace("`", "``")
    return [
        f"CREATE TABLE {other}.far (id INT PRIMARY KEY)",
        "CREATE TABLE parent (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "a INT NOT NULL, b VARCHAR(20) NOT NULL, "
        "UNIQUE KEY uq_parent_ab (a, b)) "
        "COMMENT 'the ''parent'' \\\\ \"p\"\\nsecond line ünï ✓'",
        f"CREATE TABLE `{odd}` (id INT PRIMARY KEY, `çol ``q` INT DEFAULT -1 "
        "COMMENT 'nul \\0, control \x01, \\Z', "
        'KEY `ïdx ``ü"` (`çol ``q`))',
        "CREATE TABLE `Child Table` ("
        "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, "
        "pa INT, pb VARCHAR(20), fid INT, q INT, "
        "amount DECIMAL(10,2) DEFAULT 0.00 "
        "COMMENT 'money ''n'' \\\\ stuff\\nsecond line\\ttab', "
        "s1 VARCHAR(40) DEFAULT 'it''s a \\\\ \"default\"\\n', "
        "s2 VARCHAR(10) DEFAULT NULL, "
        "s3 VARCHAR(10) DEFAULT 'NULL', "
        "s4 VARCHAR(10) NOT NULL DEFAULT '', "
        "s5 VARCHAR(10) NOT NULL, "
        "uni VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci "
        "DEFAULT 'ünï ✓', "
        "lat VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'é', "
        "created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP "
        "ON UPDATE CURRENT_TIMESTAMP, "
        "dt DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), "
        "total INT AS (q * 2) VIRTUAL, "
        "total_s INT AS (q + 1) STORED COMMENT 'stored', "
        "gtext VARCHAR(50) AS (CONCAT(s4, '''x\\\\')) VIRTUAL, "
        "mood ENUM('sad', 'it''s ok', 'hap\\\\py') DEFAULT 'it''s ok', "
        "tags SET('a', 'b', 'c') DEFAULT 'a,b', "
        "z INT(5) UNSIGNED ZEROFILL, "
        "ti TINYINT(1) DEFAULT 1, "
        "fl FLOAT(7,3), dbl DOUBLE DEFAULT 1.5, "
        "bits BIT(3) DEFAULT b'101', "
        "bin VARBINARY(16) DEFAULT 'ab', "
        "txt TEXT, js JSON, pt POINT NOT NULL, ft TEXT, "
        "z2 INT CHECK (z2 > 0), "
        "PRIMARY KEY (id), "
        "KEY ix_prefix (pb(5), pa), "
        "KEY `B_idx` (pa DESC, fid), "
        "KEY a_idx (pa), "
        "KEY `_u` (pb), "
        'UNIQUE KEY `uq "odd` (s4, pa), '
        "FULLTEXT KEY ft_idx (ft, txt), "
        "SPATIAL KEY sp_idx (pt), "
        "CONSTRAINT fk_child_ab FOREIGN KEY (pa, pb) REFERENCES parent (a, b) "
        "ON DELETE CASCADE ON UPDATE SET NULL, "
        f"CONSTRAINT `Fk Odd` FOREIGN KEY (pa) REFERENCES `{odd}` (id) "
        "ON DELETE SET NULL ON UPDATE RESTRICT, "
        f"CONSTRAINT fk_far FOREIGN KEY (fid) REFERENCES {other}.far (id) "
        "ON DELETE NO ACTION, "
        "CONSTRAINT ck_amount CHECK (amount >= 0), "
        "CONSTRAINT `ck 'quoted'` CHECK (s1 <> 'it''s \\\\'), "
        "CHECK (q <> 3)) "
        "COMMENT 'child\\r\\n\"table\"'",
        # tables whose names differ only in case share one partition of
        # the case-insensitive catalog columns
        "CREATE TABLE ab (x INT, y INT, KEY k_y (y), KEY K_x (x), "
        "CONSTRAINT c_b CHECK (y > 0), CONSTRAINT C_a CHECK (x > 0))",
        "CREATE TABLE AB (y INT, x INT PRIMARY KEY, z INT, KEY k_z (z), "
        "CONSTRAINT c_z CHECK (z > 0))",
        "CREATE TABLE only_pk (id INT PRIMARY KEY)",
        "CREATE TABLE no_pk (x VARCHAR(5))",
        "CREATE TABLE not_read (id INT PRIMARY KEY)",
        "CREATE VIEW v AS SELECT id FROM parent",
        "CREATE SEQUENCE seq",
    ]


NAMES = ["AB", "Child Table", "ab", "no_pk", ODD, "only_pk", "parent"]


def _strict(value: Any) -> Any:
    """Dicts, lists and tuples kept apart; a type by class, spelling and
    attributes (types compare by identity)."""
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value), [_strict(v) for v in value])
    if isinstance(value, sa.types.TypeEngine):
        return (type(value), repr(value), _strict(dict(vars(value))))
    return (type(value), value)


def _read(
    conn: sa.Connection, names: list[str], complete: bool, aggregated: bool
) -> tuple[dict[str, Any], list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    reader = _MariaDBCatalog(
        MySQLNormaliser(conn.dialect), conn, None, names, complete, aggregated
    )
    sa.event.listen(conn, "before_cursor_execute", record)
    try:
        info = reader.read()
    finally:
        sa.event.remove(conn, "before_cursor_execute", record)
    out = {
        kind: _strict(getattr(info, kind))
        for kind in (
            "columns",
            "pk_constraint",
            "foreign_keys",
            "indexes",
            "unique_constraints",
            "table_comment",
            "check_constraints",
            "table_options",
            "unreflectable",
        )
    }
    return out, statements


@pytest.fixture
def tricky(mariadb_backend):
    other = mariadb_backend.make_schema()
    with mariadb_backend.engine.begin() as conn:
        for statement in _ddl(other):
            conn.exec_driver_sql(statement)
    return mariadb_backend


@pytest.mark.parametrize("per_document", [25, 1])
@pytest.mark.parametrize("complete", [False, True])
def test_documents_read_as_the_plain_rows(
    tricky, monkeypatch, complete: bool, per_document: int
) -> None:
    # one table per document puts the rows of "ab" and "AB" apart
    monkeypatch.setattr(mysql_catalog, "TABLES_PER_DOCUMENT", per_document)
    names = NAMES + ["not_read"] if complete else NAMES
    with tricky.engine.connect() as conn:
        assert mysql_catalog.has_aggregates(conn.dialect)
        plain, plain_statements = _read(conn, names, complete, aggregated=False)
        got, statements = _read(conn, names, complete, aggregated=True)
    assert got == plain
    assert len(plain_statements) == 6
    assert len(statements) == 1
    assert ("IN (" in statements[0]) is not complete


def test_the_facts_json_must_carry(tricky) -> None:
    with tricky.engine.connect() as conn:
        info = _MariaDBCatalog(
            MySQLNormaliser(conn.dialect), conn, None, NAMES, aggregated=True
        ).read()
    child = (None, "Child Table")
    columns = {c["name"]: c for c in info.columns[child]}
    assert columns["s1"]["default"] == "'it''s a \\\\ \"default\"\\n'"
    assert columns["s2"]["default"] is None
    assert columns["s3"]["default"] == "'NULL'"
    assert columns["s5"]["default"] is None
    assert columns["uni"]["default"] == "'ünï ✓'"
    assert columns["amount"]["comment"] == "money 'n' \\ stuff\nsecond line\ttab"
    assert columns["created"]["default"] == "current_timestamp()"
    assert columns["total_s"]["computed"] == {
        "sqltext": "`q` + 1",
        "persisted": True,
    }
    assert columns["total"]["computed"]["persisted"] is False
    assert columns["id"]["autoincrement"] is True
    assert list(columns["mood"]["type"].enums)[:2] == ["sad", "it's ok"]
    assert info.table_comment[child] == {"text": 'child\r\n"table"'}
    assert info.table_comment[(None, "parent")] == {
        "text": "the 'parent' \\ \"p\"\nsecond line ünï ✓"
    }
    # the catalog's (case-insensitive) order of names, not Python's
    assert [i["name"] for i in info.indexes[child]] == [
        "a_idx",
        "B_idx",
        "fk_child_ab",
        "fk_far",
        "ft_idx",
        "ix_prefix",
        "sp_idx",
        'uq "odd',
        "_u",
    ]
    indexes = {i["name"]: i for i in info.indexes[child]}
    assert indexes["B_idx"]["column_sorting"] == {"pa": ("desc",)}
    prefix = tricky.engine.dialect.name
    assert indexes["ix_prefix"]["dialect_options"] == {f"{prefix}_length": {"pb": 5}}
    assert indexes["sp_idx"]["dialect_options"] == {f"{prefix}_prefix": "SPATIAL"}
    assert indexes["ft_idx"]["column_names"] == ["ft", "txt"]
    fks = {f["name"]: f for f in info.foreign_keys[child]}
    assert fks["fk_child_ab"]["constrained_columns"] == ["pa", "pb"]
    assert fks["fk_child_ab"]["referred_columns"] == ["a", "b"]
    assert fks["fk_child_ab"]["options"] == {
        "onupdate": "SET NULL",
        "ondelete": "CASCADE",
    }
    assert fks["Fk Odd"]["referred_table"] == ODD
    assert fks["fk_far"]["referred_schema"] != tricky.schema
    assert [c["name"] for c in info.check_constraints[child]] == [
        "ck 'quoted'",
        "ck_amount",
        "CONSTRAINT_1",
    ]
    assert [c["name"] for c in info.check_constraints[(None, "ab")]] == [
        "C_a",
        "c_b",
    ]
    assert [c["name"] for c in info.columns[(None, "AB")]] == ["y", "x", "z"]
    assert info.pk_constraint[(None, "AB")]["constrained_columns"] == ["x"]
    assert info.pk_constraint[(None, "ab")]["constrained_columns"] == []
    assert [c["name"] for c in info.columns[(None, ODD)]] == ["id", "çol `q"]
    assert info.columns[(None, ODD)][1]["comment"] == "nul \x00, control \x01, \x1a"
    assert [i["name"] for i in info.indexes[(None, ODD)]] == ['ïdx `ü"']


def test_a_document_cut_short_falls_back_to_plain_rows(tricky) -> None:
    with tricky.engine.connect() as conn:
        plain, _ = _read(conn, NAMES, False, aggregated=False)
        # a server whose documents must stay short: MariaDB cuts them
        conn.exec_driver_sql("SET SESSION group_concat_max_len = 200")
        got, statements = _read(conn, NAMES, False, aggregated=True)
    assert got == plain
    assert len(statements) == 1 + 6


def test_checks_by_schema_read_what_the_table_constraints_join_read(tricky) -> None:
    """Checks were once scoped through TABLE_CONSTRAINTS (which made MariaDB
    read CHECK_CONSTRAINTS for every database); by constraint schema they
    are the same rows."""
    joined = (
        "SELECT c.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE, c.LEVEL "
        "FROM information_schema.CHECK_CONSTRAINTS c "
        "JOIN information_schema.TABLE_CONSTRAINTS t "
        "ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA "
        "AND t.TABLE_NAME = c.TABLE_NAME "
        "AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME "
        "AND t.CONSTRAINT_TYPE = 'CHECK' "
        "WHERE t.TABLE_SCHEMA = :schema "
        "ORDER BY c.TABLE_NAME, c.CONSTRAINT_NAME"
    )
    sql = mysql_catalog.ROW_KINDS["checks"].plain_sql()
    with tricky.engine.connect() as conn:
        old = conn.execute(sa.text(joined), {"schema": tricky.schema}).all()
        new = mysql_catalog._execute(conn, sql, tricky.schema, None).all()
    assert len(old) == 8  # column-level ones too
    assert [tuple(row) for row in old] == [tuple(row[:-1]) for row in new]


def _documents(monkeypatch, document: Any) -> dict[str, list[Any]] | None:
    """What the reader makes of one document of two comment rows."""
    monkeypatch.setattr(
        mysql_catalog, "_execute", lambda *args, **kwargs: [("T", 2, document)]
    )
    return mysql_catalog.read_aggregated_rows(None, "s", None, 1)  # type: ignore


def test_a_document_of_its_rows_is_taken(monkeypatch) -> None:
    rows = _documents(monkeypatch, '[["t", "c", 1], ["t", "d", 2]]')
    assert rows is not None
    assert rows["comments"] == [["t", "c", 1], ["t", "d", 2]]


@pytest.mark.parametrize(
    "document",
    [
        None,
        '[["t", "c", 1], ["t", "d"',  # cut inside an element
        '[["t", "c", 1]]',  # cut at an element's end: one row of two
        '["t", "c", 1], ["t", "d", 2]',  # no outer brackets
        '["[\\"t\\", \\"c\\", 1]", "[\\"t\\", \\"d\\", 2]"]',  # rows as text
    ],
)
def test_a_document_that_is_not_its_rows_is_refused(monkeypatch, document) -> None:
    assert _documents(monkeypatch, document) is None


@pytest.mark.parametrize(
    "mariadb, version, expected",
    [
        (True, (10, 11, 19), True),
        (True, (10, 5, 0), True),
        (True, (10, 4, 34), False),
        (False, (8, 0, 36), False),  # MySQL: SQLAlchemy's reflection, not ours
    ],
)
def test_documents_only_where_the_server_has_json_arrayagg(
    mariadb: bool, version: tuple[int, ...], expected: bool
) -> None:
    dialect = sa.create_engine("mysql+pymysql://").dialect
    dialect.is_mariadb = mariadb
    dialect.server_version_info = version
    assert mysql_catalog.has_aggregates(dialect) is expected
