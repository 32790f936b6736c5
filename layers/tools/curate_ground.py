"""Regenerate the ground layers of `layers/` from the open data in ../shared/data (run by hand, never imported).

    python layers/tools/curate_ground.py ../shared/data
    python layers/tools/curate_ground.py --sites ../shared/data    (only the policy sites, both searches)

Writes plants.csv (WRI GPPD), cdm_projects.csv (UNFCCC CDM), mines.csv (ICMM), substations.csv (OSM),
published_figures.csv (cited station figures), footprints.geojson (hull of the Jiuquan phase I CDM wind
projects), and moves the policy features of policy_sites_found.csv and policy_sites_found_2.csv (preferred rows)
to their sourced points
in bases/parks/enterprises/projects.csv. Prefecture and county come from a spatial join with the product's own
county boundaries. Known source errors (ground/SOURCE.md) are dropped here; layers/SOURCES.md lists them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

LAYERS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LAYERS.parent))
from gislayout import boundaries, config  # noqa: E402  (the script runs from a checkout, by hand)

GPPD = "WRI Global Power Plant Database v1.3.0 (CC BY 4.0)"
CDM = "UNFCCC CDM registry, project locations archived in the GPPD repository (CC BY 4.0 repository)"
ICMM = "ICMM Global Mining Dataset, September 2025 (V1) release (CC BY 4.0)"
OSM = "© OpenStreetMap contributors (ODbL 1.0), China extract 2025-02 by OpenQGIS/OMap-GeoDB"
#: Source rows SOURCE.md lists as errors: (dataset, id) → reason.
ERRORS = {
    ("cdm", "6905"): "latitude typo: stored at 34.79 N 102.061 E (Xiahe, Gannan) for a Minqin farm",
    ("cdm", "7547"): "one point at 116.67 E, a longitude typo",
    ("gppd", "1072340"): "the GPPD row of CDM ref 6905, with the same latitude typo",
    ("icmm", "ICMM07056"): "'Jinchuan Mine' at 38.9982 N 99.9998 E (Very Low confidence, in Sunan) is wrong",
}
#: GPPD rows copied from the CDM at 0.01°, and the CDM ref that names the same project with more digits.
GPPD_CDM = {"1026380": "5677", "1026356": "6706", "1025967": "9788", "1025968": "7882", "1025973": "7206",
            "1026381": "5229", "1026382": "8437", "1026375": "5752", "1026368": "8327", "1025979": "7530"}
#: CDM titles are truncated in the archive ("...10MW Grid-connected So..."); these types are curated by hand:
#: PV where the title's cut-off word is plainly Solar; wind for farms in the Guazhou/Yumen wind areas (Ganhekou,
#: Beidaqiao, Daliang, Changma, Heiyazi, Sanshilijingzi, Xiangyang) whose titles stop before the word; hydro
#: for the bundled small hydro of Li County.
CDM_KIND = {"5752": "solar_pv", "8327": "solar_pv", "8437": "solar_pv",
            "6656": "wind", "6657": "wind", "6596": "wind", "7403": "wind", "7404": "wind", "5211": "wind",
            "3241": "wind", "3253": "wind", "5127": "wind", "7886": "wind", "5108": "hydro"}
CDM_RULES = [("solar_cooker", r"solar cooker"), ("solar_pv", r"solar|photovolt|\bpv\b|\d\s*mwp"),
             ("wind", r"wind"), ("biomass", r"biomass"), ("waste_heat", r"waste heat|wast"),
             ("methane", r"methane"), ("waste", r"kitchen waste"), ("transport", r"bus rapid|brt"),
             ("energy_efficiency", r"energy saving"),
             ("hydro", r"hydr|cascade|river|bundle|sidalong|shimiao|renewable energy project for gr|"
                       r"\((?:powerhouse|dam)\)|yangtian|bundl")]


def write_csv(df: pd.DataFrame, name: str) -> None:
    df.to_csv(LAYERS / name, index=False, lineterminator="\n")
    print(f"{name}: {len(df)} rows")


def join_admin(df: pd.DataFrame, lon: str = "lon", lat: str = "lat") -> pd.DataFrame:
    """Prefecture and county of each point from the county polygons; points in no county are dropped."""
    counties = boundaries.load("county")[["name_zh", "prefecture", "geometry"]]
    pts = gpd.GeoDataFrame(df.reset_index(drop=True), geometry=gpd.points_from_xy(df[lon], df[lat]),
                           crs=config.WGS84)
    hit = gpd.sjoin(pts, counties.rename(columns={"name_zh": "_county", "prefecture": "_pref"}),
                    how="left", predicate="within")
    hit = hit[~hit.index.duplicated()]
    out = pd.DataFrame(hit.drop(columns=["geometry", "index_right"]))
    out["prefecture"], out["county"] = out.pop("_pref"), out.pop("_county")
    missing = out["prefecture"].isna()
    if missing.any():
        print(f"  {missing.sum()} point(s) outside the Gansu counties dropped")
    return out[~missing]


def plants(ground: Path, cdm: pd.DataFrame) -> pd.DataFrame:
    g = pd.read_csv(ground / "gppd_gansu.csv", dtype={"Power Plant ID": str})
    g = g[~g["Power Plant ID"].map(lambda i: ("gppd", i) in ERRORS)]
    cdm_at = cdm.groupby("ref")[["lon", "lat"]].first()
    rows = []
    for r in g.itertuples(index=False):
        pid, name = r[0], r[1]
        lon, lat = r.lon, r.lat
        basis, loc_src, note = "named", f"GPPD row {pid} (geolocation: {r[38] if pd.notna(r[38]) else r.Source})", ""
        if pid in GPPD_CDM:
            ref = GPPD_CDM[pid]
            lon, lat = cdm_at.loc[ref, "lon"], cdm_at.loc[ref, "lat"]
            loc_src = f"UNFCCC CDM project ref {ref} (GPPD row {pid} gives it to 0.01°)"
        elif len(f"{r.lat}".split(".")[-1]) <= 2 or len(f"{r.lon}".split(".")[-1]) <= 2:
            note = "Coordinates published to 0.01° (about 1 km)."
        precision = "site"
        if pid == "1023878":
            precision, basis = "representative", "aggregate"
            note = ("GPPD's single aggregate point for the whole Jiuquan wind base (6,000 MW); the registered "
                    "phase I projects are in cdm_projects and their hull in footprints.")
        year = r[7]
        rows.append({"id": f"gppd_{pid}", "name_zh": name, "name_en": name, "kind": r.Fuel.lower(),
                     "capacity_mw": float(r[6]), "commissioning_year": int(year) if pd.notna(year) else None,
                     "owner": r.Owner if pd.notna(r.Owner) else None, "gppd_id": pid, "row_source": r.Source,
                     "source_url": r.URL, "precision": precision, "location_basis": basis,
                     "location_source": loc_src, "lon": round(lon, 6), "lat": round(lat, 6),
                     "source": f"{GPPD}, row {pid}; row source {r.Source}", "location_note": note or None})
    df = join_admin(pd.DataFrame(rows))
    df["commissioning_year"] = df["commissioning_year"].astype("Int64")
    return df


def cdm_kind(ref: str, title: str, gppd_fuel: dict[str, str]) -> tuple[str, str]:
    """The project type and how it is known: `gppd` (its GPPD row), `title` (a word of it), `curated`, `none`."""
    if ref in gppd_fuel:
        return {"Solar": "solar_pv"}.get(gppd_fuel[ref], gppd_fuel[ref].lower()), "gppd"
    if ref in CDM_KIND:
        return CDM_KIND[ref], "curated"
    for kind, pattern in CDM_RULES:
        if re.search(pattern, title, re.I):
            return kind, "title"
    return "unknown", "none"


def capacity_mw(title: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(MWp?|kW)\b", title, re.I)
    if not m:
        return None
    value = float(m.group(1))
    return value / 1000 if m.group(2).lower() == "kw" else value


def read_cdm(ground: Path) -> pd.DataFrame:
    c = pd.read_csv(ground / "cdm_gansu.csv")
    c["ref"] = c["url"].str.extract(r"ref=(\d+)")[0].str.lstrip("0")
    return c


def cdm_projects(ground: Path, c: pd.DataFrame) -> pd.DataFrame:
    g = pd.read_csv(ground / "gppd_gansu.csv", dtype=str)
    gppd_fuel = {ref.lstrip("0"): fuel for ref, fuel in zip(g["URL"].str.extract(r"ref=(\d+)")[0], g["Fuel"])
                 if isinstance(ref, str)}
    c = c[~c["ref"].map(lambda i: ("cdm", i) in ERRORS)]
    rows = []
    for ref, group in c.groupby("ref", sort=False):
        for k, r in enumerate(group.itertuples(index=False), start=1):
            m = re.match(r"^(?:Location (?P<loc>.*) of )?\d+: (?P<title>.*?) \((?P<scale>SMALL|LARGE), \d+\)$", r.name)
            title, loc = m.group("title"), m.group("loc")
            kind, kind_basis = cdm_kind(ref, r.name, gppd_fuel)
            rows.append({"id": f"cdm_{ref}_{k}", "name_zh": title, "name_en": title,
                         "kind": kind, "kind_basis": kind_basis, "capacity_mw": capacity_mw(title),
                         "cdm_ref": ref, "scale": m.group("scale").lower(), "location": loc,
                         "registry_url": f"https://cdm.unfccc.int{r.url}", "points_in_project": len(group),
                         "precision": "site", "location_basis": "named",
                         "location_source": f"UNFCCC CDM project ref {ref}, location {k} of {len(group)}",
                         "lon": r.lon, "lat": r.lat, "source": f"{CDM}; cite UNFCCC CDM project ref {ref}",
                         "title_in_source": r.name})
    return join_admin(pd.DataFrame(rows))


def mines(ground: Path) -> pd.DataFrame:
    m = pd.read_csv(ground / "icmm_gansu.csv")
    m = m[~m["id"].map(lambda i: ("icmm", i) in ERRORS)]
    rows = [{"id": f"icmm_{r.id[4:]}", "name_zh": r.name, "name_en": r.name,
             "kind": r.assetType.split(";")[0].lower(), "asset_type": r.assetType,
             "primary_commodity": r.primaryCommodity,
             "secondary_commodity": r.secondaryCommodity if pd.notna(r.secondaryCommodity) else None,
             "other_commodities": r.otherCommodities if pd.notna(r.otherCommodities) else None,
             "confidence": r.confidenceFactor, "group_names": r.groupNames if pd.notna(r.groupNames) else None,
             "icmm_id": r.id, "precision": "site", "location_basis": "named",
             "location_source": f"ICMM dataset record {r.id}", "lon": r.lon, "lat": r.lat,
             "source": f"{ICMM}, record {r.id}"} for r in m.itertuples(index=False)]
    return join_admin(pd.DataFrame(rows))


def max_kv(voltage) -> float | None:
    """The highest voltage of an OSM `voltage` tag in kV ("750000;330000" → 750); the extract's MAX_kv is wrong."""
    if not isinstance(voltage, str):
        return None
    volts = [float(v) for v in re.findall(r"\d+(?:\.\d+)?", voltage)]
    return max(volts) / 1000 if volts and max(volts) > 0 else None


def substations(context: Path) -> pd.DataFrame:
    path = context / "osm_omap_power_polygons_gansu_bbox.gpkg"
    pts = gpd.read_file(path, layer="power_polygon_points", fid_as_index=True)
    pts = pts[pts["power"] == "substation"].copy()
    pts["max_voltage_kv"] = pts["voltage"].map(max_kv)
    pts = pts[pts["max_voltage_kv"] >= 110]
    rows = []
    for fid, r in pts.iterrows():
        kv = r["max_voltage_kv"]
        label = r["name"] if isinstance(r["name"], str) else None
        rows.append({"id": f"osm_sub_{fid}", "name_zh": label or f"{kv:g} kV 变电站",
                     "name_en": label or f"{kv:g} kV substation (unnamed in OSM)", "kind": "substation",
                     "max_voltage_kv": kv, "voltage": r["voltage"], "osm_name": label,
                     "source_fid": int(fid), "precision": "site", "location_basis": "named",
                     "location_source": f"OSM substation polygon (power_polygon_points fid {fid})",
                     "lon": round(r.geometry.x, 6), "lat": round(r.geometry.y, 6),
                     "source": f"{OSM}; power_polygons fid {fid}"})
    return join_admin(pd.DataFrame(rows))


#: Where each cited figure is placed: the admin units it covers (county or prefecture names, or 甘肃省).
FIGURE_PLACES = {
    "Dunhuang": ["敦煌市"],
    "Dunhuang, Jiuquan, Minqin (range over 3 radiation stations)": ["敦煌市", "肃州区", "民勤县"],
    "Eastern Hexi Corridor (Wuwei region)": ["武威市"], "Gansu (whole province)": ["甘肃省"],
    "Most of the Hexi Corridor": ["酒泉市", "嘉峪关市", "张掖市", "金昌市", "武威市"],
    "Jiuquan, Zhangye, Jiayuguan (resource-rich zone)": ["酒泉市", "张掖市", "嘉峪关市"],
    "Jinchang, Wuwei, Minqin; most of Gulang, Tianzhu, Jingyuan, Jingtai; parts of Dingxi, Lanzhou, Linxia, "
    "Huanxian, Maqu (fairly rich zone)": ["金昌市", "武威市"],
    "Most of Tianshui, Longnan, Gannan (usable zone)": ["天水市", "陇南市", "甘南藏族自治州"],
    "Southern Gansu": ["陇南市", "甘南藏族自治州"], "Linxia County": ["临夏县"],
    "Zhangye prefecture (northern/north-western plains)": ["张掖市"],
    "Zhangye prefecture (low mountain areas)": ["张掖市"],
    "Hexi region (mean of 15 weather stations)": ["酒泉市", "嘉峪关市", "张掖市", "金昌市", "武威市"],
    "Zhangye city stations (range; max Minle, min Gaotai)": ["张掖市"], "Jiayuguan": ["嘉峪关市"],
    "Yumen (wind farm SW of Yumen town)": ["玉门市"],
    "Central and western Hexi Corridor": ["酒泉市", "嘉峪关市", "张掖市"],
    "Central and western Hexi Corridor (most places)": ["酒泉市", "嘉峪关市", "张掖市"],
    "High-value area of central/western Hexi Corridor (Guazhou County, Yumen City)": ["瓜州县", "玉门市"],
    "Gansu deserts (Jiuquan wind base area)": ["酒泉市"],
}


def published_figures(stations: Path) -> pd.DataFrame:
    facts = pd.read_csv(stations / "gansu_station_facts.csv", dtype=str)
    units = pd.concat([boundaries.load(level) for level in ("province", "prefecture", "county")])
    units = units.drop_duplicates("name_zh", keep="last")  # 嘉峪关市 is both: use the county seat
    units = units.set_index("name_zh")
    rows = []
    for i, r in enumerate(facts.itertuples(index=False), start=1):
        covers = FIGURE_PLACES[r.place_en]
        if len(covers) == 1 and covers[0] != "甘肃省":
            unit = units.loc[covers[0]]
            precision = "county" if unit["level"] == "county" else "prefecture"
            lon, lat, basis = unit["seat_lon"], unit["seat_lat"], "seat"
            where = f"seat of {covers[0]} (admin_names.csv)"
        else:
            precision, basis = "region", "region_label"
            point = shapely.union_all(units.loc[covers, "geometry"].values).representative_point()
            lon, lat = round(point.x, 4), round(point.y, 4)
            where = f"a label point inside {'、'.join(covers)} (representative point of their union)"
        rows.append({"id": f"pf_{i:02d}_{r.quantity}", "name_zh": r.place_zh, "name_en": r.place_en,
                     "kind": r.quantity, "value": r.value, "units": r.units,
                     "height_m": float(r.height_m) if isinstance(r.height_m, str) else None, "period": r.period,
                     "covers": ";".join(covers), "source_title": r.source_title, "source_url": r.source_url,
                     "source_type": r.source_type, "precision": precision, "location_basis": basis,
                     "location_source": where, "lon": lon, "lat": lat,
                     "source": f"{r.source_title} — {r.source_url}"})
    df = join_admin(pd.DataFrame(rows))
    df.loc[df["precision"].isin(["region", "prefecture"]), "county"] = None
    return df


def footprint(cdm: pd.DataFrame) -> dict:
    """The Jiuquan wind base phase I as the convex hull of its CDM wind points in Guazhou and Yumen."""
    wind = cdm[(cdm["kind"] == "wind") & cdm["county"].isin(["瓜州县", "玉门市"])]
    hull = shapely.MultiPoint(list(zip(wind["lon"], wind["lat"]))).convex_hull
    area = gpd.GeoSeries([hull], crs=config.WGS84).to_crs(config.EQUAL_AREA).area.iloc[0] / 1e6
    refs = sorted(wind["cdm_ref"].unique(), key=int)
    props = {"id": "fp_jiuquan_wind_phase1", "name_zh": "酒泉风电基地一期（CDM注册风电项目范围）",
             "name_en": "Jiuquan wind base phase I (extent of its CDM-registered wind projects)",
             "kind": "project_hull", "feature_id": "base_jiuquan_wind", "prefecture": "酒泉市",
             "county": None, "counties": "瓜州县;玉门市", "projects": len(refs), "points": len(wind),
             "cdm_refs": ";".join(refs), "area_km2": round(area, 1), "precision": "representative",
             "location_basis": "hull_of_registered_projects",
             "location_source": f"convex hull of {len(wind)} UNFCCC CDM location points of {len(refs)} wind projects",
             "source": f"{CDM}; cite UNFCCC CDM project refs {', '.join(refs)}",
             "derivation": "layers/tools/curate_ground.py: convex hull of the cdm_projects points of kind wind "
                           "in 瓜州县 and 玉门市; an envelope of registered projects, not a boundary of the base"}
    geom = shapely.MultiPolygon([shapely.set_precision(hull, 1e-6)])
    return {"type": "FeatureCollection", "name": "footprints",
            "features": [{"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}]}


POLICY_FILES = ("bases", "parks", "enterprises", "projects")
PRECISION_OF = {"site": ("site", "named"), "site-candidate": ("site", "candidate"), "proxy": ("proxy", "co_located"),
                "representative": ("representative", "aggregate")}


def seat_source(row: dict) -> str:
    place = row["county"] or row["prefecture"]
    return f"seat of {place} in admin_names.csv (cpca 0.5.5 Amap centre, GCJ-02→WGS84)"


#: The site searches, applied in order (the second, SOURCE_sites_2.md, covers features the first left at a seat).
SITE_FILES = ("policy_sites_found.csv", "policy_sites_found_2.csv")
#: A `representative` row whose point only says which county the feature is in (SOURCE_sites_2.md: "county-level
#: only") puts the feature at that county's seat in admin_names.csv, precision `county`, as the schema defines it.
COUNTY_ONLY = re.compile(r"county-level only|district only", re.IGNORECASE)


def _county_seat(prefecture: str, county: str) -> tuple[str, str]:
    admin = pd.read_csv(LAYERS / "admin_names.csv", dtype=str)
    row = admin[(admin["level"] == "county") & (admin["prefecture"] == prefecture) & (admin["name_zh"] == county)]
    return row["seat_lon"].iloc[0], row["seat_lat"].iloc[0]


def move_policy_sites(ground: Path, filename: str = "policy_sites_found.csv") -> None:
    """Move each feature with a preferred row in `filename` to its sourced point, in place."""
    found = pd.read_csv(ground / filename, dtype=str)
    found = found[found["preferred"] == "True"].set_index("id")
    moved = 0
    for name in POLICY_FILES:
        path = LAYERS / f"{name}.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        fields = list(rows[0].keys())
        for col, after in (("location_basis", "precision"), ("location_source", "location_basis"),
                           ("seat_before", "location_source"), ("moved_km", "seat_before")):
            if col not in fields:
                fields.insert(fields.index(after) + 1, col)
        for row in rows:
            if row["id"] in found.index:
                f = found.loc[row["id"]]
                row["prefecture"], row["county"] = f["found_prefecture"], f["found_county"]
                if f["match_quality"] == "representative" and COUNTY_ONLY.search(f["how_matched"] or ""):
                    row["precision"], row["location_basis"] = "county", "seat"
                    row["lon"], row["lat"] = _county_seat(f["found_prefecture"], f["found_county"])
                    row["location_source"] = (f"{seat_source(row)}; county from: {f['name_zh']}; {f['source']}")
                else:
                    row["precision"], row["location_basis"] = PRECISION_OF[f["match_quality"]]
                    row["lon"], row["lat"] = f"{float(f['lon_wgs84']):.6f}", f"{float(f['lat_wgs84']):.6f}"
                    row["location_source"] = f"{f['name_zh']}; {f['source']}"
                seat = f["current_county"] if isinstance(f["current_county"], str) else f["current_prefecture"]
                row["seat_before"], row["moved_km"] = seat, f"{float(f['distance_km_from_current']):.1f}"
                # keep the policy's verb ("Policy: 重点建设 (…)"), which says nothing about the place
                verb = re.match(r"^Policy: [^.;]*[.;]?", row.get("location_note") or "")
                row["location_note"] = ((verb.group(0).rstrip(";.") + ". " if verb else "") +
                                        f"{f['how_matched'][0].upper()}{f['how_matched'][1:].rstrip('.')}.")
                moved += 1
            elif row.get("precision") in ("county", "prefecture"):
                row["location_basis"], row["location_source"] = "seat", seat_source(row)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows([{k: row.get(k) or "" for k in fields} for row in rows])
        path.write_text(out.getvalue(), encoding="utf-8")
    print(f"{filename}: policy features moved to sourced points: {moved}")


def main(data: Path) -> None:
    ground, context, stations = data / "ground", data / "context", data / "stations"
    raw_cdm = read_cdm(ground)
    cdm = cdm_projects(ground, raw_cdm)
    write_csv(plants(ground, raw_cdm), "plants.csv")
    write_csv(cdm, "cdm_projects.csv")
    write_csv(mines(ground), "mines.csv")
    write_csv(substations(context), "substations.csv")
    write_csv(published_figures(stations), "published_figures.csv")
    fp = footprint(cdm)
    (LAYERS / "footprints.geojson").write_text(json.dumps(fp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"footprints.geojson: {fp['features'][0]['properties']['projects']} projects, "
          f"{fp['features'][0]['properties']['points']} points")
    for filename in SITE_FILES:
        move_policy_sites(ground, filename)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sites":  # only the policy sites (both searches), nothing else
        for name in SITE_FILES:
            move_policy_sites(Path(sys.argv[2]).resolve() / "ground", name)
    elif len(sys.argv) != 2:
        sys.exit(__doc__)
    else:
        main(Path(sys.argv[1]).resolve())
