"""Flask CLI commands for the export surface; `commands` is registered by cli.init_app.

    flask --app app export --layer bases --format gpkg --scheme 2009 --zone hexi -o out.gpkg
    flask --app app export --bundle -o gislayout-bundle.zip
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from pyproj import CRS

from .. import config, export, layers
from ..export import bundle
from .cli_errors import user_errors


def _write_csv_prj(out: Path) -> Path:
    """A `.prj` beside a CSV (the GeoCSV convention GDAL and QGIS read), since CSV cannot hold its CRS."""
    prj = out.with_suffix(".prj")
    prj.write_text(CRS.from_user_input(config.WGS84).to_wkt("WKT1_ESRI"), encoding="ascii")
    return prj


@click.command("export")
@click.option("--layer", "name", type=click.Choice(list(layers.CATALOGUE)), help="Layer to export.")
@click.option("--format", "fmt", type=click.Choice(list(export.FORMATS)), default="geojson", show_default=True,
              help="File format.")
@click.option("--bundle", "whole", is_flag=True, help="Write the download-everything zip instead of one layer.")
@click.option("--display", is_flag=True, help="Boundaries simplified as on the web map.")
@click.option("--scheme", help="Region scheme that --zone refers to (default 2009).")
@click.option("--zone", help="Zones, comma-separated.")
@click.option("--prefecture", help="Prefectures, comma-separated (e.g. 兰州市,白银市).")
@click.option("--sector", help="Sector codes, comma-separated.")
@click.option("--level", help="national or provincial.")
@click.option("--kind", help="Kinds, comma-separated.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: the export's own file name, in the current directory).")
@user_errors
def export_command(name, fmt, whole, display, output, **filters) -> None:
    """Export a layer with the same filters as the map (or, with --bundle, everything)."""
    if whole:
        path = bundle.build()
        out = output or Path(bundle.DOWNLOAD_NAME)
        shutil.copyfile(path, out)
        click.echo(f"bundle: {out} ({out.stat().st_size} bytes)")
        return
    if name is None:
        raise click.UsageError("give --layer NAME (or --bundle)")
    result = export.export_layer(name, fmt, display=display, **{k: v for k, v in filters.items() if v})
    out = output or Path(result.filename)
    out.write_bytes(result.content)
    extra = f", CRS in {_write_csv_prj(out).name}" if fmt == "csv" else ""
    click.echo(f"{name}: {result.metadata.count} features → {out} ({export.FORMATS[fmt].label}{extra})")


commands: list[click.Command] = [export_command]
