"""`flask store …`: migrate the plan store, load the baseline, list versions, dump and restore."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..store import backup, baseline, db, schema_setup, versions
from .cli_errors import user_errors


@click.group("store", cls=AppGroup)
def store_group() -> None:
    """The plan store (GISLAYOUT_DATABASE_URL, else instance/gislayout.gpkg)."""


@store_group.command("migrate")
@user_errors
def migrate_command() -> None:
    """Create or upgrade the store's tables (Alembic) and load the baseline from layers/."""
    schema_setup.upgrade(db.engine())
    click.echo(f"store at migration {schema_setup.head()}: {db.engine().url.render_as_string(hide_password=True)}")
    click.echo(f"baseline: {baseline.ensure()}")


@store_group.command("versions")
@user_errors
def versions_command() -> None:
    """List the versions: id, features, author, locked, name."""
    for v in versions.list_versions():
        flag = "baseline" if v["baseline"] else ("locked" if v["locked"] else "")
        click.echo(f"{v['id']}\t{v['features']}\t{v['author']}\t{flag}\t{v['name']}")


@store_group.command("dump")
@click.argument("path", type=click.Path(dir_okay=False))
@user_errors
def dump_command(path: str) -> None:
    """Write the whole store to the GeoPackage PATH (a backup; restore it with `store restore`)."""
    _report(backup.dump(path), f"dumped to {path}")


@store_group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@user_errors
def restore_command(path: str) -> None:
    """Fill an empty store from the dump PATH (any backend: a dump of the embedded store restores into PostGIS)."""
    _report(backup.restore(path), f"restored from {path}")


def _report(counts: dict[str, int], done: str) -> None:
    for table, count in counts.items():
        click.echo(f"{table}: {count}")
    click.echo(done)


commands = [store_group]
