"""The region schemes of `layers/schemes/*.json`, read and validated: each maps every prefecture to one zone.

A planner adds a scheme by dropping another JSON file there. `parse` is also the rule the store applies to a
scheme a planner saves (`store.schemes`); `regions` merges both kinds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import boundaries, config, dataversion
from .errors import BadParameter, LayerDataError, allowed


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
        raise BadParameter(exc.message.replace("scheme file ", ""), zh=exc.zh) from None


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
        parts_zh = [f"{what}：" + "、".join(f"“{m:.40}”" for m in names) for what, names in
                    (("未知市州", unknown), ("重复分配", twice), ("未分配", missing)) if names]
        raise LayerDataError(f"scheme file {filename}: unknown prefectures {unknown}, assigned twice {twice}, "
                             f"unassigned {missing}", zh="每个市州须恰好属于一个分区；" + "；".join(parts_zh))
    return scheme


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
