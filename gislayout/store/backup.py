"""`flask store dump` / `restore`: the whole store as one GeoPackage, for backups and moving between backends.

Each table becomes a layer of the same name (`features` with its geometry, the others as attribute tables),
and the layer `attribution` carries the licences and attributions of the data the features come from;
JSON columns are written as JSON text and times as ISO 8601 UTC, so the file is readable by any GIS or SQLite
tool. A restore fills an empty store in one transaction, keeping every id, revision and change number.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import sqlalchemy as sa

from .. import config, ground
from ..errors import BadParameter, Conflict
from . import db
from .models import metadata

#: GeoPackage's own row id column, named so it cannot clash with the store's `fid` (a feature's id).
_FID = {"FID": "gpkg_row"}
#: Tables in the order a restore inserts them (parents before children).
#: Sign-in counts and upload owners are transient (and name client addresses): not part of a dump.
TRANSIENT = ("throttle", "upload_quota")
TABLES = [t for t in metadata.sorted_tables if t.name not in TRANSIENT]


def _is_json(column: sa.Column) -> bool:
    return isinstance(column.type, sa.JSON)


def _out(value, column: sa.Column):
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    if _is_json(column):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(column.type, sa.Boolean):
        return int(value)
    return value


def _in(value, column: sa.Column):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(str(value))
    if _is_json(column):
        return json.loads(value)
    if isinstance(column.type, sa.Boolean):
        return bool(int(value))
    if isinstance(column.type, sa.Integer):
        return int(value)
    return value


def attribution() -> pd.DataFrame:
    """One row per source of the store's features: the policy, the boundaries and each open-data layer."""
    rows = [("policy layers", config.POLICY_CITATION), ("boundaries", config.BOUNDARY_ATTRIBUTION)]
    rows += [(layer, text) for layer, text in ground.ATTRIBUTION.items()]
    return pd.DataFrame(rows, columns=["layer", "attribution"])


def dump(path: str | Path) -> dict[str, int]:
    """Write every table of the current store to the GeoPackage `path` (replaced); the row count of each."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise BadParameter(f"a dump is a GeoPackage: the file name must end in .gpkg, got {path.name!r}")
    tmp = path.with_name(path.name + ".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    counts = {}
    with db.reading() as conn:
        for table in TABLES:
            rows = conn.execute(sa.select(table)).mappings().all()
            cols = [c for c in table.columns if c.name != "geom"]
            df = pd.DataFrame([{c.name: _out(r[c.name], c) for c in cols} for r in rows],
                              columns=[c.name for c in cols])
            if "geom" in table.columns:
                gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([r["geom"] for r in rows], crs="EPSG:4326"))
                pyogrio.write_dataframe(gdf, tmp, layer=str(table.name), driver="GPKG", geometry_type="Unknown",
                                        layer_options=_FID)
            else:
                pyogrio.write_dataframe(df, tmp, layer=str(table.name), driver="GPKG", layer_options=_FID)
            counts[table.name] = len(rows)
    # the open data the baseline carries keeps its licence and attribution in the file
    pyogrio.write_dataframe(attribution(), tmp, layer="attribution", driver="GPKG", layer_options=_FID)
    tmp.replace(path)
    return counts


def restore(path: str | Path) -> dict[str, int]:
    """Fill the current store, which must hold no version yet, from a dump; the row count of each table."""
    path = Path(path)
    if not path.is_file():
        raise BadParameter(f"no dump file {str(path)!r}")
    try:
        present = {name for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:  # GDAL's errors for a file that is no GeoPackage
        raise BadParameter(f"{path.name!r} is not a readable GeoPackage: {exc}") from None
    missing = [t.name for t in TABLES if t.name not in present]
    if missing:
        raise BadParameter(f"{path.name!r} is not a gislayout store dump: it lacks {', '.join(missing)}")
    counts = {}
    with db.transaction() as conn:
        for table in TABLES:
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                raise Conflict(f"the store already holds {table.name}; restore into an empty database")
        for table in TABLES:
            frame = pyogrio.read_dataframe(path, layer=str(table.name), read_geometry="geom" in table.columns)
            rows = []
            for rec in frame.to_dict("records"):
                row = {c.name: _in(rec.get(c.name), c) for c in table.columns if c.name != "geom"}
                # a dump made before a column existed: the column's default (e.g. a token's scope 'write')
                row = {k: v for k, v in row.items() if v is not None or table.c[k].server_default is None}
                if "geom" in table.columns:
                    row["geom"] = rec["geometry"]
                rows.append(row)
            if rows:
                conn.execute(table.insert(), rows)
            counts[table.name] = len(rows)
        if conn.dialect.name == "postgresql":  # the serial counters continue after the restored numbers
            for table, column in (("changes", "seq"), ("features", "pk")):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                                     f"GREATEST((SELECT max({column}) FROM {table}), 1))"))
    return counts
