"""CSV: lon/lat columns for points, a WKT column otherwise; UTF-8 with a byte-order mark so Excel shows Chinese.

CSV has no place for a CRS or metadata: coordinates are WGS 84 degrees (EPSG:4326), and the metadata travels in
the HTTP response (`X-Gislayout-Metadata`) and in the `source` column. GDAL reads the file back with
`-oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat` (points) or from the `WKT` column (polygons).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from ..geojson import to_rfc7946

#: Decimal places of exported coordinates: 1e-7° is about 1 cm.
DECIMALS = 7
WKT_COLUMN = "WKT"


def csv_frame(gdf: gpd.GeoDataFrame, points: bool) -> pd.DataFrame:
    """The attribute table with coordinates: lon/lat from the geometry for a point layer, else WKT last."""
    out = to_rfc7946(gdf)
    geom = out.geometry
    table = pd.DataFrame(out.drop(columns=geom.name))
    if points:
        table["lon"] = geom.x.round(DECIMALS)
        table["lat"] = geom.y.round(DECIMALS)
    else:
        table[WKT_COLUMN] = shapely.to_wkt(geom.values, rounding_precision=DECIMALS, trim=True)
    return table


def csv_bytes(gdf: gpd.GeoDataFrame, points: bool) -> bytes:
    """The layer as CSV bytes: UTF-8 with BOM, comma-separated, CRLF line ends (RFC 4180)."""
    return csv_frame(gdf, points).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
