"""The comparison table against an independent geopandas computation, and the version diff."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from gislayout import boundaries, compare, config, layers, regions
from gislayout.errors import BadParameter, InvalidData


def _independent(zone_scheme: str, zone_id: str) -> dict:
    """Counts by a spatial join of the raw point layers with the dissolved zone polygon."""
    zone = regions.zones_gdf(zone_scheme).set_index("zone").loc[[zone_id]]
    zone = gpd.GeoDataFrame(zone, geometry="geometry", crs=config.WGS84)
    out = {"area_km2": float(zone.to_crs(config.EQUAL_AREA).area.sum() / 1e6)}
    for name in ("bases", "parks", "enterprises", "projects"):
        pts = gpd.sjoin(layers.load(name), zone[["geometry"]], predicate="within")
        out[name] = pts
    return out


@pytest.mark.parametrize("scheme_id, zone_id", [("2009", "hexi"), ("2009", "centre"), ("2021", "longdongnan")])
def test_table_matches_an_independent_spatial_join(scheme_id, zone_id):
    table = compare.summarise(compare.parse_area(f"zone:{scheme_id}:{zone_id}")).set_index("metric")["value"]
    ref = _independent(scheme_id, zone_id)
    assert table["area_km2"] == pytest.approx(ref["area_km2"], rel=1e-6)
    assert table["bases_national"] == (ref["bases"]["level"] == "national").sum()
    assert table["bases_provincial"] == (ref["bases"]["level"] == "provincial").sum()
    assert table["parks"] == len(ref["parks"])
    assert table["enterprises"] == len(ref["enterprises"])
    assert table["projects"] == len(ref["projects"])
    wind = ref["projects"].loc[ref["projects"]["technology"] == "wind", "capacity_mw"].sum()
    assert table["projects_wind_mw"] == pytest.approx(wind)


def test_prefectures_of_the_province_sum_to_the_province():
    whole = compare.summarise(compare.parse_area("province")).set_index("metric")["value"]
    parts = [compare.summarise(compare.parse_area(f"prefecture:{p}")).set_index("metric")["value"]
             for p in boundaries.load("prefecture")["name_zh"]]
    for metric in ("area_km2", "bases_national", "parks", "enterprises", "projects_wind_mw"):
        assert sum(p[metric] for p in parts) == pytest.approx(whole[metric], rel=1e-6)


def test_compare_two_areas_has_a_difference_column():
    table = compare.compare_areas("prefecture:酒泉市", "prefecture:兰州市")
    row = table.set_index("metric").loc["parks"]
    assert row["difference"] == row["prefecture:兰州市"] - row["prefecture:酒泉市"]


def test_compare_schemes_gives_one_column_per_zone():
    tables = compare.compare_schemes("2009", "2009")
    assert list(tables["2009"].columns[3:]) == [z.id for z in regions.get("2009").zones]


@pytest.mark.parametrize("spec", ["zone:2009:mars", "prefecture:北京市", "county:x", "zone:1999:hexi", ""])
def test_bad_area_names_the_value(spec):
    with pytest.raises(BadParameter):
        compare.parse_area(spec)


def _crafted_version() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    base = pd.concat([layers.load("bases"), layers.load("parks")], ignore_index=True)
    base = gpd.GeoDataFrame(base, geometry="geometry", crs=config.WGS84)
    other = base.copy()
    removed, moved, renamed = base["id"].iloc[0], base["id"].iloc[5], base["id"].iloc[10]
    other = other[other["id"] != removed]
    # Move 5 km due east along the geodesic.
    p = base.set_index("id").loc[moved, "geometry"]
    lon, lat, _ = Geod(ellps="WGS84").fwd(p.x, p.y, 90, 5000)
    other.loc[other["id"] == moved, "geometry"] = shapely.Point(lon, lat)
    other.loc[other["id"] == renamed, "name_en"] = "Renamed Park"
    added = base.iloc[[3]].copy()
    added["id"] = "park_new_2025"
    other = gpd.GeoDataFrame(pd.concat([other, added], ignore_index=True), crs=config.WGS84)
    return base, other, {"removed": removed, "moved": moved, "renamed": renamed, "added": "park_new_2025"}


def test_diff_of_a_crafted_version():
    base, other, ids = _crafted_version()
    diff = compare.diff_versions(base, other).set_index("id")
    assert diff.loc[ids["added"], "status"] == "added"
    assert diff.loc[ids["removed"], "status"] == "removed"
    assert diff.loc[ids["moved"], "status"] == "moved"
    assert diff.loc[ids["moved"], "distance_km"] == pytest.approx(5.0, abs=0.01)
    assert diff.loc[ids["renamed"], "status"] == "changed"
    assert diff.loc[ids["renamed"], "changed_fields"] == "name_en"
    assert "Renamed Park" in diff.loc[ids["renamed"], "changes"]
    assert (diff["status"] == "unchanged").sum() == len(base) - 3


def test_diff_requires_ids():
    base = layers.load("bases")
    with pytest.raises(InvalidData, match="'id'"):
        compare.diff_versions(base, base.drop(columns="id"))


def test_resource_rows_match_an_independent_rasterio_mean():
    """GHI statistics of an area against rasterio's own mask of the installed COG (cell centres inside)."""
    import numpy as np
    import rasterio
    import rasterio.features

    from gislayout.resources import store

    from .fixtures.resources import synth

    with synth.use_build_dir(synth.session_build_dir()):
        area = compare.parse_area("zone:2009:hexi")
        table = compare.summarise(area).set_index("metric")["value"]
        with rasterio.open(store.tif_path("ghi_estimate")) as ds:
            values = ds.read(1, masked=True).astype("float64")
            inside = rasterio.features.geometry_mask([area.geometry], values.shape, ds.transform, invert=True)
            # equal weights per cell are not equal areas on a lat/lon grid: weight by cos(latitude)
            rows = np.arange(values.shape[0])
            lat = ds.transform.f + (rows + 0.5) * ds.transform.e
            w = np.cos(np.radians(lat))[:, None] * np.ones(values.shape[1])
            ok = inside & ~np.ma.getmaskarray(values)
            expected = float((values.data[ok] * w[ok]).sum() / w[ok].sum())
    assert table["ghi_estimate_mean"] == pytest.approx(expected, rel=0.01)
    assert table["ghi_estimate_p10"] <= table["ghi_estimate_p50"] <= table["ghi_estimate_p90"]


def test_diff_flags_a_location_outside_gansu():
    base = layers.load("bases")
    other = base.copy()
    other.loc[0, "geometry"] = shapely.Point(75.0, 38.0)  # lon 75: Xinjiang, a likely typo for 95
    diff = compare.diff_versions(base, other).set_index("id")
    assert bool(diff.loc[base["id"][0], "outside_gansu"]) and diff.loc[base["id"][0], "status"] == "moved"
    assert not diff.drop(index=base["id"][0])["outside_gansu"].any()


@pytest.mark.parametrize("scheme_id, zone_id", [("2009", "hexi"), ("2009", "centre"), ("2021", "longdongnan")])
def test_record_rows_match_an_independent_spatial_join(scheme_id, zone_id):
    """The record rows (GPPD MW by fuel, CDM projects apart, mines, smelters, substations ≥ 330 kV) against a
    spatial join of the raw ground CSVs with the dissolved zone polygon."""
    from gislayout import ground
    from gislayout.compare import labels
    from .conftest import ROOT

    table = compare.summarise(compare.parse_area(f"zone:{scheme_id}:{zone_id}"))
    assert any(ground.CAVEAT in n for n in table.attrs["notes"])
    values = table.set_index("metric")["value"]
    zone = regions.zones_gdf(scheme_id).set_index("zone").loc[[zone_id]][["geometry"]]

    def joined(name: str) -> pd.DataFrame:
        df = pd.read_csv(ROOT / "layers" / f"{name}.csv")
        pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=config.WGS84)
        return gpd.sjoin(pts, gpd.GeoDataFrame(zone, crs=config.WGS84), predicate="within")

    plants = joined("plants")
    for fuel in ("wind", "solar", "coal", "hydro"):
        assert values[f"record_plants_{fuel}_mw"] == pytest.approx(
            plants.loc[plants["kind"] == fuel, "capacity_mw"].sum())
    cdm = joined("cdm_projects")
    first = cdm[cdm["id"].str.endswith("_1")]  # each project once, at its first location point
    for fuel, kind in (("wind", "wind"), ("solar", "solar_pv")):
        rows = first[first["kind"] == kind]
        assert values[f"record_cdm_{fuel}_projects"] == len(rows)
        assert values[f"record_cdm_{fuel}_mw"] == pytest.approx(rows["capacity_mw"].sum())
    mines = joined("mines")
    assert values["record_mines"] == (mines["kind"] == "mine").sum()
    assert values["record_smelters"] == mines["kind"].isin(["smelter", "refinery"]).sum()
    subs = joined("substations")
    assert values["record_substations_330kv"] == (subs["max_voltage_kv"] >= 330).sum()
    assert "installed" not in " ".join(labels.label(m, "en").lower() for m in values.index if m.startswith("record_"))
