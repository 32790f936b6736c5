"""Region schemes: each maps every prefecture to one zone, kept as data in `layers/schemes/*.json`.

A planner adds a scheme by dropping another JSON file there; zones are dissolved from the prefectures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import geopandas as gpd

from . import boundaries, config, dataversion
from .errors import BadParameter, LayerDataError, allowed, lookup


@dataclass(frozen=True)
class Zone:
    id: str
    name_zh: str
    name_en: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    id: str
    title_zh: str
    title_en: str
    source: str
    note: str
    zones: tuple[Zone, ...]
    #: "file" (layers/schemes/) or "store" (saved by a planner, with its author and revision)
    origin: str = "file"
    author: str | None = None
    revision: int | None = None

    def zone(self, zone_id: str) -> Zone:
        """The zone called `zone_id`, or BadParameter listing this scheme's zones."""
        by_id = {z.id: z for z in self.zones}
        allowed(zone_id, by_id, f"zone of scheme {self.id}")
        return by_id[zone_id]

    def zone_of(self, prefecture: str) -> Zone:
        """The zone a prefecture belongs to."""
        return next(z for z in self.zones if prefecture in z.members)


def parse(data: dict, filename: str, prefectures: set[str] | None = None) -> Scheme:
    """A scheme from its JSON `data`, or LayerDataError (BadParameter for a planner's) naming what is wrong."""
    prefectures = prefectures if prefectures is not None else set(boundaries.load("prefecture")["name_zh"])
    try:
        return _parse(data, filename, prefectures)
    except LayerDataError as exc:
        if filename.endswith(".json"):
            raise
        raise BadParameter(exc.message.replace("scheme file ", "")) from None


def _parse(data: dict, filename: str, prefectures: set[str]) -> Scheme:
    try:
        zones = tuple(Zone(z["id"], z["name_zh"], z["name_en"], tuple(z["members"])) for z in data["zones"])
        scheme = Scheme(str(data["id"]), data["title_zh"], data["title_en"], data["source"],
                        data.get("note", ""), zones)
    except (KeyError, TypeError) as exc:
        raise LayerDataError(f"scheme file {filename} lacks field {exc}") from None
    members = [m for z in zones for m in z.members]
    unknown = sorted(set(members) - prefectures)
    twice = sorted({m for m in members if members.count(m) > 1})
    missing = sorted(prefectures - set(members))
    if unknown or twice or missing:
        raise LayerDataError(f"scheme file {filename}: unknown prefectures {unknown}, assigned twice {twice}, "
                          f"unassigned {missing}")
    return scheme


def _saved_stamp() -> str:
    from .store import schemes as saved  # imported when first needed: the store imports this module
    return saved.stamp()


# a scheme saved by any worker changes the data version, so every worker's caches see it on the next request
dataversion.register_stamp("layers", _saved_stamp)


@dataversion.cached(maxsize=4, plan_aware=False)
def schemes() -> dict[str, Scheme]:
    """All schemes: those of `layers/schemes/`, then those planners saved in the store, each validated."""
    from .store import schemes as saved  # the store imports this module
    out = dict(file_schemes())
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    for data in saved.list_all():
        scheme = _parse(data, f"saved scheme {data['id']}", prefectures)
        out.setdefault(data["id"], replace(scheme, origin="store", author=data["author"], revision=data["revision"]))
    return out


@dataversion.cached(maxsize=4, plan_aware=False)
def file_schemes() -> dict[str, Scheme]:
    """The schemes in `layers/schemes/`, validated: every prefecture in exactly one zone."""
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    out = {}
    for path in sorted((config.settings().layers_dir / "schemes").glob("*.json")):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise LayerDataError(f"scheme file {path.name} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        scheme = _parse(data, path.name, prefectures)
        if scheme.id in out:
            raise LayerDataError(f"scheme id {scheme.id!r} of {path.name} is already used by another scheme file")
        out[scheme.id] = scheme
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
