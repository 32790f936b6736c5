"""Flask CLI commands for the resources surface: `flask resources build-default|fetch|import|list|remove`."""

from __future__ import annotations

import time

import click
from flask import current_app

from .. import resources
from ..resources import solar_choice, store as resource_store, wind_checks
from .cli_errors import user_errors


@click.group("resources")
def resources_group() -> None:
    """Solar and wind resource rasters (COGs in the build directory)."""


@resources_group.command("build-default")
@click.option("--force", is_flag=True, help="Rebuild even if the current estimate is already built.")
@user_errors
def build_default_command(force: bool) -> None:
    """Build the offline solar estimate from installed packages (about 10 s)."""
    started = time.perf_counter()
    path = resources.build_default(force=force)
    click.echo(f"ghi_estimate: {path} ({time.perf_counter() - started:.1f} s)")


@resources_group.command("fetch")
@click.argument("source", metavar="SOURCE")
@click.option("--url", default=None, help="Download address (GWA: a template with {layer} and {height}).")
@click.option("--sha256", default=None, help="Expected sha256 of the download (gsa only).")
@click.option("--keep", is_flag=True, help="Keep the downloaded file in BUILD_DIR/resources/downloads.")
@user_errors
def fetch_command(source: str, url: str | None, sha256: str | None, keep: bool) -> None:
    """Download and install an atlas: SOURCE is gsa (Global Solar Atlas) or gwa (Global Wind Atlas).

    The address comes from --url, else the app config (RESOURCES_GSA_URL / RESOURCES_GWA_URL), else the
    environment (GISLAYOUT_GSA_URL / GISLAYOUT_GWA_URL), else the atlas's public address.
    """
    from ..resources import download
    key = download.source_of(source)
    url = url or current_app.config.get(f"RESOURCES_{key.upper()}_URL") or None
    names = resources.fetch(key, url=url, sha256=sha256, keep=keep)
    click.echo(f"installed: {', '.join(names)}")


@resources_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", default=None, help="Resource name: gsa_ghi, gwa_ws100, gwa_pd100, … or a new one.")
@click.option("--quantity", default=None, help="ghi, wind_speed, wind_power_density or elevation (new names).")
@click.option("--units", default=None, help="Units of the file's values, if it does not say (e.g. m/s, kWh/m2/day).")
@click.option("--height", "height_m", type=float, default=None, help="Height of wind values in metres.")
@click.option("--band", type=int, default=None, help="Band to import (default 1; NetCDF: mean of all).")
@click.option("--variable", default=None, help="NetCDF variable to import.")
@click.option("--title-zh", default=None)
@click.option("--title-en", default=None)
@click.option("--source", default=None, help="Who made the data (shown with every value).")
@click.option("--licence", default=None)
@click.option("--period", default=None, help="Period the values average over.")
@user_errors
def import_command(file: str, **options) -> None:
    """Install FILE (GeoTIFF, NetCDF, or a Global Solar Atlas zip), clipped to Gansu on the common grid."""
    names = resources.import_file(file, **options)
    click.echo(f"installed: {', '.join(names)}")


@resources_group.command("list")
@user_errors
def list_command() -> None:
    """List every resource: installed or not, in use, units, and the command that installs it."""
    for e in resources.catalogue():
        state = "in use" if e["in_use"] else ("installed" if e["installed"] else "not installed")
        height = f" @{e['height_m']:g} m" if e["height_m"] else ""
        click.echo(f"{e['name']:<16} {state:<14} {e['quantity']}{height} [{e['units']}]"
                   + ("" if e["installed"] else f"  → {e['install_command']}"))


@resources_group.command("remove")
@click.argument("name")
@user_errors
def remove_command(name: str) -> None:
    """Uninstall resource NAME (the estimate comes back with build-default)."""
    removed = resources.uninstall(name)
    click.echo(f"removed {name}" if removed else f"{name} was not installed")


@resources_group.command("validation")
@user_errors
def validation_command() -> None:
    """Print, as Markdown, the solar candidates' validation table and the wind checks (as in docs/RESOURCES.md)."""
    metas = resource_store.installed_meta()
    choice = next((m["choice"] for m in metas.values() if m.get("choice")), None)
    wind = next((m["station_checks"] for m in metas.values() if m.get("station_checks")), None)
    if choice is None or wind is None:
        raise click.ClickException("not built yet: run `flask --app app build` first")
    click.echo(solar_choice.markdown(choice))
    click.echo(wind_checks.markdown(wind))


commands: list[click.Command] = [resources_group]
