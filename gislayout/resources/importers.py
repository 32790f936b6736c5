"""`import_file`: validate a user's raster or Global Solar Atlas package and install it as a resource COG.

The rules: reproject to the common 30″ grid, clip to the province with a 5 km buffer, and convert to the
stored unit of the quantity. A file is rejected, with a message naming what is wrong, if it is not a raster,
has no CRS, does not cover Gansu, is all nodata there, or has unknown or implausible units.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import BadParameter, InvalidData
from . import registry, reading, store, units
from .registry import BUILTIN, CLI, QUANTITIES, WIND
from .grid import COMMON

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_GUESSES = (
    ("gwa_ws100", re.compile(r"wind[-_ ]?speed[-_ ]?100", re.I)),
    ("gwa_pd100", re.compile(r"power[-_ ]?density[-_ ]?100", re.I)),
    ("gsa_ghi", re.compile(r"^GHI\.tiff?$", re.I)),
    ("gsa_elevation", re.compile(r"^ELE\.tiff?$", re.I)),
)
#: Units each product ships in, when its file does not say.
PRODUCT_UNITS = {"gsa_ghi": "kWh/m2/day", "gsa_elevation": "m", "gwa_ws100": "m/s", "gwa_pd100": "W/m2"}


@dataclass
class Options:
    """What the user told the importer; everything is optional where the file or product says it."""

    name: str | None = None
    quantity: str | None = None
    units: str | None = None
    height_m: float | None = None
    band: int | None = None
    variable: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    source: str | None = None
    licence: str | None = None
    period: str | None = None
    origin: str | None = None


def _resolve_name(filename: str, opts: Options) -> str:
    if opts.name:
        if not NAME_RE.match(opts.name):
            raise BadParameter(f"resource name {opts.name!r} must be 2–41 lower-case letters, digits or _, "
                               f"starting with a letter")
        return opts.name
    for name, pattern in _GUESSES:
        if pattern.search(filename):
            return name
    raise BadParameter(f"cannot tell which resource {filename!r} holds; pass --name (one of "
                       f"{', '.join(BUILTIN)} for the standard products, or a new name with --quantity)")


def _resolve_quantity(name: str, opts: Options) -> str:
    builtin = BUILTIN.get(name)
    if builtin and opts.quantity and opts.quantity != builtin.quantity:
        raise BadParameter(f"resource {name!r} holds {builtin.quantity}, not {opts.quantity!r}")
    quantity = builtin.quantity if builtin else opts.quantity
    if quantity is None:
        raise BadParameter(f"--quantity is needed for a new resource {name!r}; one of {', '.join(QUANTITIES)}")
    if quantity not in QUANTITIES:
        raise BadParameter(f"unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    return quantity


def _nice_range(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.nanpercentile(values, [2, 98])
    step = 10 ** np.floor(np.log10(max(hi - lo, 1e-6))) / 2
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def prepare(path: str, label: str, opts: Options, default_units: str | None = None) -> tuple[str, np.ndarray, dict]:
    """Read, check and convert one raster; returns (name, values on the common grid, sidecar metadata)."""
    name = _resolve_name(Path(label.split("/")[-1]).name, opts)
    quantity = _resolve_quantity(name, opts)
    with reading.open_raster(path, label, opts.variable) as ds:
        reading.check_georeferenced(ds, label)
        band = opts.band or 1
        stated = opts.units or reading.file_units(ds, band) or default_units or PRODUCT_UNITS.get(name)
        scale = units.factor(quantity, stated, label)
        height = None
        if quantity in WIND:
            builtin = BUILTIN.get(name)
            height = opts.height_m or (builtin.height_m if builtin else None) or reading.file_height(ds, band)
            if height is None:
                raise InvalidData(f"{label} does not state the height of its wind; pass --height (metres)")
        layer = reading.read_layer(ds, label, opts.band)
        driver = ds.driver
    values = layer.values * np.float32(scale)
    finite = values[np.isfinite(values)]
    lo, hi = np.percentile(finite, [1, 99])
    q = QUANTITIES[quantity]
    if lo < q.plausible[0] or hi > q.plausible[1]:
        raise InvalidData(f"{label}: values {lo / scale:.4g}–{hi / scale:.4g} {stated} make {lo:.4g}–{hi:.4g} "
                          f"{q.units}, implausible for {quantity} (expected {q.plausible[0]:g}–{q.plausible[1]:g}); "
                          f"are the units {stated!r} right? Pass --units")
    how = (f"imported from {Path(label).name} ({driver}, {layer.description}); units {stated!r} ×{scale:.6g} → "
           f"{q.units}; reprojected ({layer.resampling}) from {layer.source_res} to 30″ and clipped to Gansu + 5 km")
    builtin = BUILTIN.get(name)
    if builtin:
        meta = {k: getattr(builtin, k) for k in ("title_zh", "title_en", "resolution", "period", "source",
                                                 "licence", "bias", "is_estimate", "install_command", "rank")}
        meta["method"] = f"{builtin.method} This file: {how}."
    else:
        vmin, vmax = _nice_range(values)
        meta = {"title_zh": opts.title_zh or f"{q.title_zh}（{name}）",
                "title_en": opts.title_en or f"{q.title_en} ({name})",
                "resolution": f"source {layer.source_res}, stored at 30″", "period": opts.period or "not stated",
                "source": opts.source or f"user file {Path(label).name}", "method": how,
                "licence": opts.licence or "not recorded; as stated by the data provider",
                "bias": "not assessed by gislayout", "is_estimate": False, "rank": 50, "vmin": vmin, "vmax": vmax,
                "install_command": f"{CLI} import FILE --name {name} --quantity {quantity}"}
    meta.update(quantity=quantity, units=q.units, height_m=height, coverage=layer.coverage,
                origin=opts.origin or f"file {Path(label).name}", units_in_file=stated)
    return name, values, meta


def _gsa_members(zf: zipfile.ZipFile, label: str) -> dict[str, str]:
    found = {}
    for member in zf.namelist():
        base = member.rsplit("/", 1)[-1]
        if re.fullmatch(r"GHI\.tiff?", base, re.I):
            found["gsa_ghi"] = member
        elif re.fullmatch(r"ELE\.tiff?", base, re.I):
            found["gsa_elevation"] = member
    if "gsa_ghi" not in found:
        names = ", ".join(zf.namelist()[:8]) or "nothing"
        raise InvalidData(f"{label} is not a Global Solar Atlas package: no GHI.tif inside (it holds {names})")
    return found


def import_gsa_zip(path: Path, opts: Options) -> list[str]:
    """Install GHI (and ELE, if present) from a Global Solar Atlas country package; all or nothing."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = _gsa_members(zf, path.name)
    except zipfile.BadZipFile as exc:
        raise InvalidData(f"{path.name} is not a readable zip ({exc})") from None
    yearly = "yearlymonthlytotals" in (path.name + members["gsa_ghi"]).lower()
    prepared = []
    for name, member in members.items():
        sub = Options(**{**opts.__dict__, "name": name, "units": opts.units if name == "gsa_ghi" else None})
        default = ("kWh/m2/yr" if yearly else "kWh/m2/day") if name == "gsa_ghi" else "m"
        prepared.append(prepare(f"/vsizip/{path}/{member}", f"{path.name}/{member}", sub, default))
    for name, values, meta in prepared:
        store.install(name, values, COMMON.transform, COMMON.crs, meta)
    return [p[0] for p in prepared]


def import_file(path: str | Path, **options) -> list[str]:
    """Install the raster(s) in `path` (GeoTIFF, NetCDF, or a GSA zip); returns the names installed.

    Parameters
    ----------
    path : the file.
    **options : fields of `Options`: name, quantity, units, height_m, band, variable, titles, source,
        licence, period, origin. Needed only where the file or the product does not say them.
    """
    path = Path(path)
    if not path.is_file():
        raise BadParameter(f"file {str(path)!r} does not exist")
    opts = Options(**options)
    if zipfile.is_zipfile(path):
        return import_gsa_zip(path, opts)
    if path.suffix.lower() == ".zip":
        raise InvalidData(f"{path.name} is not a readable zip archive; is the download complete?")
    name, values, meta = prepare(str(path), path.name, opts)
    store.install(name, values, COMMON.transform, COMMON.crs, meta)
    return [name]


def uninstall(name: str) -> bool:
    """Remove an installed raster (the estimate can be rebuilt with `build-default`)."""
    registry.get_spec(name)
    return store.remove(name)
