"""Flask CLI commands: validate the layers and rebuild derived files; registers every surface's commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .. import boundaries, layers, resources
from ..maps import relief
from ..store import baseline
from . import compare_cli, export_cli, resources_cli, siting_cli, store_cli, users_cli
from .cli_errors import USAGE_ERRORS, user_errors  # noqa: F401  (the commands' error handling, also by this name)


@click.command("build")
@with_appcontext
@click.option("--force/--no-force", default=False, help="Rebuild even if the built files are current.")
@user_errors
def build_command(force: bool) -> None:
    """Validate every layer and rebuild derived files: boundaries, the resources (the offline solar estimate, the
    shipped wind and solar atlas crops, the solar default chosen by measured error), the relief, and
    the plan store's baseline version (loaded from layers/ when they changed)."""
    path = boundaries.build(force=force)
    click.echo(f"boundaries: {path}")
    choice = resources.build_all(force=force)
    errors = ", ".join(f"{n} {choice['summary'][n]['mean_abs_pct']:.2f} %" for n in choice["order"])
    click.echo(f"resources: {', '.join(resources.installed())}")
    click.echo(f"solar default: {choice['default']} (mean error on cited figures it did not use: {errors})")
    click.echo(f"wind default: {resources.default_for('wind_speed')}")
    click.echo(f"relief basemap: {relief.build(force=force)}")
    for name, count in layers.validate_all().items():
        click.echo(f"{name}: {count} features")
    click.echo(f"plan store baseline: version {baseline.ensure()}")


@click.command("validate")
@with_appcontext
@user_errors
def validate_command() -> None:
    """Validate every layer file, scheme and table against its schema."""
    for name, count in layers.validate_all().items():
        click.echo(f"{name}: {count} features")
    click.echo("all layers valid")


def init_app(app: Flask) -> None:
    """Register the commands on `app`."""
    app.cli.add_command(build_command)
    app.cli.add_command(validate_command)
    for module in (resources_cli, siting_cli, export_cli, compare_cli, store_cli, users_cli):
        for command in module.commands:
            app.cli.add_command(command)
