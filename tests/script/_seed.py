"""Helpers for reproducing the sessions of seeds/branches.md."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from tests.helpers import make_project, run_cli

#: id -> (message, create date, file name) as the seed shows them.
SEED_REVISIONS = {
    "1975ea83b712": (
        "create account table",
        "2014-11-20 13:02:46.257104",
        "1975ea83b712_add_account_table.py",
    ),
    "ae1027a6acf": (
        "add a column",
        "2014-11-20 13:02:54.849677",
        "ae1027a6acf_add_a_column.py",
    ),
    "27c6a30d7c24": (
        "add shopping cart table",
        "2014-11-20 13:03:11.436407",
        "27c6a30d7c24_add_shopping_cart_table.py",
    ),
    "d747a8a8879": (
        "add a shopping cart column",
        "2014-11-20 13:05:01.000000",
        "d747a8a8879_add_a_shopping_cart_column.py",
    ),
    "55af2cb1c267": (
        "add another account column",
        "2014-11-20 13:06:01.000000",
        "55af2cb1c267_add_another_account_column.py",
    ),
    "3cac04ae8714": (
        "create networking branch",
        "2014-11-20 13:07:01.000000",
        "3cac04ae8714_create_networking_branch.py",
    ),
    "109ec7d132bf": (
        "add ip number table",
        "2014-11-20 13:08:01.000000",
        "109ec7d132bf_add_ip_number_table.py",
    ),
    "29f859a13ea": (
        "add DNS table",
        "2014-11-20 13:09:01.000000",
        "29f859a13ea_add_dns_table.py",
    ),
}


def project(tmp_path: Path, networking: bool = False) -> Path:
    """An initialised project whose environment is ``foo/`` (as in the seed).

    The black post-write hook is switched off to keep the tests quick; with
    ``networking`` a second version location ``model/networking`` is listed
    first, as in the seed's "Working with Multiple Bases".
    """
    proj = make_project(tmp_path, directory="foo")
    ini = proj / "schemadiff.ini"
    text = ini.read_text("utf-8")
    text = re.sub(r"^hooks = black$", "hooks =", text, flags=re.M)
    if networking:
        text = text.replace(
            "path_separator = os",
            "path_separator = space\nversion_locations = "
            "%(here)s/model/networking %(here)s/foo/versions",
        )
    ini.write_text(text, "utf-8")
    return proj


def write_seed_revision(
    proj: Path,
    rev: str,
    down: str | tuple[str, ...] | None,
    branch_labels: object = None,
    depends_on: object = None,
    message: str | None = None,
    location: str = "foo/versions",
) -> Path:
    """Write a revision file the way the seed shows it (docstring included)."""
    seed_message, date, filename = SEED_REVISIONS[rev]
    revises = ", ".join(down) if isinstance(down, tuple) else (down or "")
    directory = proj / location
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_text(
        f'''"""{message or seed_message}

Revision ID: {rev}
Revises: {revises}
Create Date: {date}

"""

# revision identifiers, used by schemadiff.
revision = {rev!r}
down_revision = {down!r}
branch_labels = {branch_labels!r}
depends_on = {depends_on!r}

from schemadiff import op
import sqlalchemy as sa


def upgrade():
    pass


def downgrade():
    pass
''',
        "utf-8",
    )
    return path


def cli(proj: Path, *args: str, ok: bool = True) -> list[str]:
    """Run the CLI in ``proj``; output lines with the project path removed."""
    result = run_cli(list(args), cwd=proj)
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1, result.output
    text = result.output.replace(str(proj) + os.sep, "")
    return [line.rstrip() for line in text.rstrip().splitlines()]


def seed(text: str) -> list[str]:
    """A block copied from the seed, as lines (alembic names translated)."""
    text = textwrap.dedent(text).strip("\n")
    text = text.replace("alembic.migration", "schemadiff.runtime.migration")
    text = text.replace("alembic_version", "schemadiff_version")
    return [line.rstrip() for line in text.splitlines()]


def running(lines: list[str]) -> list[str]:
    """Only the ``Running upgrade/downgrade`` log lines."""
    return [line for line in lines if "] Running " in line]


def without_dates(lines: list[str]) -> list[str]:
    return [re.sub(r"Create Date: .*", "Create Date: <date>", line) for line in lines]
