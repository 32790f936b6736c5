"""The "download everything" zip: every layer in one GeoPackage, the installed resource COGs, a README with
sources and licences, and a QGIS project that opens it all styled like the web atlas.

The zip is built into `BUILD_DIR/bundle/` and reused until a layer file, a raster or this package changes.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .. import __version__, bilingual, config, dataversion, ground, layers, regions, resources, symbology
from . import cache, qgis, styles, vector
from .metadata import LICENCE, PRODUCER, Metadata, for_layer, now_utc

GPKG_NAME = "gislayout.gpkg"
QGS_NAME = "gislayout.qgs"
#: The QGIS layer-tree group of what was recorded on the ground (open data), hidden until switched on.
GROUND_GROUP = "实况 Ground"
README_NAME = "README.txt"
RASTER_DIR = "rasters"
DOWNLOAD_NAME = "gislayout-bundle.zip"
#: Aspatial tables written into the GeoPackage beside the layers.
TABLES = {"sectors": ("五大产业及子领域 Industries and sub-sectors", layers.sectors),
          "chains": ("十条产业链 Industrial chains (三(二)1)", layers.chains),
          "targets": ("发展目标 Policy targets", layers.targets)}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Raster:
    """An installed resource COG going into the bundle."""

    name: str
    path: Path
    title: str
    units: str
    vmin: float
    vmax: float
    ramp: tuple[str, ...]
    crs_wkt: str
    bounds: tuple[float, float, float, float]
    source: str
    licence: str
    note: str
    attribution: str = ""
    validation: str = ""
    in_use: bool = False


def _percentiles(ds) -> tuple[float, float]:
    step = max(1, max(ds.width, ds.height) // 512)
    data = ds.read(1, out_shape=(max(1, ds.height // step), max(1, ds.width // step)), masked=True)
    values = data.compressed()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(values, [2, 98])
    return float(lo), float(hi if hi > lo else lo + 1)


def installed_rasters() -> list[Raster]:
    """The installed resource rasters, from `gislayout.resources`."""

    out = []
    for item in resources.catalogue():
        if not item["installed"]:
            continue
        # The dataset is shared and kept open by `resources`; read from it, never close it.
        ds = resources.dataset(item["name"])
        vmin, vmax = (item["vmin"], item["vmax"]) if "vmin" in item and "vmax" in item else _percentiles(ds)
        ramp = tuple(item.get("colors") or styles.ramp_for(item["name"]))
        title = " ".join(t for t in (item.get("title_zh"), item.get("title_en")) if t) or item["name"]
        out.append(Raster(item["name"], Path(ds.name), title, item.get("units", ""), float(vmin), float(vmax), ramp,
                          ds.crs.to_wkt() if ds.crs else "", tuple(ds.bounds), item.get("source", ""),
                          item.get("licence", item.get("license", "")), item.get("bias", ""),
                          item.get("attribution") or "", item.get("validation_en") or "", bool(item.get("in_use"))))
    return out


def bundle_layers() -> dict[str, tuple[str, dict]]:
    """`{gpkg layer name: (catalogue layer, filters)}`: every layer, and the regions of every scheme."""
    out: dict[str, tuple[str, dict]] = {}
    for name in layers.CATALOGUE:
        if name == "regions":
            for scheme_id in regions.schemes():
                out[f"regions_{scheme_id}"] = ("regions", {"scheme": scheme_id})
        else:
            out[name] = (name, {})
    return out


def _label(vocabulary: str, code: str) -> str:
    """The atlas's bilingual label of a code (the same words as the web map's legend)."""
    return bilingual.joined(bilingual.vocabulary_label(vocabulary, code))


def _categories(name: str, gdf) -> tuple[str | None, tuple[qgis.Category, ...]]:
    """How a point layer is categorised, as the atlas draws it: by first sector (colour), and level where it has one."""
    has_level = "level" in gdf.columns and gdf["level"].notna().any()
    sector_names = {r.code: f"{r.name_zh} {r.name_en}" for r in layers.sectors().itertuples()}
    cats = {}
    for sectors, level in zip(gdf["sectors"], gdf["level"] if has_level else [None] * len(gdf)):
        level = level if isinstance(level, str) else None
        first = symbology.first_sector(sectors)
        value = f"{first}/{level or ''}" if has_level else first
        if value not in cats:
            style = symbology.point_style(name, sectors, level)
            label = " · ".join(t for t in (sector_names.get(first, first), _label("level", level) if level else "")
                               if t)
            cats[value] = qgis.Category(value, label, style.colour, style.mm, style.shape)
    attribute = (f"concat({symbology.FIRST_SECTOR_EXPR}, '/', coalesce(\"level\", ''))" if has_level
                 else symbology.FIRST_SECTOR_EXPR)
    return attribute, tuple(cats[k] for k in sorted(cats))


def _vector_style(gpkg_layer: str, name: str, filters: dict, gdf, meta: Metadata) -> qgis.VectorLayer:
    spec = layers.get_spec(name)
    title = f"{spec.title_zh} {spec.title_en}"
    if name in layers.POINT_LAYERS:
        attribute, cats = _categories(name, gdf)
        return qgis.VectorLayer(gpkg_layer, title, "Point", "布局 Layout", meta.as_text(), attribute, cats,
                                shape=symbology.shape_of(name))
    if name in ground.POINT_LAYERS:
        rule = symbology.spec()["ground"][name]
        attribute = symbology.voltage_class_expr() if rule["by"] == "max_voltage_kv" else '"kind"'
        cats = tuple(qgis.Category(value, _label("kind", value) if rule["by"] == "kind" else label, style.colour,
                                   style.mm, style.shape) for value, label, style in symbology.ground_classes(name))
        return qgis.VectorLayer(gpkg_layer, title, "Point", GROUND_GROUP, meta.as_text(), attribute, cats,
                                shape=rule["shape"], visible=False)
    if name == "footprints":
        rule = symbology.spec()["ground"]["footprints"]
        return qgis.VectorLayer(gpkg_layer, title, "MultiPolygon", GROUND_GROUP, meta.as_text(),
                                outline=(rule["colour"], rule["mm"]), fill=rule["colour"])
    if name == "regions":
        scheme = regions.get(filters["scheme"])
        order = [z.id for z in scheme.zones]
        cats = tuple(qgis.Category(z.id, f"{z.name_zh} {z.name_en}", styles.zone_colour(z.id, order))
                     for z in scheme.zones)
        # No outline colour: each zone is outlined in its own fill colour, as in the atlas.
        return qgis.VectorLayer(gpkg_layer, f"{title} ({scheme.id})", "MultiPolygon", "区域格局 Regions",
                                meta.as_text(), "zone", cats, outline=(None, symbology.spec()["zones"]["outline_mm"]),
                                visible=scheme.id == config.DEFAULT_SCHEME)
    return qgis.VectorLayer(gpkg_layer, title, "MultiPolygon", "边界 Boundaries", meta.as_text(),
                            outline=styles.outline(name), visible=name != "counties")


def readme(metas: dict[str, Metadata], rasters: list[Raster], generated: str) -> str:
    """README.txt of the bundle: contents, sources and licences."""
    lines = ["gislayout bundle — 甘肃省战略性新兴产业布局 / Gansu strategic emerging industries", "",
             f"Generated: {generated}", f"Produced by: {PRODUCER} (version {__version__})",
             f"CRS of every layer: {config.WGS84} (WGS 84 longitude/latitude)", "",
             "Open gislayout.qgs in QGIS 3 (paths are relative: keep the files together), or open",
             f"{GPKG_NAME} in any GIS.", "", "Contents:", f"  {QGS_NAME}  QGIS project, styled like the web atlas",
             f"  {GPKG_NAME}  every layer and table:"]
    for gpkg_layer, meta in metas.items():
        lines.append(f"    {gpkg_layer:<14} {meta.count:>4} features  {meta.title_zh} {meta.title_en}")
    for table, (title, _) in TABLES.items():
        lines.append(f"    {table:<14}  (table)       {title}")
    for r in rasters:
        lines.append(f"  {RASTER_DIR}/{r.path.name}  {r.title} ({r.units})")
    if not rasters:
        lines.append(f"  ({RASTER_DIR}/ is absent: no resource raster was installed when this bundle was built)")
    sources = dict.fromkeys(s for m in metas.values() for s in m.sources)
    lines += ["", "Sources of the layers:"] + [f"  - {s}" for s in sources]
    lines += ["", "Licence of the layers:", f"  {LICENCE}"]
    lines += [f"  {m.layer}: {m.licence}" for m in metas.values() if m.licence != LICENCE]
    for r in rasters:
        lines += ["", f"Raster {r.path.name}: {r.title}" + (" (in use by default)" if r.in_use else ""),
                  f"  Source: {r.source}", f"  Licence: {r.licence}"]
        if r.attribution:
            lines.append(f"  Attribution: {r.attribution}")
        if r.note:
            lines.append(f"  Note: {r.note}")
        if r.validation:
            lines.append(f"  Validation: {r.validation}")
    return "\n".join(lines) + "\n"


def _project_files() -> list[Path]:
    return sorted(Path(__file__).parent.glob("*.py"))


def _plan_label() -> str:
    """`files`, or the selected version of the plan with its revision (and `as_of`) that the bundle is of."""
    plan = dataversion.plan()
    if plan is None:
        return "files"
    return f"{plan.id}-r{plan.revision}" + (f"-at{plan.as_of}" if plan.as_of is not None else "")


def version(rasters: list[Raster]) -> str:
    """The fingerprint of everything the bundle holds: layer files, the version of the plan, rasters and this
    package's code."""
    digest = cache.fingerprint(cache.data_files() + [r.path for r in rasters] + _project_files())
    return f"{_plan_label()}-{digest}"


def write(directory: Path) -> tuple[list[str], dict[str, Path]]:
    """Write the bundle's files into `directory`: return the paths the zip holds and the rasters to add."""
    generated = now_utc()
    gpkg = directory / GPKG_NAME
    metas: dict[str, Metadata] = {}
    vectors = []
    for gpkg_layer, (name, filters) in bundle_layers().items():
        gdf = layers.load(name, **filters)
        meta = for_layer(name, filters, len(gdf))
        meta = replace(meta, generated=generated)
        vector.write_gpkg(gdf, gpkg, gpkg_layer, meta, append=gpkg.exists())
        metas[gpkg_layer] = meta
        vectors.append(_vector_style(gpkg_layer, name, filters, gdf, meta))
    for table, (title, load) in TABLES.items():
        vector.write_table_gpkg(load().copy(), gpkg, table, title)
    files = [GPKG_NAME]
    rasters = installed_rasters()
    raster_layers = []
    for r in rasters:
        rel = f"{RASTER_DIR}/{r.path.name}"
        files.append(rel)
        raster_layers.append(qgis.RasterLayer(rel, r.title, r.vmin, r.vmax, r.ramp, r.units, r.crs_wkt,
                                              "\n".join(t for t in (r.source, r.licence, r.attribution, r.note,
                                                                      r.validation) if t), r.bounds,
                                              visible=not raster_layers))
    # Points on top, then regions, boundaries, rasters at the bottom.
    rank = {"布局 Layout": 0, GROUND_GROUP: 1, "边界 Boundaries": 2, "区域格局 Regions": 3}
    vectors.sort(key=lambda v: rank[v.group])
    project = qgis.Project("甘肃战略性新兴产业布局 gislayout", GPKG_NAME, vectors, raster_layers)
    (directory / QGS_NAME).write_bytes(qgis.project_xml(project))
    (directory / README_NAME).write_text(readme(metas, rasters, generated), encoding="utf-8")
    (directory / "metadata.json").write_text(json.dumps(
        {"generated": generated, "layers": {k: m.as_dict() for k, m in metas.items()},
         "rasters": [r.path.name for r in rasters]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return [QGS_NAME, README_NAME, "metadata.json"] + files, {r.path.name: r.path for r in rasters}


def bundle_dir() -> Path:
    """Where built bundles are kept."""
    return config.settings().build_dir / "bundle"


def build(force: bool = False) -> Path:
    """The bundle zip for the current data, built if there is none yet (or `force`); older ones are removed."""
    with _LOCK:
        rasters = installed_rasters()
        target = bundle_dir() / f"gislayout-bundle-{version(rasters)}.zip"
        if target.exists() and not force:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        # A bundle is rebuilt because its files changed; re-read and re-validate them rather than trust caches.
        with dataversion.select_plan(None):  # the files; a version's features were checked when written
            layers.validate_all()
        with tempfile.TemporaryDirectory(prefix="bundle-", dir=target.parent) as tmp:
            tmpdir = Path(tmp)
            names, raster_paths = write(tmpdir)
            partial = tmpdir / "bundle.zip"
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                for rel in names:
                    if rel.startswith(f"{RASTER_DIR}/"):
                        # COGs are compressed already; storing them keeps them readable in place (/vsizip/).
                        zf.write(raster_paths[rel.split("/", 1)[1]], rel, compress_type=zipfile.ZIP_STORED)
                    else:
                        zf.write(tmpdir / rel, rel)
            os.replace(partial, target)
        plan = dataversion.plan()
        stale = f"gislayout-bundle-{plan.id}-r*.zip" if plan else "gislayout-bundle-files-*.zip"
        for old in bundle_dir().glob(stale):  # older bundles of the same files or version; others stay
            if old != target:
                old.unlink(missing_ok=True)
        return target
