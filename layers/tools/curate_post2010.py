"""Regenerate `layers/zones_after_2010.csv` from ../shared/data/zones (run by hand, never imported).

    python layers/tools/curate_post2010.py ../shared/data

The zones set up or upgraded after the 2010 policy (Lanzhou New Area first): not part of the policy, a layer of
their own. Each row keeps its approval date and document and its sources. Only Lanzhou New Area has a sourced
point (`representative`: a label inside the area, not a boundary); its comprehensive bonded zone lies inside it,
east of Zhongchuan airport (`proxy`: at the new area's point); the ETDZs have no coordinates in any source found
and stand at the seat of their district (`county` / `seat`, from layers/admin_names.csv). Prefecture and county
of the new area's point come from a spatial join with the product's own county boundaries.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

LAYERS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(LAYERS.parent))
from gislayout import boundaries, config  # noqa: E402  (the script runs from a checkout, by hand)

KIND = {"zone_lanzhou_new_area": "new_area", "zone_lanzhou_new_area_cbz": "bonded_zone"}
#: District seat of each ETDZ with no coordinates: where the zone is, per its source or its name (Zhangye: the
#: source places it in 甘州区; Tianshui: the Shetang core park is in 麦积区, layers/SOURCES.md; Jinchang, Jiuquan:
#: the city's urban district).
SEAT = {"zone_zhangye_etdz": ("张掖市", "甘州区"), "zone_jinchang_etdz": ("金昌市", "金川区"),
        "zone_tianshui_etdz": ("天水市", "麦积区"), "zone_jiuquan_etdz": ("酒泉市", "肃州区")}


def main(data: Path) -> None:
    src = pd.read_csv(data / "zones" / "gansu_post2010_zones.csv", dtype=str)
    admin = pd.read_csv(LAYERS / "admin_names.csv", dtype={"adcode": str})
    counties = boundaries.load("county").to_crs(config.WGS84)
    lna = src[src["id"] == "zone_lanzhou_new_area"].iloc[0]
    lon, lat = float(lna["lon"]), float(lna["lat"])
    hit = counties[counties.contains(gpd.points_from_xy([lon], [lat])[0])].iloc[0]
    rows = []
    for r in src.to_dict("records"):
        row = {"id": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"],
               "kind": KIND.get(r["id"], "etdz"), "kind_note": r["kind"], "approved": r["approved"],
               "approval_doc": r["approval_doc"]}
        if r["id"] in KIND:
            row.update(prefecture=hit["prefecture"], county=hit["name_zh"], lon=f"{lon:.5f}", lat=f"{lat:.5f}")
            if r["id"] == "zone_lanzhou_new_area":
                row.update(precision="representative", location_basis="aggregate",
                           location_source=r["location_source"])
            else:
                row.update(precision="proxy", location_basis="co_located",
                           location_source="inside Lanzhou New Area, east of Zhongchuan airport (its source); "
                                           "placed at the new area's point (English Wikipedia infobox)")
        else:
            pref, county = SEAT[r["id"]]
            seat = admin[(admin["level"] == "county") & (admin["name_zh"] == county) & (admin["prefecture"] == pref)]
            seat = seat.iloc[0]
            row.update(prefecture=pref, county=county, lon=f"{seat['seat_lon']:.4f}", lat=f"{seat['seat_lat']:.4f}",
                       precision="county", location_basis="seat",
                       location_source=f"seat of {county} in admin_names.csv; no sourced coordinate")
        row.update(area_note=r.get("area_note") or "", source=r["sources"], notes=r.get("notes") or "")
        rows.append(row)
    out = pd.DataFrame(rows)
    out.to_csv(LAYERS / "zones_after_2010.csv", index=False, lineterminator="\n")
    print(f"zones_after_2010.csv: {len(out)} rows")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
