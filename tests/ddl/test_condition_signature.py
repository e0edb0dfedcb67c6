"""Pure checks of the CHECK-condition normal form and the ENUM value plan:
the spellings each backend gives back compare equal to what the models
wrote, and real changes stay visible."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import mysql, postgresql, sqlite

from schemadiff.ddl.normalise import get_normaliser
from schemadiff.ddl.postgresql_enum import plan_additions

SAME = [
    (
        postgresql,
        "status IN ('new', 'done')",
        "(status)::text = ANY ((ARRAY['new'::character varying, "
        "'done'::character varying])::text[])",
    ),
    (postgresql, "status NOT IN ('lost')", "((status)::text <> 'lost'::text)"),
    (postgresql, "qty BETWEEN 1 AND 99", "((qty >= 1) AND (qty <= 99))"),
    (postgresql, "price > -1.5", "(price > '-1.5'::numeric)"),
    (postgresql, "code LIKE 'c%'", "((code)::text ~~ 'c%'::text)"),
    (postgresql, "qty != 13", "(qty <> 13)"),
    (mysql, "length(code) > 2", "octet_length(`code`) > 2"),
    (mysql, "status IN ('a', 'b')", "`status` in ('a','b')"),
    (sqlite, "qty >= 0 AND qty < 10", "qty >= 0 AND qty < 10"),
]

DIFFERENT = [
    (postgresql, "qty > 0", "(qty > 1)"),
    (postgresql, "status IN ('a', 'b')", "((status)::text = ANY (ARRAY['a'::text]))"),
    (mysql, "qty BETWEEN 1 AND 99", "`qty` >= 1 and `qty` <= 98"),
    (sqlite, "code LIKE 'a%'", "code LIKE 'b%'"),
]


def _sig(dialect_module, text: str) -> str:
    return get_normaliser(dialect_module.dialect()).condition_signature(text)


@pytest.mark.parametrize("dialect_module, model, reflected", SAME)
def test_backend_spellings_compare_equal(dialect_module, model, reflected) -> None:
    assert _sig(dialect_module, model) == _sig(dialect_module, reflected)


@pytest.mark.parametrize("dialect_module, model, reflected", DIFFERENT)
def test_real_changes_stay_visible(dialect_module, model, reflected) -> None:
    assert _sig(dialect_module, model) != _sig(dialect_module, reflected)


def test_enum_additions_in_place() -> None:
    assert plan_additions(["b", "d"], ["a", "b", "c", "d", "e"]) == [
        ("a", "BEFORE", "b"),
        ("c", "AFTER", "b"),
        ("e", "AFTER", "d"),
    ]
    assert plan_additions(["c"], ["a", "b", "c"]) == [
        ("a", "BEFORE", "c"),
        ("b", "AFTER", "a"),
    ]
    assert plan_additions(["a", "b"], ["b", "a"]) is None  # reordered
    assert plan_additions(["a", "b"], ["a"]) is None  # removed
    assert plan_additions(["a", "b"], ["a", "b"]) == []
