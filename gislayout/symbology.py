"""The one symbology of every output, kept as data in `symbology.json` beside this module.

The web atlas and the compare page get it in their page config (`page_spec`), and the KML writer, the QGIS
project and the printout call the functions below, so a feature has one colour and one shape everywhere:
colour by the industry of its first sector, shape by layer (and level for bases), zones from one palette by
their place in the scheme. Colours are `#rrggbb`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import layers

SPEC_FILE = Path(__file__).with_name("symbology.json")
#: The first code of a `;`-separated `sectors` value; QGIS evaluates the same pattern (see `FIRST_SECTOR_EXPR`).
FIRST_SECTOR = re.compile(r"^[^;]*")
FIRST_SECTOR_EXPR = "coalesce(regexp_substr(\"sectors\", '^[^;]*'), '')"


@dataclass(frozen=True)
class PointStyle:
    """How one point is drawn: its shape name, fill colour, and size on screen (px) and on paper (mm)."""

    shape: str
    colour: str
    px: float
    mm: float


@lru_cache(maxsize=1)
def spec() -> dict:
    """The style specification (`symbology.json`), parsed once; callers must not mutate it."""
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


def industry_of_codes() -> dict[str, str]:
    """`{sector code: its top-level industry}` from `layers/sectors.csv` (an industry maps to itself)."""
    table = layers.sectors()
    return {code: parent if isinstance(parent, str) and parent else code
            for code, parent in zip(table["code"], table["parent"])}


def first_sector(sectors: str | None) -> str:
    """The first code of a `sectors` value ("" when there is none)."""
    return FIRST_SECTOR.match(sectors or "").group(0) if isinstance(sectors, str) else ""


def industry(sectors: str | None) -> str | None:
    """The industry of the first code of `sectors`, if the symbology has a colour for it."""
    code = industry_of_codes().get(first_sector(sectors))
    return code if code in spec()["industries"] else None


def industry_colour(code: str | None) -> str:
    """The colour of industry `code` (a grey for none or one without a colour)."""
    s = spec()
    return s["industries"].get(code or "", s["no_industry"])


def shape_of(layer: str, level: str | None = None) -> str:
    """The marker shape of a point of `layer` at `level`."""
    rule = spec()["shapes"][layer]  # a point layer without a symbol is a bug: let the KeyError say which
    return rule.get(level or "*", rule["*"])


def point_style(layer: str, sectors: str | None, level: str | None = None) -> PointStyle:
    """The symbol of a point of `layer` with these `sectors` and `level`."""
    shape = shape_of(layer, level if isinstance(level, str) else None)
    size = spec()["symbols"][shape]
    return PointStyle(shape, industry_colour(industry(sectors)), size["px"], size["mm"])


def ground_classes(layer: str) -> list[tuple[str, str, PointStyle]]:
    """The classes of ground layer `layer` in drawing order: (value, bilingual label, symbol).

    The value is the `kind` code, or for substations the lower bound in kV of the voltage class
    (`voltage_class` gives it for a voltage).
    """
    rule = spec()["ground"][layer]
    size = spec()["symbols"][rule["shape"]]
    if rule["by"] == "max_voltage_kv":
        return [(str(c["min_kv"]), f"{c['label_zh']} {c['label_en']}",
                 PointStyle(rule["shape"], c["colour"], size["px"] * c["scale"], size["mm"] * c["scale"]))
                for c in rule["classes"]]
    return [(kind, kind, PointStyle(rule["shape"], colour, size["px"], size["mm"]))
            for kind, colour in rule["colours"].items()]


def ground_style(layer: str, row: dict) -> tuple[str, PointStyle]:
    """The class value and symbol of one feature (a dict of its attributes) of ground layer `layer`."""
    by = spec()["ground"][layer]["by"]
    classes = {value: style for value, _, style in ground_classes(layer)}
    if by == "max_voltage_kv":
        kv = row.get("max_voltage_kv")
        value = voltage_class(float(kv) if kv not in (None, "") else None)
    else:
        value = row.get(by) or ""
    if value not in classes:  # a code the spec has no colour for: a bug in the data or the spec, say which
        raise KeyError(f"symbology.json has no class {value!r} for ground layer {layer!r}")
    return value, classes[value]


def voltage_class(kv: float | None) -> str:
    """The substation class (its lower bound in kV, as text) that a maximum voltage falls in."""
    bounds = [c["min_kv"] for c in spec()["ground"]["substations"]["classes"]]
    return str(next((b for b in bounds if kv is not None and kv == kv and kv >= b), bounds[-1]))


def voltage_class_expr(field: str = "max_voltage_kv") -> str:
    """The QGIS expression computing `voltage_class` from a field, for a categorised renderer."""
    bounds = [c["min_kv"] for c in spec()["ground"]["substations"]["classes"]]
    cases = " ".join(f"WHEN \"{field}\" >= {b} THEN '{b}'" for b in bounds[:-1])
    return f"CASE {cases} ELSE '{bounds[-1]}' END"


def zone_colour(zone: str, order: list[str]) -> str:
    """The fill colour of `zone` given the zone ids of its scheme in order (as the atlas draws it)."""
    palette = spec()["zones"]["palette"]
    return palette[max(0, order.index(zone) if zone in order else 0) % len(palette)]


def boundary(name: str) -> tuple[str, float]:
    """The outline colour and width in mm of the boundary layer `name` (province, prefectures, counties)."""
    entry = spec()["boundaries"][name]
    return entry["colour"], entry["mm"]


def ramp_for(name: str) -> tuple[str, ...]:
    """The colour ramp for a raster called `name` (solar, wind, elevation, else viridis-like)."""
    ramps, lowered = spec()["ramps"], name.lower()
    for family, words in (("solar", ("ghi", "solar", "pv", "irradi", "radiation")),
                          ("wind", ("wind", "ws", "wpd", "power_density")),
                          ("elevation", ("dem", "elev", "altitude", "slope"))):
        if any(w in lowered for w in words):
            return tuple(ramps[family])
    return tuple(ramps["default"])


def page_spec() -> dict:
    """The specification as pages get it: the JSON, the sector → industry table and the industries' names."""
    table = layers.sectors()
    names = {r.code: {"zh": r.name_zh, "en": r.name_en} for r in table.itertuples() if r.code in spec()["industries"]}
    return {**spec(), "industry_of": industry_of_codes(), "industry_names": names}
