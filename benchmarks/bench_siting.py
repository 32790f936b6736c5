"""Benchmark: siting recompute on the 1 km Gansu grid, precomputed stack vs a naive per-request pipeline.

    python benchmarks/bench_siting.py [--tech pv|wind|both] [--fast-runs 30] [--naive-runs 3]

Default: both, wind beside PV (each on the resource `flask build` installs: the solar default and the shipped
Global Wind Atlas 3 layer). Wind's settings also move the hub height and the shear exponent, which change the
yield of every cell (the turbine's capacity-factor table is built once per turbine and Weibull k).

Fast path (since issue 12 with offtakers, distance to the ≥ 330 kV grid, LCOE per zone, the supply curve
and the offtakers' inverse view): the criterion stack is built once (`criteria.build`, cached under a key of
the installed resources, whose per-request cost is timed too); each request with new weights and
thresholds runs `service.run` (score, label, rank, describe and trace the top 50 zones, roll-ups), then
the surface PNG and the full HTTP round trip through the Flask test client are timed too.

Naive path, per request, everything rebuilt from the sources as a geopandas/rasterio script would:
read the boundaries GeoPackage and the bases/parks CSV files with geopandas, project them, rasterise the
province and prefectures, buffer settlements and parks with geopandas and rasterise the buffers
(exclusions), compute distances from every cell centre with geopandas' nearest join, read and reproject the resource raster and the
elevation raster with rasterio, classify the offtakers, compute the weighted offtaker distance and the distance
to the substations with geopandas' nearest join, then score, find zones, LCOE and supply curve with the same
model code. Both paths run in this
process and must give the same ranked zones.

If no resource for the technology is installed, a smooth placeholder field stands in for it (said so in the
output): timings do not depend on the values, but the zones are then not a result.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
from rasterio.warp import Resampling, reproject  # noqa: E402

from gislayout import config  # noqa: E402
from gislayout.analysis import connection, criteria, landcover, offtakers as offtakers_mod, service, supply, surface  # noqa: E402
from gislayout.analysis.criteria import Layer, Stack  # noqa: E402
from gislayout.analysis.grid import Grid, unproject  # noqa: E402


def placeholder(tech: str, grid: Grid) -> tuple[str, str, np.ndarray, dict]:
    """A smooth west-to-east field on the grid, standing in for an uninstalled resource (not data)."""
    rows, cols = np.indices(grid.shape)
    lon, lat = unproject(*grid.centres(rows.ravel(), cols.ravel()))
    lon, lat = lon.reshape(grid.shape), lat.reshape(grid.shape)
    if tech == "pv":
        return "ghi", "placeholder", (1250 + (108 - lon) * 40 + np.cos(lat) * 20).astype(np.float32), {}
    return "wind_speed", "placeholder", (3.5 + (108 - lon) * 0.28).astype(np.float32), {"height_m": 100.0}


def resource_reader(tech: str):
    """`criteria.read_resource`, or the placeholder when nothing is installed; and a label for the output."""
    try:
        kind, name, _, _ = criteria.read_resource(tech, Grid.from_bounds(0, 0, 1000, 1000))
        return criteria.read_resource, f"installed resource {name!r} ({kind})"
    except Exception as exc:  # noqa: BLE001 - any failure means "not installed" for the benchmark
        return placeholder, f"PLACEHOLDER field (no {tech} resource installed: {exc})"


def naive_stack(tech: str, read_resource) -> Stack:
    """Rebuild every criterion from the vector and raster sources, as a per-request script would."""
    from rasterio import features

    path = config.settings().build_dir / "boundaries.gpkg"
    province = gpd.read_file(path, layer="province", engine="pyogrio").to_crs(config.EQUAL_AREA)
    prefs = gpd.read_file(path, layer="prefecture", engine="pyogrio")
    counties = gpd.read_file(path, layer="county", engine="pyogrio")
    prefs_p = prefs.to_crs(config.EQUAL_AREA)
    points = []
    for name in ("bases", "parks"):
        df = pd.read_csv(config.settings().layers_dir / f"{name}.csv")
        points.append(gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=config.WGS84))
    demand = pd.concat(points, ignore_index=True).to_crs(config.EQUAL_AREA)
    demand["layer"] = ["bases"] * len(points[0]) + ["parks"] * len(points[1])
    seats = gpd.GeoDataFrame(geometry=gpd.points_from_xy(prefs["seat_lon"], prefs["seat_lat"]), crs=config.WGS84)
    towns = gpd.GeoDataFrame(geometry=gpd.points_from_xy(counties["seat_lon"], counties["seat_lat"]), crs=config.WGS84)
    seats, towns = seats.to_crs(config.EQUAL_AREA), towns.to_crs(config.EQUAL_AREA)

    grid = Grid.from_bounds(*province.total_bounds, cell=1000.0)
    inside = features.rasterize([(province.geometry.iloc[0], 1)], out_shape=grid.shape, transform=grid.transform,
                                dtype="uint8").astype(bool)
    codes = features.rasterize([(g, i + 1) for i, g in enumerate(prefs_p.geometry)], out_shape=grid.shape,
                               transform=grid.transform, dtype="int16")
    # exclusion buffers as polygons, the geopandas way
    buffers = {}
    for key, pts, radius in (("seat", seats, 5000), ("town", pd.concat([towns, seats]), 2000), ("park", demand, 1000)):
        shapes = [(g, 1) for g in pts.buffer(radius).geometry]
        buffers[key] = features.rasterize(shapes, out_shape=grid.shape, transform=grid.transform, dtype="uint8")
    rows, cols = np.nonzero(inside)
    cells = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*grid.centres(rows, cols)), crs=grid.crs)
    demand_km, nearest = naive_distance(grid, cells, demand)
    offt = offtakers_mod.points()
    off_g = gpd.GeoDataFrame(offt, geometry=gpd.points_from_xy(offt["lon"], offt["lat"]),
                             crs=config.WGS84).to_crs(config.EQUAL_AREA)
    off_eff = np.full(len(cells), np.inf, np.float32)
    off_idx = np.full(len(cells), -1, np.int32)
    off_km = np.full(len(cells), np.nan, np.float32)
    for w in sorted(set(offt["weight"])):
        sel = np.flatnonzero(offt["weight"].to_numpy() == w)
        km, near = naive_distance(grid, cells, off_g.iloc[sel])
        better = km / np.float32(w) < off_eff
        off_eff[better], off_km[better], off_idx[better] = km[better] / np.float32(w), km[better], sel[near[better]]
    subs = pd.read_csv(config.settings().layers_dir / "substations.csv")
    sub_g = gpd.GeoDataFrame(subs, geometry=gpd.points_from_xy(subs["lon"], subs["lat"]),
                             crs=config.WGS84).to_crs(config.EQUAL_AREA)
    sel = np.flatnonzero(subs["max_voltage_kv"].to_numpy() >= 330)
    grid_km, grid_near = naive_distance(grid, cells, sub_g.iloc[sel])
    town_km, _ = naive_distance(grid, cells, pd.concat([towns, seats], ignore_index=True))
    seat_km, _ = naive_distance(grid, cells, seats)
    kind, name, resource, info = read_resource(tech, grid)
    elevation = criteria.pvlib_elevation(grid)
    layers = {"resource": Layer("resource", resource[inside], criteria.RESOURCE_UNITS[kind], name, ""),
              "elevation": Layer("elevation", elevation[inside], "m", "pvlib", ""),
              "demand": Layer("demand", off_eff, "km", "", ""), "town": Layer("town", town_km, "km", "", "")}
    table = pd.DataFrame({c: demand[c] for c in ("id", "name_zh", "name_en", "layer")})
    stack = Stack(tech, grid, inside, layers, kind, info.get("height_m", 100.0) if tech == "wind" else None,
                 {"seat": seat_km, "town": town_km, "park": demand_km,
                  "runway": landcover.runway_km(grid, inside)}, (codes[inside] - 1).astype(np.int16),
                 list(prefs["name_zh"]), list(prefs["name_en"]), nearest, table, elevation[inside], None, [],
                 offtakers=offt, nearest_offtaker=off_idx, offtaker_km=off_km,
                 substations=connection.substations(), landcover=landcover.read_classes(grid, inside),
                 glacier=landcover.glacier_mask(grid, inside))  # land cover, glaciers, runways: re-read per request
    stack.__dict__["_grid_cache"] = {330.0: connection.Field(grid_km, sel[grid_near])}
    return stack


def naive_distance(grid: Grid, cells: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) from each cell centre to the nearest point, with geopandas' nearest join.

    Points are snapped to the centre of their cell first, so the answer equals the fast path's exactly.
    """
    rows, cols, on = grid.rowcol(points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    snapped = gpd.GeoDataFrame({"point": np.flatnonzero(on)},
                               geometry=gpd.points_from_xy(*grid.centres(rows[on], cols[on])), crs=grid.crs)
    joined = gpd.sjoin_nearest(cells, snapped, distance_col="distance")
    joined = joined[~joined.index.duplicated(keep="last")].sort_index()
    return (joined["distance"].to_numpy() / 1000).astype(np.float32), joined["point"].to_numpy().astype(np.int32)


def reread_resource(read_resource):
    """Wrap a resource reader so each call reads and reprojects from the file (no process cache)."""
    def read(tech, grid):
        kind, name, values, info = read_resource(tech, grid)
        if name != "placeholder":
            import rasterio
            from gislayout.resources import store
            with rasterio.open(store.tif_path(name)) as ds:
                src = ds.read(1, masked=True).astype("float32").filled(np.nan)
                values = np.full(grid.shape, np.nan, np.float32)
                reproject(src, values, src_transform=ds.transform, src_crs=ds.crs, dst_transform=grid.transform,
                          dst_crs=grid.crs, src_nodata=np.nan, dst_nodata=np.nan, resampling=Resampling.bilinear)
        return kind, name, values, info
    return read


def param_sets(tech: str, n: int) -> list[dict]:
    """`n` different weight/threshold settings, the way a planner drags the sliders."""
    rng = np.random.default_rng(42)
    out = []
    for _ in range(n):
        q = {f"w_{k}": f"{rng.uniform(0.05, 1):.2f}" for k in ("resource", "elevation", "demand", "town")}
        q["t_demand"] = f"{rng.uniform(80, 250):.0f}"
        q["t_elevation"] = f"{rng.uniform(2500, 4000):.0f}"
        q["wacc"] = f"{rng.uniform(2, 10):.1f}"
        q["capex"] = f"{rng.uniform(500, 1500):.0f}" if tech == "pv" else f"{rng.uniform(800, 2000):.0f}"
        if tech == "wind":
            q["hub"] = f"{rng.uniform(70, 140):.0f}"
            q["shear"] = f"{rng.uniform(0.10, 0.25):.3f}"
        out.append(q)
    return out


def recompute(stack: Stack, params) -> service.Run:
    """What a request recomputes: the run, its supply curve and the offtakers' inverse view."""
    t = time.perf_counter()
    result = service.run(stack, params)
    result.supply = service.supply_curve(result)
    result.inverse = supply.inverse(stack, result.zones, result.economics, params)
    result.timings_ms["supply"] = round((time.perf_counter() - t) * 1e3 - result.timings_ms["total"], 1)
    return result


def ms(samples: list[float]) -> str:
    s = sorted(samples)
    return (f"median {statistics.median(s) * 1e3:7.1f} ms   p95 {s[int(0.95 * (len(s) - 1))] * 1e3:7.1f} ms   "
            f"min {s[0] * 1e3:7.1f} ms   (n={len(s)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tech", choices=(*criteria.TECHS, "both"), default="both")
    parser.add_argument("--fast-runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()
    original = criteria.read_resource
    for tech in (criteria.TECHS if args.tech == "both" else (args.tech,)):
        criteria.read_resource = original
        bench(argparse.Namespace(**{**vars(args), "tech": tech}))
        print()


def bench(args) -> None:
    reader, label = resource_reader(args.tech)
    criteria.read_resource = reader
    print(f"siting benchmark, tech={args.tech}; resource: {label}")

    t = time.perf_counter()
    stack = criteria.build(args.tech)
    print(f"grid {stack.grid.shape[0]}×{stack.grid.shape[1]} cells of {stack.grid.cell_m:g} m, "
          f"{stack.flat.size:,} inside Gansu")
    print(f"precompute (once per process): {(time.perf_counter() - t) * 1e3:,.0f} ms")
    t = time.perf_counter()
    for _ in range(200):
        assert criteria.build(args.tech) is stack
    print(f"cached stack lookup per request (key: installed resources): "
          f"{(time.perf_counter() - t) / 200 * 1e6:,.0f} µs")
    sets = param_sets(args.tech, args.fast_runs)

    t = time.perf_counter()
    recompute(stack, service.parse(stack, sets[0]))  # warm caches (wind yield table, grid distance at 330 kV)
    print(f"first recompute (builds the ≥ 330 kV distance field once): {(time.perf_counter() - t) * 1e3:,.0f} ms")
    fast, parts = [], []
    for q in sets:
        t = time.perf_counter()
        result = recompute(stack, service.parse(stack, q))
        fast.append(time.perf_counter() - t)
        parts.append(result.timings_ms)
    print(f"fast recompute (score, zones, offtakers, grid, LCOE, top-50 polygons, roll-ups, supply curve, "
          f"inverse view): {ms(fast)}")
    t = time.perf_counter()
    recompute(stack, service.parse(stack, {**sets[0], "grid_kv": "750"}))
    print(f"recompute with a new grid_kv (750 kV, distance field built):  {(time.perf_counter() - t) * 1e3:,.0f} ms")
    for key in ("score", "zones", "economics", "describe_polygons", "rollups", "supply"):
        print(f"    {key:18s} median {statistics.median(p[key] for p in parts):6.1f} ms")

    surface.geotiff(stack, result.surface.score)
    png = []
    for q in sets[:10]:
        r = service.run(stack, service.parse(stack, q), polygons=False, top=0)
        t = time.perf_counter()
        surface.geotiff(stack, r.surface.score)
        png.append(time.perf_counter() - t)
    print(f"surface GeoTIFF (tiles' source):    {ms(png)}")

    from gislayout.web import create_app
    client = create_app({"TESTING": True}).test_client()
    http = []
    for q in sets[:10]:
        url = "/api/siting/run?" + "&".join(f"{k}={v}" for k, v in {"tech": args.tech, **q}.items())
        t = time.perf_counter()
        resp = client.get(url)
        http.append(time.perf_counter() - t)
        assert resp.status_code == 200, resp.json
    print(f"HTTP GET /api/siting/run (JSON):    {ms(http)}")

    naive = []
    raw_reader = reread_resource(reader)
    for q in sets[:args.naive_runs]:
        t = time.perf_counter()
        nstack = naive_stack(args.tech, raw_reader)
        nresult = recompute(nstack, service.parse(nstack, q))
        naive.append(time.perf_counter() - t)
    print(f"naive per-request pipeline:         {ms(naive)}")

    check = service.run(stack, service.parse(stack, sets[args.naive_runs - 1]))
    same = (len(check.top) == len(nresult.top)
            and np.allclose(check.top["area_km2"], nresult.top["area_km2"])
            and np.allclose(check.top["score"], nresult.top["score"], atol=1e-3)
            and np.allclose(check.top["lcoe_usd_mwh"], nresult.top["lcoe_usd_mwh"], atol=0.2, equal_nan=True))
    print(f"same ranked zones from both paths: {same}")
    print(f"speed-up (naive median / fast median): {statistics.median(naive) / statistics.median(fast):.0f}×")
    tenfold = statistics.median(naive) >= 10 * statistics.median(fast)
    print(f"target ≤ 100 ms per recompute: {'met' if statistics.median(fast) <= 0.1 else 'NOT met'}; "
          f"≥ 10× the naive pipeline: {'met' if tenfold else 'NOT met'}")


if __name__ == "__main__":
    main()
