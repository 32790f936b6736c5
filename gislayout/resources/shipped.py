"""The two small atlas crops shipped in `layers/resources/` and installed by `flask build` (no download).

- `gwa3_ws100_025`: Global Wind Atlas 3 mean wind speed at 100 m, averaged to the ERA5 0.25° cells (FZJ RESKit);
  the default wind resource.
- `gsa_ghi_025`: Global Solar Atlas 2 long-term GHI at the same 0.25° cells (FZJ RESKit); one of the solar
  candidates `solar_choice` compares.

Each crop sits in its own folder with the `SOURCE.md` that records its provenance, licence, sha256 and caveats.
Installing checks the file's sha256 against that record (a changed file is refused) and writes its pixels
unchanged, band for band, into a COG on the crop's own 0.25° grid (no resampling, no clipping): the sidecar
keeps the crop's sha256 and every value is bit-for-bit the crop's. A user's import of the full-resolution atlas
(`gwa_ws100`, `gsa_ghi`) or of any other file of the quantity ranks above these and so replaces them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from .. import config
from ..errors import LayerDataError
from . import registry, store, wind_checks

#: Bump when the install changes, so `install_shipped()` reinstalls an older file.
METHOD_VERSION = 2


@dataclass(frozen=True)
class Crop:
    """One shipped crop: the resource name it installs as, its folder and file under `layers/resources/`."""

    name: str
    folder: str
    file: str

    def path(self) -> Path:
        return folder() / self.folder / self.file

    def source_md(self) -> Path:
        return folder() / self.folder / "SOURCE.md"


CROPS = (Crop("gwa3_ws100_025", "gwa3_ws100m_0p25deg", "gansu_gwa3_ws100m_0p25deg.tif"),
         Crop("gsa_ghi_025", "gsa2_ghi_0p25deg", "gansu_gsa_ghi_0p25deg.tif"))
BY_NAME = {c.name: c for c in CROPS}


def folder() -> Path:
    """`layers/resources/` of the layers directory in use."""
    return config.settings().layers_dir / "resources"


def recorded_sha256(crop: Crop) -> str:
    """The sha256 SOURCE.md records for the crop's GeoTIFF (the first one it states, on the file's own entry)."""
    text = crop.source_md().read_text(encoding="utf-8")
    entry = text.split(f"`{crop.file}`", 1)
    found = re.search(r"sha256 ([0-9a-f]{64})", entry[1] if len(entry) > 1 else "")
    if not found:
        raise LayerDataError(f"{crop.source_md()} records no sha256 for {crop.file}")
    return found.group(1)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprint(crop: Crop) -> str:
    digest = hashlib.sha256(f"{METHOD_VERSION}|{registry.BUILTIN[crop.name]!r}".encode())
    return digest.hexdigest()[:16]


def install(crop: Crop, force: bool = False) -> Path:
    """Install one crop (kept if current); LayerDataError if the file is not the one SOURCE.md records."""
    path = crop.path()
    if not path.exists():
        raise LayerDataError(f"shipped resource {crop.name!r} is missing: {path}")
    actual, expected = sha256(path), recorded_sha256(crop)
    if actual != expected:
        raise LayerDataError(f"{path.name}: sha256 {actual} differs from the {expected} that "
                             f"{crop.source_md().name} records; restore the file from the repository")
    meta = store.installed_meta().get(crop.name)
    if meta and not force and meta.get("fingerprint") == _fingerprint(crop) and meta.get("source_sha256") == actual:
        return store.tif_path(crop.name)
    with rasterio.open(path) as ds:
        bands = ds.read().astype("float32")
        transform, crs, descriptions = ds.transform, ds.crs.to_string(), list(ds.descriptions)
        tags = ds.tags()
    spec = registry.BUILTIN[crop.name]
    keep = ("title_zh", "title_en", "quantity", "height_m", "resolution", "period", "source", "method", "licence",
            "bias", "is_estimate", "install_command", "rank")
    meta = {k: getattr(spec, k) for k in keep}
    meta.update(spec.extra)
    meta.update(units=spec.units, fingerprint=_fingerprint(crop), method_version=METHOD_VERSION,
                origin=f"shipped crop layers/resources/{crop.folder}/{crop.file}", source_file=crop.file,
                source_sha256=actual, source_record=f"layers/resources/{crop.folder}/SOURCE.md", file_tags=tags,
                own_grid=True)
    if spec.quantity == "wind_speed":
        meta["station_checks"] = wind_checks.check(bands[0], transform)
    return store.install(crop.name, bands, transform, crs, meta,
                         descriptions=[d or f"band{i + 1}" for i, d in enumerate(descriptions)])


def install_shipped(force: bool = False) -> list[Path]:
    """Install every shipped crop (kept where current); returns the COG paths."""
    return [install(c, force) for c in CROPS]


def crop_array(name: str, band: int = 1) -> tuple[np.ndarray, object]:
    """Band `band` of the shipped crop itself (not the installed COG) and its transform: for checks."""
    with rasterio.open(BY_NAME[name].path()) as ds:
        return ds.read(band).astype("float32"), ds.transform
