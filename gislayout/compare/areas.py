"""What can be compared: the province, a prefecture, or a zone of a scheme, written as one string.

`province`, `prefecture:兰州市`, `zone:2009:hexi`. Every such area is a set of whole prefectures, so a
feature belongs to it exactly when its `prefecture` attribute is a member.
"""

from __future__ import annotations

from dataclasses import dataclass
import shapely

from .. import boundaries, config, dataversion, regions
from ..errors import BadParameter


@dataclass(frozen=True)
class Area:
    key: str
    name_zh: str
    name_en: str
    prefectures: tuple[str, ...]

    @property
    def geometry(self):
        """The area's polygon in WGS84, the union of its prefectures."""
        return _union(self.prefectures)

    @property
    def area_km2(self) -> float:
        """Its area in km², computed in the equal-area CRS."""
        return _area_km2(self.prefectures)


@dataversion.cached(maxsize=256)
def _union(prefectures: tuple[str, ...]):
    pref = boundaries.load("prefecture")
    return shapely.union_all(pref[pref["name_zh"].isin(prefectures)].geometry.values)


@dataversion.cached(maxsize=256)
def _area_km2(prefectures: tuple[str, ...]) -> float:
    pref = boundaries.load("prefecture").to_crs(config.EQUAL_AREA)
    return float(pref[pref["name_zh"].isin(prefectures)].geometry.area.sum() / 1e6)


def parse_area(spec: str) -> Area:
    """Turn `province`, `prefecture:<name>` or `zone:<scheme>:<zone>` into an Area, or raise BadParameter."""
    pref = boundaries.load("prefecture")
    names = dict(zip(pref["name_zh"], pref["name_en"]))
    kind, _, rest = (spec or "").partition(":")
    if kind == "province" and not rest:
        return Area("province", boundaries.PROVINCE_ZH, "Gansu Province", tuple(names))
    if kind == "prefecture":
        if rest not in names:
            raise BadParameter(f"unknown prefecture {rest!r} in area {spec!r}; allowed: {', '.join(names)}")
        return Area(spec, rest, names[rest], (rest,))
    if kind == "zone":
        scheme_id, _, zone_id = rest.partition(":")
        if scheme_id not in regions.schemes():
            raise BadParameter(f"unknown scheme {scheme_id!r} in area {spec!r}; allowed: "
                               f"{', '.join(regions.schemes())}")
        zone = regions.schemes()[scheme_id].zone(zone_id)
        return Area(spec, zone.name_zh, zone.name_en, zone.members)
    raise BadParameter(f"bad area {spec!r}; write 'province', 'prefecture:<name>' or 'zone:<scheme>:<zone>'")
