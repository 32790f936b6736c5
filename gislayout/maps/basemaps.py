"""Basemaps: the offline shaded relief (default) and the optional online tile services, off by default.

Tianditu serves WGS84-datum tiles (its `_w` sets are Web Mercator on WGS84) and needs a key from the app
config. Amap's tiles are in GCJ-02, the obfuscated Chinese datum, so they sit 100–700 m off every WGS84
layer of this atlas; the page says so whenever they are on.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium

from . import i18n, relief
from .elements import UrlImageOverlay, named

TIANDITU = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
            "&tk={key}")


@dataclass(frozen=True)
class Basemap:
    id: str
    online: bool
    datum: str
    attribution: str


BASEMAPS = (
    Basemap("relief", False, "WGS84", relief.ATTRIBUTION),
    Basemap("none", False, "WGS84", ""),
    Basemap("osm", True, "WGS84", "© OpenStreetMap contributors"),
    Basemap("tianditu", True, "WGS84",
            "© 天地图 Tianditu (National Platform for Common Geospatial Information Services)"),
    Basemap("amap", True, "GCJ-02", "© 高德地图 AutoNavi"),
)
IDS = tuple(b.id for b in BASEMAPS)


def add_to(m: folium.Map, base: str, relief_url: str, tianditu_key: str) -> dict[str, str | None]:
    """Add every basemap to `m`, showing only `base`; return each basemap's JS variable (None if unusable)."""
    names: dict[str, str | None] = {"none": None}
    (south, west), (north, east) = relief.BOUNDS
    layer = named(UrlImageOverlay(relief_url, [[south, west], [north, east]], show=base == "relief",
                                  pane="tilePane", attribution=i18n.credit("credit_relief")), "relief")
    layer.add_to(m)
    names["relief"] = layer.get_name()

    osm = named(folium.TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", attr=BASEMAPS[2].attribution,
                                 max_zoom=19, show=base == "osm", name="osm"), "osm")
    osm.add_to(m)
    names["osm"] = osm.get_name()

    if tianditu_key:
        group = named(folium.FeatureGroup(name="tianditu", show=base == "tianditu"), "tianditu")
        for sub in ("vec", "cva"):
            url = TIANDITU.replace("{layer}", sub).replace("{key}", tianditu_key)
            named(folium.TileLayer(url, attr=BASEMAPS[3].attribution, subdomains="01234567", max_zoom=18,
                                   name=f"tianditu_{sub}"), f"tianditu_{sub}").add_to(group)
        group.add_to(m)
        names["tianditu"] = group.get_name()
    else:
        names["tianditu"] = None

    amap = named(folium.TileLayer(
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        attr=BASEMAPS[4].attribution, subdomains="1234", max_zoom=18, show=base == "amap", name="amap"), "amap")
    amap.add_to(m)
    names["amap"] = amap.get_name()
    return names


def describe() -> list[dict]:
    """The basemaps for the page script: id, whether online, datum and attribution."""
    return [{"id": b.id, "online": b.online, "datum": b.datum, "attribution": b.attribution} for b in BASEMAPS]
