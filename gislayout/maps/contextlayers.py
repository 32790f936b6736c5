"""Map context for the atlas: place names, rivers and railway stations, curated in `layers/context/`.

The files come from GeoNames (CC BY 4.0), Natural Earth (public domain) and OpenStreetMap (ODbL), cut to Gansu
plus a margin by `layers/tools/curate_context.py`. The page fetches each one only once the map is zoomed in far
enough to draw it (`MIN_ZOOM`), so the first page does not carry them; each is encoded and gzipped once per
data version. Seats are labelled with the product's own admin names, towns with GeoNames'.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pandas as pd

from .. import config, dataversion
from ..errors import NotFound
from . import i18n
from .geodata import Payload

#: The context layers, the zoom from which the page fetches and draws them, and their attribution.
MIN_ZOOM = {"places": 7, "rivers": 7, "railway_stations": 9}
#: Place ranks the page draws from a zoom on: prefecture seats, county seats, towns.
RANK_ZOOM = {1: 7, 2: 9, 3: 11}
ATTRIBUTION = {
    "places": "Seats: admin names of this atlas; towns: GeoNames (www.geonames.org), CC BY 4.0",
    "rivers": "Made with Natural Earth (public domain)",
    "railway_stations": "© OpenStreetMap contributors (ODbL 1.0)",
}
#: Short forms for the map's corner.
SHORT = {"places": "GeoNames (CC BY 4.0)", "rivers": "Natural Earth", "railway_stations": i18n.credit("credit_osm")}
LAYERS = tuple(MIN_ZOOM)


def _read(name: str) -> dict:
    folder = config.settings().layers_dir / "context"
    if name == "rivers":
        return json.loads((folder / "rivers.geojson").read_text(encoding="utf-8"))
    df = pd.read_csv(folder / f"{name}.csv", dtype={"name": str, "name_zh": str, "name_en": str},
                     keep_default_na=False)
    columns = [c for c in df.columns if c not in ("id", "source", "lon", "lat")]
    # Rows as arrays under a column list: a third the size of GeoJSON for a few hundred labelled points.
    rows = [[r.lon, r.lat] + [getattr(r, c) if getattr(r, c) != "" else None for c in columns]
            for r in df.itertuples()]
    return {"columns": ["lon", "lat"] + columns, "rows": rows}


@dataversion.cached(maxsize=8, parts=("layers",))
def payload(name: str) -> Payload:
    """Context layer `name` as JSON bytes with their gzip and an ETag."""
    if name not in MIN_ZOOM:
        raise NotFound(f"unknown context layer {name!r}; allowed: {', '.join(LAYERS)}")
    doc = {"name": name, "min_zoom": MIN_ZOOM[name], "attribution": ATTRIBUTION[name], **_read(name)}
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=int).encode("utf-8")
    return Payload(raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).hexdigest()[:20])


def describe() -> list[dict]:
    """The context layers as the page config lists them: name, zoom thresholds, attribution."""
    return [{"name": n, "min_zoom": MIN_ZOOM[n], "attribution": SHORT[n], "source": ATTRIBUTION[n],
             **({"rank_zoom": {str(k): v for k, v in RANK_ZOOM.items()}} if n == "places" else {})}
            for n in LAYERS]
