"""The geometry column type: PostGIS `geometry(GEOMETRY, 4326)` through GeoAlchemy2, and in the embedded
SQLite store a GeoPackage geometry blob, so the file is a GeoPackage that QGIS and GDAL open as it is.

SpatiaLite is not loaded into the process: its system GEOS/PROJ/SQLite libraries clash with the ones bundled
in the rasterio/pyogrio wheels (a segfault reading a GeoPackage after loading it), and the store needs no
spatial SQL (features are selected by version and layer; geometry is handled by shapely). Values are shapely
geometries on both backends.
"""

from __future__ import annotations

import struct

import shapely
import sqlalchemy as sa
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import from_shape, to_shape

SRID = 4326
_MAGIC = b"GP"


def to_gpkg(geom: shapely.Geometry, srid: int = SRID) -> bytes:
    """A GeoPackage binary geometry (OGC 12-128r18 §2.1.3): header with no envelope, then little-endian WKB."""
    flags = 0b0000_0001 | (0b0001_0000 if geom.is_empty else 0)  # little-endian, no envelope, empty flag
    return _MAGIC + bytes([0, flags]) + struct.pack("<i", srid) + shapely.to_wkb(geom, byte_order=1)


def from_gpkg(blob: bytes) -> shapely.Geometry:
    """The shapely geometry of a GeoPackage binary geometry (any envelope, either byte order)."""
    blob = bytes(blob)
    if blob[:2] != _MAGIC:
        raise ValueError("not a GeoPackage geometry blob")
    envelope = (blob[3] >> 1) & 0b111
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope]
    return shapely.from_wkb(blob[8 + size:])


class _GeoPackageColumn(sa.types.UserDefinedType):
    """A BLOB declared as GEOMETRY, the declared type GeoPackage readers expect of a geometry column."""

    cache_ok = True

    def get_col_spec(self, **_) -> str:
        return "GEOMETRY"


class Geom(sa.types.TypeDecorator):
    """Geometry in EPSG:4326 as shapely objects: PostGIS geometry, or a GeoPackage blob in SQLite."""

    impl = sa.LargeBinary
    cache_ok = True
    # What GeoAlchemy2's PostGIS DDL hooks read of a Geometry column (they create the GiST index from these).
    geometry_type, srid, dimension, spatial_index, use_typmod, use_N_D_index = "GEOMETRY", SRID, 2, True, None, False

    def load_dialect_impl(self, dialect):
        if dialect is None:  # GeoAlchemy2's DDL hooks ask without one; the index is made by the migration
            return self.impl_instance
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Geometry("GEOMETRY", srid=SRID, spatial_index=True))
        return dialect.type_descriptor(_GeoPackageColumn())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return from_shape(value, srid=SRID)
        return to_gpkg(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, WKBElement):
            return to_shape(value)
        return from_gpkg(value)
