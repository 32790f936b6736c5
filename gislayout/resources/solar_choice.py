"""Which solar (GHI) field is the default: three candidates, measured on the cited figures none of them used.

Candidates
- `ghi_estimate`: the offline estimate, calibrated to the 10 figures of `solar_calibration.csv`.
- `gsa_ghi_025`: the Global Solar Atlas 2 crop as it is (0.25° cell means); it uses no cited figure.
- `ghi_gsa_anchored`: the estimate's pattern before calibration (so no cited figure), rescaled so that every
  0.25° cell's mean equals GSA's. The two grids' edges do not coincide (the 1/12° edges fall at whole twelfths,
  the 0.25° edges at .125 + k/4), so the field is made on a 1/24° grid (`FINE`) on which both fall exactly:
  each 1/12° cell is 2 × 2 fine cells, each 0.25° cell 6 × 6.

Figures (`FIGURES`): the 10 calibration figures, plus three cited figures the calibration leaves out
(`solar_checks.csv`: the 2008 Dunhuang news figure, the Minqin class, the province range) and the three site
checks of DESIGN.md (`validation.CHECK_SITES`). A `value` is compared with itself, a `range` with its midpoint,
a `bound` (and a site's range) counts only the distance by which the field falls outside it.

A figure used to make a field cannot show that field's accuracy. So each candidate's error on a figure comes
from a field that did not use it: for the estimate, the estimate refitted without every calibration figure whose
region overlaps the checked region or site (`independent_estimate`: leave-one-out, widened so that a county
figure inside a calibrated prefecture, or a prefecture holding a calibrated county, is not vouched for by its
neighbour); for GSA and the anchored field, which use no figure, the field itself. Which figures each field
used is listed (`used`, and per row `left_out`). The candidate with the lowest mean absolute error over all 16
figures becomes the default (its rank is lowered below the others'); a strict measure, over only the figures
no refit was needed for, is reported beside it. Everything is computed when `flask build` runs, from the
installed files: no number here is typed in.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rasterio.enums import Resampling
from rasterio.warp import reproject

from .. import boundaries, config
from . import build, calibration, registry, shipped, solar, store, validation
from .grid import CLIP_BUFFER_KM, ESTIMATE, Grid, province_mask

CHECKS_TABLE = Path(__file__).with_name("solar_checks.csv")
ESTIMATE_NAME, GSA_NAME, ANCHORED_NAME = "ghi_estimate", "gsa_ghi_025", "ghi_gsa_anchored"
CANDIDATES = (ESTIMATE_NAME, GSA_NAME, ANCHORED_NAME)
#: The GSA crop's extent (cell edges) and the 1/24° grid on which both it and the 1/12° estimate tile exactly.
GSA_EXTENT = (91.875, 31.875, 109.125, 43.125)
FINE = Grid.over(GSA_EXTENT, 1 / 24, config.WGS84)
BLOCK = 6  # fine cells per 0.25° cell side
#: Ranks given by measured error: the best candidate becomes the default for GHI (user imports rank lower).
RANKS = (60, 70, 80)
METHOD_VERSION = 1
METRIC = ("mean absolute error in % over every cited figure, each taken from a field that did not use it "
          "(value: against itself; range: against its midpoint; bound or site range: distance outside it)")


def _fine(values: np.ndarray, transform, resampling=Resampling.nearest) -> np.ndarray:
    out = np.full(FINE.shape, np.nan, dtype="float64")
    reproject(np.asarray(values, dtype="float64"), out, src_transform=transform, src_crs=config.WGS84,
              src_nodata=np.nan, dst_transform=FINE.transform, dst_crs=config.WGS84, dst_nodata=np.nan,
              resampling=resampling)
    return out


def _area() -> np.ndarray:
    _, lat = FINE.axes()
    return np.broadcast_to(np.cos(np.radians(lat))[:, None], FINE.shape)


def block_means(values: np.ndarray) -> np.ndarray:
    """Area-weighted mean of the valid fine cells of each 0.25° cell, spread back over its fine cells."""
    rows, cols = FINE.shape
    w = np.where(np.isfinite(values), _area(), 0.0)
    v = np.nan_to_num(values)
    shape = (rows // BLOCK, BLOCK, cols // BLOCK, BLOCK)
    num = (v * w).reshape(shape).sum(axis=(1, 3))
    den = w.reshape(shape).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = num / den
    return np.repeat(np.repeat(mean, BLOCK, axis=0), BLOCK, axis=1)


def anchored(raw_fine: np.ndarray, gsa_fine: np.ndarray) -> np.ndarray:
    """The pattern of `raw_fine` rescaled so that each 0.25° cell's (valid) mean equals `gsa_fine`'s there."""
    return raw_fine * gsa_fine / block_means(raw_fine)


def figures() -> pd.DataFrame:
    """Every cited figure the candidates are measured on: the calibration table and the extra checks."""
    cal = calibration.table().assign(in_calibration=True)
    extra = pd.read_csv(CHECKS_TABLE, dtype={"region_level": str, "region_zh": str, "kind": str})
    return pd.concat([cal, extra.assign(in_calibration=False)], ignore_index=True)


def _sample(values: np.ndarray, lon: float, lat: float) -> float:
    col, row = ~FINE.transform @ (lon, lat)
    return float(values[int(row), int(col)])


def _site_error(value: float, lo: float, hi: float, exact: bool = False) -> float:
    if lo <= value <= hi:
        return 0.0
    error = 100 * (value / (hi if value > hi else lo) - 1)
    return error if exact else round(error, 1)


def _exact_error(fig, value: float) -> float:
    """`validation._error` without its rounding (the ranking must not hinge on a rounded 0.1 %)."""
    lo = float(fig.lo_kwh)
    hi = float(fig.hi_kwh) if pd.notna(fig.hi_kwh) else np.inf
    if fig.kind == "bound":
        return _site_error(value, lo, hi, exact=True)
    figure = lo if fig.kind == "value" else (lo + hi) / 2
    return 100 * (value / figure - 1)


def _overlapping(masks_cal: list[np.ndarray], mask: np.ndarray) -> tuple[int, ...]:
    return tuple(i for i, m in enumerate(masks_cal) if (m & mask).any())


def independent_estimate(raw: np.ndarray) -> dict:
    """The estimate at each figure, refitted without every calibration figure whose region overlaps the
    figure's region (or holds its site): {("figure", row) or ("site", place): (value, left-out figures)}.

    A calibration figure always overlaps itself, so this includes plain leave-one-out; it also keeps, e.g., the
    Dunhuang county bound out of the check on Jiuquan prefecture, which holds it, and every figure out of the
    province check (which then measures the uncalibrated method).
    """
    cal = calibration.table()
    masks_cal = calibration.region_masks(cal, ESTIMATE)
    fits: dict[tuple, np.ndarray] = {}

    def field(drop: tuple[int, ...]) -> np.ndarray:
        if drop not in fits:
            if len(drop) == len(cal):
                fits[drop] = _fine(raw, ESTIMATE.transform)
            else:
                factor, _ = calibration.factor_field(raw, ESTIMATE, cal.drop(index=cal.index[list(drop)]))
                fits[drop] = _fine(raw * factor, ESTIMATE.transform)
        return fits[drop]

    df = figures()
    out = {}
    for i, mask in enumerate(calibration.region_masks(df, ESTIMATE)):
        drop = _overlapping(masks_cal, mask)
        out[("figure", i)] = (float(calibration.region_means(field(drop), df.iloc[[i]], FINE)[0]),
                              [f"{cal['region_zh'].iloc[j]} {cal['kind'].iloc[j]}" for j in drop])
    for place, (lon, lat, _, _) in validation.CHECK_SITES.items():
        col, row = (int(v) for v in ~ESTIMATE.transform @ (lon, lat))
        site = np.zeros(ESTIMATE.shape, bool)
        site[row, col] = True
        drop = _overlapping(masks_cal, site)
        out[("site", place)] = (_sample(field(drop), lon, lat),
                                [f"{cal['region_zh'].iloc[j]} {cal['kind'].iloc[j]}" for j in drop])
    return out


def measure(fields: dict[str, np.ndarray], independent: dict) -> list[dict]:
    """One row per (figure, candidate): the value compared, the error in %, and whether the field used it.

    `fields`: candidate → annual GHI on `FINE`; `independent`: `independent_estimate()`, the estimate's value
    at each figure from a refit that left out the calibration figures covering it.
    """
    df = figures()
    names_en = validation.names_en(df)
    means = {name: calibration.region_means(values, df, FINE) for name, values in fields.items()}
    rows = []
    for i, (fig, name_en) in enumerate(zip(df.itertuples(), names_en)):
        for name in fields:
            used = name == ESTIMATE_NAME and bool(fig.in_calibration)
            left_out = independent[("figure", i)][1] if name == ESTIMATE_NAME else []
            value = independent[("figure", i)][0] if left_out else float(means[name][i])
            compared, error = validation._error(fig, value)
            exact = _exact_error(fig, value)
            rows.append({"figure": f"{fig.region_zh} {fig.kind}", "region": fig.region_zh, "region_en": name_en,
                         "kind": fig.kind, "cited": fig.as_printed, "source": fig.source_title,
                         "cited_lo_kwh": float(fig.lo_kwh),
                         "cited_hi_kwh": None if pd.isna(fig.hi_kwh) else float(fig.hi_kwh),
                         "compared_with_kwh": compared, "candidate": name, "used_by_field": used,
                         "value": round(value, 1), "error_pct": error, "error_exact": exact, "left_out": left_out,
                         "how": "refitted without the calibration figures covering it" if left_out
                         else "field as built"})
    for place, (lon, lat, lo, hi) in validation.CHECK_SITES.items():
        for name, values in fields.items():
            left_out = independent[("site", place)][1] if name == ESTIMATE_NAME else []
            value = independent[("site", place)][0] if left_out else _sample(values, lon, lat)
            rows.append({"figure": f"{place} site", "region": place, "region_en": place, "kind": "site",
                         "cited": f"{lo}–{hi} kWh/m²/yr", "source": "DESIGN.md literature range",
                         "cited_lo_kwh": float(lo), "cited_hi_kwh": float(hi), "compared_with_kwh": None,
                         "candidate": name, "used_by_field": False, "value": round(value, 1),
                         "error_pct": _site_error(value, lo, hi), "left_out": left_out,
                         "error_exact": _site_error(value, lo, hi, exact=True),
                         "how": "refitted without the calibration figures covering it" if left_out
                         else "field as built (cell at the site)"})
    return rows


def summarise(rows: list[dict]) -> dict[str, dict]:
    """Per candidate: the ranking metric (all figures, each from a field that did not use it), the strict one
    (figures the shipped field never used), value/range-only figures, bounds met, and the figures it used."""
    out = {}
    for name in CANDIDATES:
        mine = [r for r in rows if r["candidate"] == name]
        if not mine:
            continue
        strict = [r for r in mine if not r["used_by_field"] and not r["left_out"]]
        figs = [r for r in mine if r["kind"] in ("value", "range")]
        bounds = [r for r in mine if r["kind"] in ("bound", "site")]
        worst = max(mine, key=lambda r: abs(r["error_pct"]))
        out[name] = {
            "mean_abs_pct": round(float(np.mean([abs(r["error_pct"]) for r in mine])), 2),
            "mean_abs_pct_unrounded": float(np.mean([abs(r["error_exact"]) for r in mine])),
            "figures": len(mine),
            "max_abs_pct": abs(worst["error_pct"]), "max_figure": worst["figure"], "max_region_en": worst["region_en"],
            "strict_mean_abs_pct": round(float(np.mean([abs(r["error_pct"]) for r in strict])), 2) if strict else None,
            "strict_figures": len(strict),
            "value_range_mean_abs_pct": round(float(np.mean([abs(r["error_pct"]) for r in figs])), 2),
            "value_range_figures": len(figs),
            "bounds_met": sum(r["error_pct"] == 0 for r in bounds), "bounds": len(bounds),
            "used": [r["figure"] for r in mine if r["used_by_field"]],
        }
    return out


def _captions(name: str, summary: dict, default: str) -> tuple[str, str]:
    s = summary[name]
    others_en = ", ".join(f"{o} {summary[o]['mean_abs_pct']:.1f} %" for o in summary if o != name)
    others_zh = "，".join(f"{o} {summary[o]['mean_abs_pct']:.1f}%" for o in summary if o != name)
    head_en = "Default solar resource, chosen by measured error" if name == default else "Not the default"
    head_zh = "默认太阳能资源，按实测误差选定" if name == default else "非默认"
    en = (f"{head_en}: {s['mean_abs_pct']:.1f} % mean error (max {s['max_abs_pct']:.1f} %, {s['max_region_en']}) "
          f"over {s['figures']} cited figures, each from a field that did not use it ({others_en}); "
          f"{s['bounds_met']} of {s['bounds']} bounds met. Table: docs/RESOURCES.md.")
    zh = (f"{head_zh}：对 {s['figures']} 个引用数值的平均误差 {s['mean_abs_pct']:.1f}%（最大 {s['max_abs_pct']:.1f}%，"
          f"{s['max_figure']}），每个数值均以未使用它的场检验（{others_zh}）；界限满足 {s['bounds_met']}/{s['bounds']}。"
          f"详表见 docs/RESOURCES.md。")
    return en, zh


def _fingerprint() -> str:
    digest = hashlib.sha256(CHECKS_TABLE.read_bytes() + calibration.TABLE.read_bytes())
    digest.update(f"{METHOD_VERSION}|{registry.BUILTIN[ANCHORED_NAME]!r}|{build._fingerprint()}".encode())
    for crop in shipped.CROPS:
        digest.update(shipped.recorded_sha256(crop).encode())
    return digest.hexdigest()[:16]


def is_current() -> bool:
    """True when every candidate is installed and the choice was made from the files installed now."""
    metas = store.installed_meta()
    fp = _fingerprint()
    return all(n in metas for n in CANDIDATES) and all(
        (metas[n].get("choice") or {}).get("fingerprint") == fp for n in CANDIDATES) and build.is_current()


def build_candidates(force: bool = False) -> dict:
    """Build the estimate, install the shipped crops, make the anchored field, measure all three and rank them.

    Kept as is when current (about 15 s otherwise: the estimate's clear-sky sums and the refits). Returns the
    choice: {default, metric, summary, rows}.
    """
    if not force and is_current():
        return store.installed_meta()[ANCHORED_NAME]["choice"]
    started = time.perf_counter()
    monthly, notes = solar.estimate_monthly()
    raw = monthly.sum(axis=0)
    build.build_default(force=force or not build.is_current(), estimated=(monthly, notes))
    shipped.install_shipped(force)
    factor, _ = calibration.factor_field(raw)
    gsa, gsa_transform = shipped.crop_array(GSA_NAME)
    raw_fine = _fine(raw, ESTIMATE.transform)
    gsa_fine = _fine(gsa, gsa_transform)
    anchored_fine = anchored(raw_fine, gsa_fine)
    fields = {ESTIMATE_NAME: _fine(raw * factor, ESTIMATE.transform), GSA_NAME: gsa_fine,
              ANCHORED_NAME: anchored_fine}
    rows = measure(fields, independent_estimate(raw))
    summary = summarise(rows)
    order = sorted(summary, key=lambda n: (summary[n]["mean_abs_pct_unrounded"], n))
    default = order[0]
    choice = {"default": default, "metric": METRIC, "order": order, "summary": summary, "rows": rows,
              "fingerprint": _fingerprint(), "method": __doc__.split("\n\n", 1)[1].strip(),
              "seconds": round(time.perf_counter() - started, 1)}
    stored = anchored_fine.astype("float32")
    stored[~province_mask(FINE, CLIP_BUFFER_KM)] = np.nan
    spec = registry.BUILTIN[ANCHORED_NAME]
    meta = {k: getattr(spec, k) for k in ("title_zh", "title_en", "quantity", "height_m", "resolution", "period",
                                          "source", "method", "licence", "bias", "is_estimate", "install_command")}
    meta.update(spec.extra)
    meta.update(units=spec.units, origin="derived by flask build from the GSA crop and the offline estimate",
                own_grid=True, method_version=METHOD_VERSION)
    store.install(ANCHORED_NAME, stored, FINE.transform, FINE.crs, meta, descriptions=["annual"])
    for rank, name in zip(RANKS, order):
        en, zh = _captions(name, summary, default)
        store.update_meta(name, {"rank": rank, "choice": dict(choice, caption_en=en, caption_zh=zh,
                                                              this=summary[name], is_default=name == default)})
    return choice


def markdown(choice: dict) -> str:
    """The validation table of `choice` as Markdown: one row per figure, one column per candidate (error in %,
    `used` where the shipped field used the figure and the error comes from a refit without it), and a summary."""
    rows = choice["rows"]
    names = list(choice["order"])
    figures = list(dict.fromkeys(r["figure"] for r in rows))
    by = {(r["figure"], r["candidate"]): r for r in rows}
    head = "| figure | cited | compared as | " + " | ".join(f"`{n}`" for n in names) + " |"
    out = [head, "|" + " --- |" * (3 + len(names))]
    for fig in figures:
        first = by[(fig, names[0])]
        cells = []
        for n in names:
            r = by[(fig, n)]
            mark = " (used; refit without it)" if r["used_by_field"] else (" (refit without " + ", ".join(
                r["left_out"]) + ")" if r["left_out"] else "")
            cells.append(f"{r['value']:.0f} → {r['error_pct']:+.1f} %{mark}")
        out.append(f"| {first['region_en']} ({fig}) | {first['cited']} | {first['kind']} | " + " | ".join(cells) + " |")
    out += ["", "| candidate | mean abs. error, all figures (ranking) | max | value/range figures | bounds met | "
                "strict (no refit needed) | figures the field used |", "|" + " --- |" * 7]
    for n in names:
        s = choice["summary"][n]
        strict = ("—" if s["strict_mean_abs_pct"] is None
                  else f"{s['strict_mean_abs_pct']:.2f} % ({s['strict_figures']})")
        used = ", ".join(s["used"]) or "none"
        out.append(f"| `{n}`{' **default**' if n == choice['default'] else ''} | {s['mean_abs_pct']:.2f} % "
                   f"({s['figures']}) | {s['max_abs_pct']:.1f} % ({s['max_region_en']}) | "
                   f"{s['value_range_mean_abs_pct']:.2f} % ({s['value_range_figures']}) | "
                   f"{s['bounds_met']} / {s['bounds']} | {strict} | {used} |")
    return "\n".join(out) + "\n"
