"""Shapefile (dBASE) field names: at most 10 characters, the same short name for a column in every layer.

The mapping is one table, `SHAPEFILE_FIELDS`, plus two rules for columns it does not list:

1. `zone_<scheme>` columns longer than 10 characters become `z_<scheme>` cut to 10;
2. any other name longer than 10 characters becomes its first 7 characters, `_`, and 2 hex digits of its
   CRC-32, so the short name depends only on the long one and never on the layer it is in.

Text longer than the 254 bytes a dBASE field holds continues in `<short name cut to 8>_2`, `_3`, … (see
`shapefile.py`). Every Shapefile export writes the fields it used to `fields.csv` inside the zip.
"""

from __future__ import annotations

import zlib

MAX_LENGTH = 10

#: Long column names in the layers and their fixed short forms (names of 10 characters or fewer stay as they are).
SHAPEFILE_FIELDS: dict[str, str] = {
    "location_note": "loc_note",
    "capacity_mw": "cap_mw",
    "target_year": "tgt_year",
}

#: What each column holds, for `fields.csv` and the docs; columns not listed get an empty description.
DESCRIPTIONS: dict[str, str] = {
    "id": "stable feature id",
    "name_zh": "name in Chinese",
    "name_en": "name in English",
    "kind": "kind of feature (see the API's kind filter)",
    "level": "national or provincial",
    "sectors": "industry codes, ';'-separated",
    "subsectors": "sub-sector codes, ';'-separated",
    "prefecture": "prefecture (市/州) the feature lies in",
    "county": "county-level unit the feature lies in",
    "precision": "location precision: site, county or prefecture",
    "lon": "longitude, WGS 84 degrees",
    "lat": "latitude, WGS 84 degrees",
    "source": "policy clause or source of the feature",
    "approved": "date the zone was approved (zones set up after the 2010 policy), as its source gives it",
    "approval_doc": "the approving document (number), or 'not seen'",
    "location_note": "how the location was fixed",
    "capacity_mw": "capacity in MW",
    "target_year": "target year",
    "technology": "generation technology",
    "status": "project status",
    "adcode": "administrative division code",
    "seat_lon": "longitude of the seat of government",
    "seat_lat": "latitude of the seat of government",
    "scheme": "region scheme id",
    "zone": "zone id within the scheme",
    "members": "member prefectures, ';'-separated",
}


def short_name(column: str) -> str:
    """The Shapefile field name of `column`: at most 10 characters, decided by the column name alone."""
    if column in SHAPEFILE_FIELDS:
        return SHAPEFILE_FIELDS[column]
    if len(column) <= MAX_LENGTH:
        return column
    if column.startswith("zone_"):
        return ("z_" + column[len("zone_"):])[:MAX_LENGTH]
    return f"{column[:7]}_{zlib.crc32(column.encode('utf-8')) & 0xFF:02x}"


def mapping(columns: list[str]) -> dict[str, str]:
    """`{column: short name}` for the columns of one layer; raises ValueError if two would collide."""
    out = {c: short_name(c) for c in columns}
    seen: dict[str, str] = {}
    for column, short in out.items():
        if short.lower() in seen:
            # dBASE names are case-insensitive; a collision is a bug in SHAPEFILE_FIELDS, not bad input.
            raise ValueError(f"Shapefile field {short!r} would hold both {seen[short.lower()]!r} and {column!r}; "
                             f"add one of them to SHAPEFILE_FIELDS")
        seen[short.lower()] = column
    return out


def description(column: str) -> str:
    """What `column` holds ('' if undocumented); zone columns are described by their scheme."""
    if column.startswith("zone_"):
        return f"zone of the feature in region scheme {column[len('zone_'):]}"
    return DESCRIPTIONS.get(column, "")
