"""HTTP routes for the export surface: the export formats and the "download everything" bundle.

Single-layer exports live on the layer route itself (`GET /api/layers/<name>?format=…`, in `api.py`).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, send_file

from .. import export
from ..export import bundle
from . import openapi

bp = Blueprint("export", __name__)


@bp.get("/api/formats")
def formats():
    """The export formats `GET /api/layers/<name>?format=` accepts."""
    return jsonify([{"name": f.name, "label": f.label, "extension": f.extension, "media_type": f.media_type}
                    for f in export.FORMATS.values()])


@bp.get("/api/bundle.zip")
def bundle_zip():
    """Every layer in one GeoPackage, the installed rasters, a README and a QGIS project, as one zip."""
    path = bundle.build()
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=bundle.DOWNLOAD_NAME,
                     conditional=True, etag=path.stem.rsplit("-", 1)[-1], max_age=0)


#: Read by `openapi.spec`.
OPENAPI_PATHS = {
    "/api/formats": openapi.get(
        "Export formats", "The values of `format` on /api/layers/{name}: name, label, file extension, media type.",
        tag="export", ok=openapi.json_array()),
    "/api/bundle.zip": openapi.get(
        "Download everything",
        "A zip holding every layer in one GeoPackage (gislayout.gpkg, with the sector, chain and target tables), "
        "the installed resource COGs (rasters/), README.txt with sources and licences, metadata.json, and a QGIS "
        "project (gislayout.qgs) with relative paths, styled like the atlas. Built once and cached until a layer "
        "file or raster changes.", tag="export",
        ok={"description": "The bundle", "content": {"application/zip": {"schema": {"type": "string",
                                                                                    "format": "binary"}}},
            "headers": {"Content-Disposition": openapi.header(f"attachment; filename={bundle.DOWNLOAD_NAME}")}}),
}
