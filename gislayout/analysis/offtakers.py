"""Offtakers: who would use the power. Bases, parks and anchor enterprises with electricity-intensive sectors,
and the smelters and refineries of the ground `mines` layer, each with an intensity class and a weight.

The class of a sector comes from layers/sector_intensity.csv (code, class high|medium|low, weight, basis,
citation: the NBS six energy-intensive industries and cited specific consumptions). A feature's class is that
of its most intensive subsector (its sectors when it lists no subsector). Bases and parks count from class
medium up, anchor enterprises only when high (a research institute is not a load), smelters and refineries are
high. Low-class features (software, animation, biomedicine, generator bases) are not offtakers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import config
from ..errors import LayerDataError
from .. import layers
from .criterion_stack import distance_km

if TYPE_CHECKING:
    import pandas as pd

CLASSES = ("high", "medium", "low")
COLUMNS = ("id", "name_zh", "name_en", "layer", "sectors", "intensity_class", "weight", "lon", "lat")


def intensity() -> pd.DataFrame:
    """layers/sector_intensity.csv, checked: every class known, weights in (0, 1] for high and medium."""
    import pandas as pd

    path = config.settings().layers_dir / "sector_intensity.csv"
    df = pd.read_csv(path, dtype={"code": str, "class": str})
    bad = sorted(set(df["class"]) - set(CLASSES))
    if bad:
        raise LayerDataError(f"{path.name}: unknown intensity class(es) {bad}; allowed: {', '.join(CLASSES)}")
    return df.set_index("code")


def classify(codes: str, table: pd.DataFrame) -> tuple[str, float]:
    """(class, weight) of a ';'-separated list of sector codes: the most intensive one (low, 0 if none known)."""
    best = ("low", 0.0)
    for code in (c for c in str(codes or "").split(";") if c):
        if code in table.index and float(table.at[code, "weight"]) > best[1]:
            best = (str(table.at[code, "class"]), float(table.at[code, "weight"]))
    return best


def _frame(gdf, layer: str, table, min_class: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for rec, geom in zip(gdf.to_dict(orient="records"), gdf.geometry):
        sub = rec.get("subsectors") if isinstance(rec.get("subsectors"), str) and rec.get("subsectors") else None
        codes = sub or rec.get("sectors")
        cls, weight = classify(codes, table)
        if cls in min_class and weight > 0:
            rows.append({"id": rec["id"], "name_zh": rec["name_zh"], "name_en": rec["name_en"], "layer": layer,
                         "sectors": str(codes), "intensity_class": cls, "weight": weight,
                         "lon": float(geom.x), "lat": float(geom.y)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def points() -> pd.DataFrame:
    """Every offtaker with id, names, layer, sectors, intensity_class, weight, lon, lat."""
    import pandas as pd


    table = intensity()
    frames = [_frame(layers.load("bases"), "bases", table, ("high", "medium")),
              _frame(layers.load("parks"), "parks", table, ("high", "medium")),
              _frame(layers.load("enterprises"), "enterprises", table, ("high",))]
    mines = layers.load("mines")
    smelt = mines[mines["asset_type"].fillna("").str.contains("Smelter|Refinery", case=False)]
    if len(smelt):
        frames.append(pd.DataFrame({
            "id": smelt["id"].to_numpy(), "name_zh": smelt["name_zh"].to_numpy(),
            "name_en": smelt["name_en"].to_numpy(), "layer": "mines",
            "sectors": ("smelting:" + smelt["primary_commodity"].fillna("metal")).to_numpy(),
            "intensity_class": "high", "weight": 1.0,
            "lon": smelt.geometry.x.to_numpy(), "lat": smelt.geometry.y.to_numpy()}))
    return pd.concat(frames, ignore_index=True)[list(COLUMNS)]


def weighted_distance(grid, inside, x, y, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per inside cell: (weighted km = km ÷ weight of the best offtaker, its index, its real km).

    One distance transform per distinct weight: a medium offtaker (weight 0.5) counts as twice as far.
    """

    n = int(inside.sum())
    eff = np.full(n, np.inf, np.float32)
    idx = np.full(n, -1, np.int32)
    real = np.full(n, np.nan, np.float32)
    weight = np.asarray(weight, float)
    for w in sorted(set(weight[weight > 0])):
        sel = np.flatnonzero(weight == w)
        km, near = distance_km(grid, inside, np.asarray(x)[sel], np.asarray(y)[sel])
        cand = km / np.float32(w)
        better = np.isfinite(cand) & (cand < eff)
        eff[better], real[better] = cand[better], km[better]
        idx[better] = np.where(near[better] >= 0, sel[np.maximum(near[better], 0)], -1)
    eff[~np.isfinite(eff)] = np.nan
    return eff, idx, real
