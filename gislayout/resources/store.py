"""Where installed rasters live: COGs with a JSON sidecar in `BUILD_DIR/resources`, opened once per process.

A raster counts as installed when both its `NAME.tif` and `NAME.json` exist. Installing writes both under
temporary names and renames the COG first and the sidecar last, so a failed install leaves nothing half-done.
Caches notice a change through the data version (`gislayout.dataversion`), which every rename moves.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.io import MemoryFile

from .. import config, dataversion, fileio, quiet

_LOCK = threading.RLock()
_DATASETS: dict[str, tuple[str, rasterio.io.DatasetReader]] = {}
_ARRAYS: dict[str, tuple[str, np.ndarray, Affine]] = {}


def root() -> Path:
    """The folder of installed rasters (inside the git-ignored build directory)."""
    return config.settings().build_dir / "resources"


def tif_path(name: str) -> Path:
    return root() / f"{name}.tif"


def meta_path(name: str) -> Path:
    return root() / f"{name}.json"


@dataversion.cached(maxsize=8, parts=("resources",))
def installed_meta() -> dict[str, dict]:
    """Sidecar metadata of every installed raster, by name; re-read only when the data version moves."""
    metas = {}
    for side in sorted(root().glob("*.json")):
        if side.with_suffix(".tif").exists() and not side.stem.endswith(".tmp"):
            try:
                with open(side, encoding="utf-8") as fh:
                    metas[side.stem] = json.load(fh)
            except FileNotFoundError:  # removed meanwhile by another process
                continue
    return metas


def _token(name: str) -> str:
    meta = installed_meta().get(name)
    return f"{root()}|{meta.get('sha256')}|{meta.get('created')}" if meta else ""


def open_dataset(name: str) -> rasterio.io.DatasetReader:
    """The installed raster `name`, opened once per process (reopened if it was reinstalled)."""
    token = _token(name)
    cached = _DATASETS.get(name)
    if cached and cached[0] == token:
        return cached[1]
    with _LOCK:
        if cached:
            cached[1].close()
        ds = rasterio.open(tif_path(name))
        _DATASETS[name] = (token, ds)
        return ds


def band1(name: str) -> tuple[np.ndarray, Affine]:
    """Band 1 of installed raster `name` as a read-only float32 array (NaN = nodata) and its transform."""
    token = _token(name)
    cached = _ARRAYS.get(name)
    if cached and cached[0] == token:
        return cached[1], cached[2]
    with _LOCK:
        ds = open_dataset(name)
        arr = ds.read(1, masked=True).astype("float32").filled(np.nan)
        arr.flags.writeable = False
        _ARRAYS[name] = (token, arr, ds.transform)
        return arr, ds.transform


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_cog(path: Path, bands: np.ndarray, transform: Affine, crs: str, descriptions: list[str],
              units: str, tags: dict) -> None:
    """Write float32 `bands` (count, rows, cols) as a deflate COG with overviews (rio-cogeo)."""
    from rio_cogeo.cogeo import cog_translate
    from rio_cogeo.profiles import cog_profiles

    count, rows, cols = bands.shape
    block = 256 if min(rows, cols) > 512 else 64
    profile = dict(cog_profiles.get("deflate"), blockxsize=block, blockysize=block, predictor=3)
    src_profile = dict(driver="GTiff", dtype="float32", count=count, height=rows, width=cols, crs=crs,
                       transform=transform, nodata=float("nan"))
    with MemoryFile() as mem:
        with mem.open(**src_profile) as tmp:
            tmp.write(bands.astype("float32"))
            tmp.update_tags(**{k: str(v) for k, v in tags.items()})
            for i, desc in enumerate(descriptions, start=1):
                tmp.set_band_description(i, desc)
                tmp.set_band_unit(i, units)
        with mem.open() as src, quiet.ignoring(PendingDeprecationWarning, module="rio_cogeo"):
            cog_translate(src, str(path), profile, overview_resampling="average", in_memory=True, quiet=True,
                          forward_band_tags=True)


def install(name: str, bands: np.ndarray, transform: Affine, crs: str, meta: dict,
            descriptions: list[str] | None = None) -> Path:
    """Write raster `name` and its sidecar atomically; returns the COG path."""
    root().mkdir(parents=True, exist_ok=True)
    if bands.ndim == 2:
        bands = bands[np.newaxis]
    descriptions = descriptions or [meta.get("quantity", name)] + [f"band{i}" for i in range(2, bands.shape[0] + 1)]
    # names of this install only: two installs of one name (two CLI runs, a worker) cannot clobber each other
    tmp_tif = fileio.temp_path(tif_path(name))
    tmp_json = fileio.temp_path(meta_path(name))
    try:
        write_cog(tmp_tif, bands, transform, crs, descriptions, meta.get("units", ""),
                  {"gislayout_resource": name, "units": meta.get("units", ""), "source": meta.get("source", "")})
        valid = bands[0][np.isfinite(bands[0])]
        meta = dict(meta, name=name, created=datetime.now(UTC).isoformat(timespec="seconds"),
                    sha256=_sha256(tmp_tif), bands=descriptions, crs=crs, shape=list(bands.shape[1:]),
                    transform=list(transform)[:6],
                    summary={"min": round(float(valid.min()), 3), "max": round(float(valid.max()), 3),
                             "mean": round(float(valid.mean()), 3), "cells": int(valid.size)})
        with open(tmp_json, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        with _LOCK:
            os.replace(tmp_tif, tif_path(name))
            os.replace(tmp_json, meta_path(name))
    finally:
        tmp_tif.unlink(missing_ok=True)
        tmp_json.unlink(missing_ok=True)
    return tif_path(name)


def remove(name: str) -> bool:
    """Uninstall raster `name` (sidecar first, so it stops counting as installed at once)."""
    existed = meta_path(name).exists()
    with _LOCK:
        meta_path(name).unlink(missing_ok=True)
        tif_path(name).unlink(missing_ok=True)
        _ARRAYS.pop(name, None)
        cached = _DATASETS.pop(name, None)
        if cached:
            cached[1].close()
    return existed


def update_meta(name: str, updates: dict) -> None:
    """Merge `updates` into the sidecar of installed raster `name`, atomically (the COG is untouched)."""
    with open(meta_path(name), encoding="utf-8") as fh:
        meta = json.load(fh)
    meta.update(updates)
    tmp = fileio.temp_path(meta_path(name))
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False, indent=1)
        with _LOCK:
            os.replace(tmp, meta_path(name))
    finally:
        tmp.unlink(missing_ok=True)
