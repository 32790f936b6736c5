"""Regenerate the map-context layers of `layers/context/` from ../shared/data/context (run by hand, never imported).

    python layers/tools/curate_context.py ../shared/data

Writes, clipped to Gansu plus a margin by the product's own province polygon (never by an attribute: Natural
Earth tags Qinghai towns as Gansu), with coordinates rounded and only the columns the atlas draws:

- places.csv: prefecture and county seats from the product's own admin names (layers/admin_names.csv; GeoNames
  writes Jiuquan as 肃州), then GeoNames cities500 towns that are not a seat (rank 3), with population.
- rivers.geojson: Natural Earth 10m rivers and lake centre lines (no Hei He or Shule He in that dataset),
  simplified to ~200 m.
- railway_stations.csv: OpenStreetMap railway stations (train, subway, tram stop), named or not.
Natural Earth lakes are not curated: none lies inside Gansu plus the margin. Substations are the ground layer
`substations` (layers/substations.csv, curate_ground.py), not a context file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

LAYERS = Path(__file__).resolve().parent.parent
OUT = LAYERS / "context"
sys.path.insert(0, str(LAYERS.parent))
from gislayout import boundaries, config  # noqa: E402  (the script runs from a checkout, by hand)

#: How far outside Gansu context is kept, so labels and rivers do not stop dead at the border.
MARGIN_M = 15_000
#: A GeoNames town this close to a seat is that seat under another name, and is left out.
SEAT_RADIUS_M = 3_000
#: Chinese names of the Natural Earth rivers that cross Gansu (NE 4.0 has English names only).
RIVER_ZH = {"Huang": "黄河", "Wei": "渭河", "Jing": "泾河", "Huan": "环江", "Jialing": "嘉陵江", "Han": "汉江",
            "Bailong": "白龙江", "Tao": "洮河", "Datong": "大通河", "Huangshui": "湟水"}


def area() -> shapely.Geometry:
    """Gansu plus MARGIN_M, in WGS84."""
    province = boundaries.load("province").to_crs(config.EQUAL_AREA)
    return gpd.GeoSeries(province.buffer(MARGIN_M), crs=config.EQUAL_AREA).to_crs(config.WGS84).union_all()


def places(context: Path, clip: shapely.Geometry) -> pd.DataFrame:
    """Seats from admin_names.csv (rank 1 prefecture, 2 county), then GeoNames towns (rank 3)."""
    admin = pd.read_csv(LAYERS / "admin_names.csv", dtype={"adcode": str})
    pref = admin[admin["level"] == "prefecture"]
    county = admin[admin["level"] == "county"]
    seats = pd.concat([pref.assign(rank=1), county.assign(rank=2)])
    seats = seats.rename(columns={"seat_lon": "lon", "seat_lat": "lat"})
    seats = seats.assign(population=pd.NA, source="admin_names.csv " + seats["adcode"])
    # A county whose seat is its prefecture's seat (Lanzhou's 城关区) is labelled once, by the prefecture.
    pts = gpd.GeoSeries(gpd.points_from_xy(seats["lon"], seats["lat"]), crs=config.WGS84).to_crs(config.EQUAL_AREA)
    pref_pts = pts[(seats["rank"] == 1).to_numpy()]
    near_pref = pts.apply(lambda p: pref_pts.distance(p).min() < 1_000)
    seats = seats[~(near_pref.to_numpy() & (seats["rank"] == 2).to_numpy())]
    seat_pts = gpd.GeoSeries(gpd.points_from_xy(seats["lon"], seats["lat"]), crs=config.WGS84).to_crs(config.EQUAL_AREA)

    gn = gpd.read_file(context / "geonames_cities500_gansu_bbox.geojson")
    gn = gn[gn.within(clip)]
    gn_pts = gn.geometry.to_crs(config.EQUAL_AREA)
    tree = shapely.STRtree(seat_pts.to_numpy())
    _, near = tree.query(gn_pts.to_numpy(), predicate="dwithin", distance=SEAT_RADIUS_M)
    towns = gn.iloc[sorted(set(range(len(gn))) - set(near))]
    towns = pd.DataFrame({
        "id": "gn_" + towns["geonameid"].astype(str), "rank": 3,
        "name_zh": towns["name_zh"].fillna(""), "name_en": towns["name"],
        "lon": towns.geometry.x, "lat": towns.geometry.y,
        "population": towns["population"].where(towns["population"] > 0).astype("Int64"),
        "source": "GeoNames " + towns["geonameid"].astype(str)})
    seats = pd.DataFrame({"id": "adm_" + seats["adcode"], "rank": seats["rank"], "name_zh": seats["name_zh"],
                          "name_en": seats["name_en"], "lon": seats["lon"], "lat": seats["lat"],
                          "population": seats["population"].astype("Int64"), "source": seats["source"]})
    out = pd.concat([seats, towns.sort_values("population", ascending=False, na_position="last")])
    return out.assign(lon=out["lon"].round(4), lat=out["lat"].round(4))


def rivers(context: Path, clip: shapely.Geometry) -> dict:
    """Natural Earth river centre lines inside the clip, merged by name, simplified and rounded."""
    ne = gpd.read_file(context / "ne10m_v4_rivers_lake_centerlines_gansu_bbox.geojson")
    ne = ne.assign(geometry=ne.intersection(clip))
    ne = ne[~ne.is_empty]
    merged = ne.dissolve(by="name", as_index=False, aggfunc={"scalerank": "min"})
    features = []
    for row in merged.sort_values("scalerank").itertuples():
        geom = shapely.set_precision(row.geometry.simplify(0.002), 0.001)
        features.append({"type": "Feature", "properties": {
            "name_en": row.name, "name_zh": RIVER_ZH.get(row.name, ""), "scalerank": int(row.scalerank)},
            "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def stations(context: Path, clip: shapely.Geometry) -> pd.DataFrame:
    """OpenStreetMap railway stations inside the clip."""
    osm = gpd.read_file(context / "osm_omap_railway_stations_gansu_bbox.geojson")
    osm = osm[osm.within(clip)].reset_index(drop=True)
    return pd.DataFrame({"id": ["rs_" + str(i + 1) for i in range(len(osm))], "name": osm["name"].fillna(""),
                         "station": osm["station"], "lon": osm.geometry.x.round(4), "lat": osm.geometry.y.round(4)})


def main(data: Path) -> None:
    context = data / "context"
    clip = area()
    OUT.mkdir(exist_ok=True)
    for name, df in (("places.csv", places(context, clip)), ("railway_stations.csv", stations(context, clip))):
        df.to_csv(OUT / name, index=False, lineterminator="\n")
        ranks = f" by rank {df['rank'].value_counts().sort_index().to_dict()}" if "rank" in df else ""
        print(f"{name}: {len(df)} rows{ranks}")
    fc = rivers(context, clip)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    (OUT / "rivers.geojson").write_text(text + "\n", encoding="utf-8")
    print(f"rivers.geojson: {len(fc['features'])} rivers, {len(text) // 1000} kB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
