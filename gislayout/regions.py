"""Region schemes: those of `layers/schemes/*.json` (`schemefiles`) and those planners saved in the store, merged;
the zones of a scheme as polygons dissolved from their prefectures, and the zone columns of a layer.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd

from . import boundaries, config, dataversion
from .errors import lookup
from .schemefiles import Scheme, Zone, _parse, file_schemes, parse  # noqa: F401  (the schemes' names, here too)
from .store import schemes as saved


def _saved_stamp() -> str:
    return saved.stamp()


# a scheme saved by any worker changes the data version, so every worker's caches see it on the next request
dataversion.register_stamp("layers", _saved_stamp)


@dataversion.cached(maxsize=4, plan_aware=False)
def schemes() -> dict[str, Scheme]:
    """All schemes: those of `layers/schemes/`, then those planners saved in the store, each validated."""
    out = dict(file_schemes())
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    for data in saved.list_all():
        scheme = _parse(data, f"saved scheme {data['id']}", prefectures)
        out.setdefault(data["id"], replace(scheme, origin="store", author=data["author"], revision=data["revision"]))
    return out


def get(scheme_id: str) -> Scheme:
    """The scheme called `scheme_id`, or NotFound listing those known."""
    return lookup(schemes(), scheme_id, "scheme")


def zones_gdf(scheme_id: str, display: bool = False) -> gpd.GeoDataFrame:
    """The zones of a scheme as polygons dissolved from their member prefectures."""
    scheme = get(scheme_id)
    pref = boundaries.load("prefecture", display=display)
    pref = pref.assign(zone=[scheme.zone_of(p).id for p in pref["name_zh"]])
    dissolved = pref.dissolve(by="zone", method="coverage", as_index=False)[["zone", "geometry"]]
    meta = {z.id: z for z in scheme.zones}
    dissolved["id"] = [f"{scheme.id}_{z}" for z in dissolved["zone"]]
    dissolved["scheme"] = scheme.id
    dissolved["name_zh"] = [meta[z].name_zh for z in dissolved["zone"]]
    dissolved["name_en"] = [meta[z].name_en for z in dissolved["zone"]]
    dissolved["members"] = [";".join(meta[z].members) for z in dissolved["zone"]]
    dissolved["source"] = scheme.source
    order = {z.id: i for i, z in enumerate(scheme.zones)}
    dissolved = dissolved.sort_values("zone", key=lambda s: s.map(order)).reset_index(drop=True)
    cols = ["id", "scheme", "zone", "name_zh", "name_en", "members", "source", "geometry"]
    return gpd.GeoDataFrame(dissolved[cols], crs=config.WGS84)


def zone_columns(gdf):
    """`gdf` with a `zone_<scheme>` column per scheme, from its `prefecture` column (in place; returned)."""
    for scheme in schemes().values():
        gdf[f"zone_{scheme.id}"] = [scheme.zone_of(p).id for p in gdf["prefecture"]]
    return gdf
