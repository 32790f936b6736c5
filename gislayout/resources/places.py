"""Fast 'where is this point' lookups: county, prefecture and zones, and the nearest base, park, plant and
substation of at least 330 kV.

Counties are rasterized once onto a 0.01° grid. A cell wholly inside one county answers at once; a cell a
boundary crosses is marked and answered exactly against the full-resolution polygons (STRtree), so the
answer is exact everywhere and costs a polygon test only near borders.
"""

from __future__ import annotations

import math

import numpy as np
import rasterio.features
import shapely
from pyproj import Geod

from .. import boundaries, config, dataversion, layers, regions
from .grid import EXTENT, Grid

_OUTSIDE, _BORDER = -1, -2
_GEOD = Geod(ellps="WGS84")


class Locator:
    """County (and so prefecture and zones) of a WGS84 point, exact at the full boundary resolution."""

    def __init__(self, res: float = 0.01):
        counties = boundaries.load("county")
        prefectures = boundaries.load("prefecture").set_index("name_zh")
        self.grid = Grid.over(EXTENT, res, config.WGS84)
        shape, transform = self.grid.shape, self.grid.transform
        geoms = counties.geometry.values
        ids = rasterio.features.rasterize(((g, i) for i, g in enumerate(geoms)), out_shape=shape,
                                          transform=transform, fill=_OUTSIDE, dtype="int16")
        edges = rasterio.features.rasterize(((g.boundary, 1) for g in geoms), out_shape=shape,
                                            transform=transform, fill=0, all_touched=True, dtype="uint8")
        ids[edges == 1] = _BORDER
        self.ids = ids
        self.geoms = geoms
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        self._inv = ~transform
        schemes = regions.schemes()
        self.places = []
        for row in counties.itertuples():
            pref = prefectures.loc[row.prefecture]
            zones = {}
            for scheme in schemes.values():
                zone = scheme.zone_of(row.prefecture)
                zones[scheme.id] = {"zone": zone.id, "name_zh": zone.name_zh, "name_en": zone.name_en}
            self.places.append({
                "prefecture": {"adcode": pref["adcode"], "name_zh": row.prefecture, "name_en": pref["name_en"]},
                "county": {"adcode": row.adcode, "name_zh": row.name_zh, "name_en": row.name_en},
                "zones": zones})

    def county_index(self, lon: float, lat: float) -> int | None:
        """Row of the county holding (lon, lat) in `boundaries.load('county')`, or None outside Gansu."""
        col, row = self._inv @ (lon, lat)
        rows, cols = self.ids.shape
        if not (0 <= row < rows and 0 <= col < cols):
            return None
        found = int(self.ids[int(row), int(col)])
        if found >= 0:
            return found
        if found == _OUTSIDE:
            return None
        point = shapely.Point(lon, lat)
        hits = self.tree.query(point, predicate="intersects")
        return int(hits.min()) if len(hits) else None

    def place(self, lon: float, lat: float) -> dict | None:
        """{'prefecture', 'county', 'zones'} of the point, or None outside Gansu."""
        idx = self.county_index(lon, lat)
        return None if idx is None else self.places[idx]


#: Attributes a nearest-feature answer carries besides id and names, per layer.
EXTRA = {"plants": ("kind", "capacity_mw", "commissioning_year"), "substations": ("max_voltage_kv",)}
#: The grid a planner connects to: the nearest substation is looked for among these and above.
MIN_SUBSTATION_KV = 330


class Nearest:
    """The nearest feature of each of several point layers, by geodesic distance on the WGS84 ellipsoid.

    `wanted` is (answer key, layer, least voltage or None) per layer: one matrix-vector product over all their
    features picks each layer's candidates, then only those are measured geodesically.
    """

    def __init__(self, wanted: tuple[tuple[str, str, float | None], ...]):
        self.keys = [key for key, _, _ in wanted]
        lon, lat, self.rows, segment = [], [], [], []
        for n, (_, layer, min_kv) in enumerate(wanted):
            gdf = layers.load(layer)
            if min_kv is not None:
                gdf = gdf[gdf["max_voltage_kv"] >= min_kv]
            extra = [k for k in EXTRA.get(layer, ()) if k in gdf.columns]
            lon += gdf.geometry.x.tolist()
            lat += gdf.geometry.y.tolist()
            self.rows += [{"id": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"],
                           "precision": r.get("precision"), **{k: _plain(r[k]) for k in extra}}
                          for r in gdf.drop(columns="geometry").to_dict("records")]
            segment += [n] * len(gdf)
        self.lon, self.lat, self.segment = lon, lat, segment
        self.xyz = _unit(np.array(lon, dtype=float), np.array(lat, dtype=float)).reshape(-1, 3)
        seg = np.array(segment, dtype=int)
        self.present = np.unique(seg)  # the layers with features, in order
        self.starts = np.searchsorted(seg, self.present)
        self.index = np.searchsorted(self.present, seg)  # each feature's position among the present layers

    def __call__(self, lon: float, lat: float) -> dict[str, dict | None]:
        """Per key, {'id', 'name_zh', 'name_en', 'precision', …, 'distance_km'} of the nearest feature, or None
        for an empty layer."""
        best: dict[int, tuple[float, int]] = {}
        if self.rows:
            # A dot product on the unit sphere picks the candidates cheaply (the squared chord is 2 - 2 cos of the
            # angle); the ellipsoid differs from the sphere by well under 1 %, so every feature within 1 % of its
            # layer's spherical minimum is measured geodesically.
            lo, la = math.radians(lon), math.radians(lat)
            here = (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
            chord2 = 2.0 - 2.0 * (self.xyz @ here)
            reach = np.sqrt(np.maximum(np.minimum.reduceat(chord2, self.starts), 0.0)) * 1.01 + 1e-9
            for k in np.flatnonzero(chord2 <= (reach * reach)[self.index]).tolist():
                metres = _GEOD.inv(lon, lat, self.lon[k], self.lat[k])[2]
                n = self.segment[k]
                if n not in best or metres < best[n][0]:  # the first of equals, as argmin
                    best[n] = (metres, k)
        return {key: (dict(self.rows[best[n][1]], distance_km=round(best[n][0] / 1000.0, 2)) if n in best else None)
                for n, key in enumerate(self.keys)}


@dataversion.cached(maxsize=2)
def locator() -> Locator:
    """The Locator of the current data, built on first use (about a second)."""
    return Locator()


def _unit(lon, lat) -> np.ndarray:
    """Unit vectors on the sphere of WGS84 degrees (arrays or scalars), shape (..., 3)."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def _plain(value):
    """A JSON-ready scalar: NaN (a blank cell) becomes None, numpy numbers plain Python."""
    if value is None or value != value:
        return None
    return value.item() if hasattr(value, "item") else value


@dataversion.cached(maxsize=8)
def nearest(wanted: tuple[tuple[str, str, float | None], ...]) -> Nearest:
    """The nearest-feature finder of the layers `wanted` ((answer key, layer, least voltage or None), e.g. bases,
    parks, plants, substations ≥ 330 kV) for the current data."""
    return Nearest(wanted)
