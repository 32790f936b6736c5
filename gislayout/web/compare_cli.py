"""Flask CLI commands of the compare surface: `flask compare` (a table or printout), `flask compare versions`
(two stored versions of the plan) and `flask diff` (a version file from outside).

    flask --app app compare --left zone:2009:hexi --right zone:2009:centre -o table.csv
    flask --app app compare --scheme-left 2009 --scheme-right 2021 -o schemes.pdf
    flask --app app compare versions 2010 my-branch --format csv -o diff.csv
    flask --app app diff version.geojson -o diff.geojson
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import geojson, regions
from ..compare import labels, render, report, versions
from .cli_errors import user_errors

_OUTPUTS = (".csv", ".json", ".png", ".pdf")
_DIFF_OUTPUTS = (".geojson", ".json", ".csv")
DIFF_FORMATS = ("json", "csv", "geojson")


@click.group("compare", invoke_without_command=True)
@click.option("--left", help="Left area: province, prefecture:<name> or zone:<scheme>:<zone>.")
@click.option("--right", help="Right area, written like --left.")
@click.option("--scheme-left", help="Compare two schemes zone by zone: the left scheme id.")
@click.option("--scheme-right", help="The right scheme id.")
@click.option("--lang", type=click.Choice(labels.LANGS), default="zh", show_default=True, help="Label language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file; its suffix picks the format (.csv, .json, .png, .pdf). Default: CSV on stdout.")
@click.pass_context
@user_errors
def compare_command(ctx: click.Context, left, right, scheme_left, scheme_right, lang, output: Path | None) -> None:
    """Compare two areas, or two region schemes, and write the table (CSV/JSON) or the printable page (PNG/PDF).

    `compare versions A B` diffs two stored versions of the plan instead.
    """
    if ctx.invoked_subcommand is not None:
        if any((left, right, scheme_left, scheme_right, output)):
            raise click.UsageError(f"`compare {ctx.invoked_subcommand}` takes its own options, not --left/--right, "
                                   "--scheme-left/--scheme-right or --output")
        return
    if (scheme_left or scheme_right) and (left or right):
        raise click.UsageError("give --left/--right (areas) or --scheme-left/--scheme-right (schemes), not both")
    kind, pair = ("schemes", (scheme_left, scheme_right)) if (scheme_left or scheme_right) else ("areas", (left, right))
    if not all(pair):
        names = "--scheme-left and --scheme-right" if kind == "schemes" else "--left and --right"
        raise click.UsageError(f"a comparison needs both {names}")
    suffix = output.suffix.lower() if output else ".csv"
    if suffix not in _OUTPUTS:
        raise click.BadParameter(f"unknown output suffix {suffix!r}; allowed: {', '.join(_OUTPUTS)}",
                                 param_hint="--output")
    if kind == "schemes":
        for value in pair:
            regions.get(value)
    data = report.build(kind, *pair)
    if suffix in (".png", ".pdf"):
        content, used = render.render(data, suffix[1:], lang)
        if used != lang:
            click.echo(f"note: no CJK font installed; the printout is in {used}", err=True)
    elif suffix == ".json":
        content = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    else:
        content = report.to_csv(data, lang).encode("utf-8")
    for note in data["notes"]:
        click.echo(f"note: {note['en']}", err=True)
    if output is None:
        click.echo(content.decode("utf-8").lstrip("\ufeff"), nl=False)
        return
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(data['rows'])} metrics, {len(data['columns'])} columns)")


def _print_diff(result: versions.VersionDiff) -> None:
    """The counts, then one line per feature that is not unchanged."""
    click.echo(", ".join(f"{k}: {v}" for k, v in result.counts.items()))
    for row in result.diff[result.diff["status"] != "unchanged"].itertuples():
        detail = f"{row.moved_km} km" if row.status == "moved" else row.changes
        if row.status == "moved" and row.changes:
            detail += f"; {row.changes}"
        click.echo(f"  {row.status:8} {row.layer or '-'}:{row.id}  {detail or ''}".rstrip())


@compare_command.command("versions")
@click.argument("a")
@click.argument("b")
@click.option("--layers", "layer_names", default=",".join(versions.VERSION_LAYERS), show_default=True,
              help="Layers to compare, comma-separated.")
@click.option("--tolerance-m", default=versions.DEFAULT_TOLERANCE_M, show_default=True, type=float,
              help="A feature is moved when it shifts further than this, in metres.")
@click.option("--format", "fmt", type=click.Choice(("text",) + DIFF_FORMATS), default="text", show_default=True,
              help="text: counts and the changed features; json, csv or geojson: the whole diff.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@with_appcontext  # the store is the app's (DATABASE_URL), also under a test runner that pushes no app context
@user_errors
def versions_command(a: str, b: str, layer_names: str, tolerance_m: float, fmt: str, output: Path | None) -> None:
    """Diff two versions of the plan in the store (ids as in GET /api/versions): added, removed, moved, changed."""
    result = versions.diff_versions_of(a, b, versions.parse_layers(layer_names), versions.parse_tolerance(tolerance_m))
    if fmt == "text":
        text = None
        _print_diff(result)
    elif fmt == "json":
        text = json.dumps({"summary": result.summary(), "diff": geojson.feature_collection(result.diff)},
                          ensure_ascii=False)
    else:
        text = versions.diff_csv(result) if fmt == "csv" else versions.diff_geojson(result)
    if text is None:
        return
    if output is None:
        click.echo(text.lstrip("\ufeff"), nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@click.command("diff")
@click.argument("version", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--layers", "layer_names", default=",".join(versions.UPLOAD_LAYERS), show_default=True,
              help="Layers of the stored version to compare with, comma-separated.")
@click.option("--against", default=versions.BASE_VERSION, show_default=True,
              help="The stored version to compare with (an id from GET /api/versions).")
@click.option("--tolerance-m", default=versions.DEFAULT_TOLERANCE_M, show_default=True, type=float,
              help="A feature is moved when it shifts further than this, in metres.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the diff here; the suffix picks the format (.geojson, .json, .csv). Default: a summary only.")
@with_appcontext
@user_errors
def diff_command(version: Path, layer_names: str, against: str, tolerance_m: float, output: Path | None) -> None:
    """Compare a version file of the layout (GeoJSON, GPKG or CSV with lon/lat) with a stored version (2010)."""
    suffix = output.suffix.lower() if output else None
    if suffix is not None and suffix not in _DIFF_OUTPUTS:
        raise click.BadParameter(f"unknown output suffix {suffix!r}; allowed: {', '.join(_DIFF_OUTPUTS)}",
                                 param_hint="--output")
    result = versions.diff_upload(version.name, version.read_bytes(),
                                  versions.parse_layers(layer_names, versions.UPLOAD_LAYERS),
                                  versions.parse_tolerance(tolerance_m), against)
    _print_diff(result)
    if output is not None:
        text = versions.diff_csv(result) if suffix == ".csv" else versions.diff_geojson(result)
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


commands: list[click.Command] = [compare_command, diff_command]
