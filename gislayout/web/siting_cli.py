"""Flask CLI commands for the siting analysis: `flask --app app siting run|sites|params`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..analysis import costs, exclusions, model, outputs, service, sites, upload
from .cli_errors import user_errors


def _params(pairs: tuple[str, ...]) -> dict:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        key, value = pair.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _format_of(path: Path) -> str:
    fmt = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}.get(path.suffix.lower())
    if fmt is None:
        raise click.BadParameter(f"output {str(path)!r} must end in .geojson, .gpkg or .csv", param_hint="-o")
    return fmt


def _exclusion_mask(stack, files: tuple[Path, ...]):
    mask = None
    for path in files:
        m = exclusions.polygon_mask(stack, upload.read(path.name, path.read_bytes(), "exclusions"))
        mask = m if mask is None else mask | m
    return mask


_tech = click.option("--tech", type=click.Choice(["pv", "wind"]), default="pv", show_default=True)
_param = click.option("--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE",
                      help="A model parameter (repeatable); see `flask siting params`.")
_exclude = click.option("--exclude", "excludes", multiple=True, type=click.Path(exists=True, path_type=Path),
                        help="Exclusion polygons (GeoJSON, GPKG, zipped Shapefile); repeatable.")


def waterfall_text(w: dict) -> str:
    """Where the area went, one line per cause in order: km² and share of the province."""
    lines = [f"Where the area went (province {w['province_km2']:,.0f} km²):"]
    for step in w["steps"] + [w["small"]]:
        lines.append(f"  − {step['en']:<48} {step['km2']:>12,.0f} km²  {100 * step['share']:5.1f} %")
    lines.append(f"  = suitable {w['suitable_km2']:,.0f} km²; in zones {w['zones_km2']:,.0f} km²")
    return "\n".join(lines)


@click.group("siting")
def siting() -> None:
    """Siting analysis: suitability, ranked candidate zones, and scoring of candidate sites."""


@siting.command("run")
@_tech
@_param
@_exclude
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the top zones (.geojson, .gpkg, .csv).")
@click.option("--json", "as_json", is_flag=True, help="Print the full summary as JSON.")
@user_errors
def run_command(tech: str, pairs, excludes, output: Path | None, as_json: bool) -> None:
    """Run the model and print the ranked zones and the totals against the 2015 target."""
    fmt = _format_of(output) if output is not None else None
    stack = service.stack(tech)
    params = service.parse(stack, _params(pairs))
    result = service.run(stack, params, _exclusion_mask(stack, excludes))
    summary = service.summary(result)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    else:
        cols = ["rank", "id", "score", "area_km2", "capacity_mw", "lcoe_usd_mwh", "capacity_factor", "grid_km",
                "prefecture", "offtaker_name_en", "offtaker_km", "nearest_name_en", "nearest_km"]
        if len(result.top):
            click.echo(result.top[[c for c in cols if c in result.top]].head(20).to_string(index=False))
        total = summary["rollups"]["total"]
        click.echo(f"{total['zones']} zones, {total['area_km2']:,.0f} km², {total['capacity_mw']:,.0f} MW "
                   f"technical potential (upper bound); compute {result.timings_ms['total']} ms")
        click.echo(summary["headline"]["en"])
        click.echo(waterfall_text(summary["waterfall"]))
        click.echo(f"distances: {summary['distance_rule']['en']}")
        for note in result.notes:
            click.echo(f"note: {note}")
        caveat = summary["caveat"]
        click.echo(f"{caveat['title']['en']}:")
        for item in caveat["items"]:
            click.echo(f"  - {item['en']}")
        _echo_cost_sources(summary["cost_sources"])
    if output is not None:
        output.write_bytes(service.zones_file(result, fmt))
        click.echo(f"wrote {len(result.top)} zones to {output}")


def _echo_cost_sources(sources: list[dict]) -> None:
    """The cost preset's sources, one a line, so a printout says where each cost default comes from."""
    if sources:
        click.echo("cost sources:")
        for source in sources:
            click.echo(f"  - {costs.citation(source)}")


@siting.command("sites")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_tech
@_param
@_exclude
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the scored sites (.geojson, .gpkg, .csv).")
@user_errors
def sites_command(path: Path, tech: str, pairs, excludes, output: Path | None) -> None:
    """Score candidate sites from a GeoJSON, GPKG, zipped Shapefile or CSV (lon, lat) file."""
    gdf = upload.read(path.name, path.read_bytes(), "sites")
    stack = service.stack(tech)
    params = service.parse(stack, _params(pairs))
    scored = sites.score(stack, params, gdf, _exclusion_mask(stack, excludes))
    cols = [c for c in ("site_rank", "fid", "score", "suitable_share", "fails", "prefecture", "nearest_name_en",
                        "nearest_km") if c in scored]
    click.echo(scored[cols].to_string(index=False))
    if output is not None:
        caveat = service.caveat(stack, bool(excludes), float(params["density"]))
        meta = outputs.metadata(tech, dict(params.values), stack.notes, service.criteria_meta(stack),
                                caveat=[item["en"] for item in caveat["items"]])
        output.write_bytes(outputs.to_bytes(scored, _format_of(output), f"siting_{tech}_sites", meta))
        click.echo(f"wrote {len(scored)} sites to {output}")


@siting.command("supply")
@_tech
@_param
@_exclude
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the supply curve as .csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the supply curve and offtakers as JSON.")
@user_errors
def supply_command(tech: str, pairs, excludes, output: Path | None, as_json: bool) -> None:
    """Print the supply curve (capacity reachable below LCOE thresholds) and the offtakers' reachable potential.

    Cost parameters go in --param like the others: cost_preset=2010|latest, capex, opex, wacc, lifetime,
    degradation, grid_kv, grid_cost, offtaker_km, max_lcoe, scheme.
    """
    if output is not None and output.suffix.lower() != ".csv":
        raise click.BadParameter(f"output {str(output)!r} must end in .csv", param_hint="-o")
    stack = service.stack(tech)
    params = service.parse(stack, _params(pairs))
    result = service.run(stack, params, _exclusion_mask(stack, excludes), polygons=False, top=0)
    curve = service.supply_curve(result)
    offtakers = service.supply.inverse(stack, result.zones, result.economics, params)
    if as_json:
        click.echo(json.dumps({"costs": result.costs.as_dict(), "cost_sources": costs.sources(result.costs.preset),
                               "supply_curve": curve, "offtakers": offtakers},
                              ensure_ascii=False, indent=1, default=str))
    else:
        click.echo(service.headline(result)["en"])
        click.echo(f"target {curve['target_mw']:,.0f} MW reached at LCOE {curve['lcoe_at_target']} USD/MWh")
        for lcoe, mw in curve["reachable_mw"].items():
            click.echo(f"  ≤ {lcoe:>5} USD/MWh: {mw:>12,.0f} MW")
        for row in offtakers[:15]:
            click.echo(f"  {row['name_en'][:50]:50} {row['intensity_class']:6} {row['reachable_mw']:>12,.0f} MW")
        _echo_cost_sources(costs.sources(result.costs.preset))
    if output is not None:
        output.write_bytes(service.supply_csv(curve))
        click.echo(f"wrote the supply curve to {output}")


@siting.command("params")
@_tech
@user_errors
def params_command(tech: str) -> None:
    """List every model parameter with its default and what it means."""
    for key, value in model.defaults(tech).items():
        click.echo(f"{key} = {value!r}\n    {model.DOCS.get(key, '')}")


commands: list[click.Command] = [siting]
