"""The whole state of the atlas view as a hashable value, parsed from and written to a query string.

The query string is the permalink: filters (the same names and values as the layer API), visible layers,
basemap, overlay opacities, centre, zoom, language and the selected feature. Parsing is forgiving, since
links get pasted, truncated and edited: a value the atlas does not know is dropped, never an error.
The normalised state is the key under which rendered pages are cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping
from urllib.parse import urlencode

from .. import choropleth as _choropleth, config
from .i18n import DEFAULT_LANG, LANGS

LIST_FILTERS = ("zone", "sector", "level", "kind", "prefecture")
#: Context layers come first: they are drawn only from their zoom on, and fetched then (maps.contextlayers).
DEFAULT_LAYERS = ("places", "rivers", "railway_stations", "province", "prefectures", "regions", "bases", "parks",
                  "enterprises", "projects")
DEFAULT_BASE = "relief"
#: Gansu's middle, nudged east so that the layer panel on the right does not hide the south-east.
DEFAULT_CENTRE = (37.6, 101.6)
DEFAULT_ZOOM = 6
ZOOM_RANGE = (3, 18)
#: Overlays open at this opacity unless the link says otherwise.
DEFAULT_OPACITY = 0.7


@dataclass(frozen=True)
class Choices:
    """What a state may contain; built from the data so the parser needs no data access of its own."""

    schemes: Mapping[str, tuple[str, ...]]  # scheme id → its zone ids
    sectors: tuple[str, ...]
    levels: tuple[str, ...]
    kinds: tuple[str, ...]
    prefectures: tuple[str, ...]
    layers: tuple[str, ...]
    bases: tuple[str, ...]
    overlays: tuple[str, ...]


@dataclass(frozen=True)
class AtlasState:
    """One view of the atlas."""

    lang: str = DEFAULT_LANG
    scheme: str = config.DEFAULT_SCHEME
    zone: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    prefecture: tuple[str, ...] = ()
    layers: tuple[str, ...] = DEFAULT_LAYERS
    base: str = DEFAULT_BASE
    opacity: tuple[tuple[str, float], ...] = field(default=())
    centre: tuple[float, float] = DEFAULT_CENTRE
    zoom: int = DEFAULT_ZOOM
    selected: str = ""
    #: The choropleth shown, "unit:stat" (e.g. "prefectures:ghi_mean"), or "" for none.
    choro: str = ""
    #: The version of the plan shown (a store id), or "" for the newest baseline.
    version: str = ""

    def filters(self) -> dict[str, list[str]]:
        """The active filters, in the layer API's vocabulary."""
        out = {"scheme": [self.scheme]}
        out.update({k: list(getattr(self, k)) for k in LIST_FILTERS if getattr(self, k)})
        return out

    def to_json(self) -> dict:
        """The state as plain JSON for the page script."""
        return {"lang": self.lang, "scheme": self.scheme, **{k: list(getattr(self, k)) for k in LIST_FILTERS},
                "layers": list(self.layers), "base": self.base, "opacity": dict(self.opacity),
                "centre": list(self.centre), "zoom": self.zoom, "selected": self.selected, "choro": self.choro,
                "version": self.version}

    def to_query(self) -> str:
        """The canonical query string; defaults are left out, so the plain atlas is just `/`."""
        default = AtlasState()
        pairs: list[tuple[str, str]] = []
        for key in ("lang", "scheme"):
            if getattr(self, key) != getattr(default, key):
                pairs.append((key, getattr(self, key)))
        pairs += [(k, ",".join(getattr(self, k))) for k in LIST_FILTERS if getattr(self, k)]
        if self.layers != default.layers:
            pairs.append(("layers", ",".join(self.layers)))
        if self.base != default.base:
            pairs.append(("base", self.base))
        if self.opacity:
            pairs.append(("opacity", ",".join(f"{k}:{v:g}" for k, v in self.opacity)))
        if (self.centre, self.zoom) != (default.centre, default.zoom):
            pairs.append(("c", f"{self.centre[0]},{self.centre[1]}"))
            pairs.append(("z", str(self.zoom)))
        if self.selected:
            pairs.append(("sel", self.selected))
        if self.choro:
            pairs.append(("choro", self.choro))
        if self.version:
            pairs.append(("version", self.version))
        return urlencode(pairs, safe=",:")


def _items(raw: str | None, allowed) -> tuple[str, ...]:
    if not raw:
        return ()
    seen = []
    for item in raw.split(","):
        item = item.strip()
        if item in allowed and item not in seen:
            seen.append(item)
    return tuple(seen)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _centre(raw: str | None) -> tuple[float, float] | None:
    parts = (raw or "").split(",")
    if len(parts) != 2:
        return None
    lat, lon = (_number(p) for p in parts)
    if lat is None or lon is None or not (-85 <= lat <= 85 and -180 <= lon <= 180):
        return None
    return round(lat, 4), round(lon, 4)


def _opacity(raw: str | None, overlays) -> tuple[tuple[str, float], ...]:
    out = {}
    for item in (raw or "").split(","):
        name, _, value = item.partition(":")
        number = _number(value)
        if name in overlays and number is not None:
            out[name] = round(min(max(number, 0.0), 1.0), 2)
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class Notice:
    """A value of the link the atlas could not use: the parameter, the value, and what was used instead
    (`used` is a code the page words in its language: "default", "all", or a value)."""

    param: str
    value: str
    used: str


def parse(args: Mapping[str, str], choices: Choices) -> AtlasState:
    """The state a query string describes; unknown or malformed values fall back to the defaults."""
    return parse_noted(args, choices)[0]


def _dropped(raw: str | None, kept: tuple[str, ...]) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip() and item.strip() not in kept]


def parse_noted(args: Mapping[str, str], choices: Choices) -> tuple[AtlasState, tuple[Notice, ...]]:
    """`parse`, and a notice for every value it could not use, so that the page can say so."""
    state = AtlasState()
    notes: list[Notice] = []
    lang = args.get("lang", "")
    if lang and lang not in LANGS:
        notes.append(Notice("lang", lang, state.lang))
    scheme = args.get("scheme", "")
    if scheme and scheme not in choices.schemes:
        notes.append(Notice("scheme", scheme, state.scheme))
    scheme = scheme if scheme in choices.schemes else state.scheme
    allowed = {"zone": choices.schemes.get(scheme, ()), "sector": choices.sectors, "level": choices.levels,
               "kind": choices.kinds, "prefecture": choices.prefectures}
    lists = {k: _items(args.get(k), allowed[k]) for k in LIST_FILTERS}
    for k in LIST_FILTERS:
        notes += [Notice(k, bad, ",".join(lists[k]) or "all") for bad in _dropped(args.get(k), lists[k])]
    layers = _items(args.get("layers"), choices.layers + choices.overlays) if "layers" in args else state.layers
    if "layers" in args:
        bad = _dropped(args.get("layers"), layers)
        if bad and not layers:  # nothing usable asked for: show the default layers rather than an empty map
            layers = state.layers
        notes += [Notice("layers", b, ",".join(layers) if layers != state.layers else "default") for b in bad]
    base = args.get("base", "")
    if base and base not in choices.bases:
        notes.append(Notice("base", base, state.base))
    zoom = _number(args.get("z", ""))
    if args.get("z") and zoom is None:
        notes.append(Notice("z", args["z"], str(state.zoom)))
    centre = _centre(args.get("c"))
    if args.get("c") and centre is None:
        notes.append(Notice("c", args["c"], "default"))
    sel = args.get("sel", "")
    if sel and not _is_id(sel):
        notes.append(Notice("sel", sel, "none"))
    choro = _choro(args.get("choro", ""))
    if args.get("choro") and not choro:
        notes.append(Notice("choro", args["choro"], "none"))
    version = args.get("version", "")
    state = replace(
        state, lang=lang if lang in LANGS else state.lang, scheme=scheme, **lists, layers=layers,
        base=base if base in choices.bases else state.base, opacity=_opacity(args.get("opacity"), choices.overlays),
        centre=centre or state.centre,
        zoom=int(min(max(zoom, ZOOM_RANGE[0]), ZOOM_RANGE[1])) if zoom is not None else state.zoom,
        selected=sel if _is_id(sel) else "", choro=choro, version=version if _is_id(version) else "")
    return state, tuple(notes)


def _choro(text: str) -> str:
    unit, _, stat = text.partition(":")
    return text if unit in _choropleth.UNITS and stat in _choropleth.STATS else ""


def _is_id(text: str) -> bool:
    return bool(text) and len(text) <= 80 and all(c.isalnum() or c in "_-" for c in text) and text.isascii()
