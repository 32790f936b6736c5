"""A small synthetic stack near Jiuquan with a known answer, for tests, the benchmark and demos.

The grid is `ROWS` × `COLS` cells of 1 km in the equal-area CRS, centred on `CENTRE`. The first two rows are
"outside the province". Background GHI is 1300 kWh/m²/yr (below the 1400 default threshold); three blocks
stand out:

- A: rows 5–14, cols 5–14 (100 cells), GHI 1900, far from demand;
- B: rows 20–29, cols 35–49 (150 cells), GHI 1600, next to the demand point at (25, 52);
- C: rows 5–9, cols 40–44 (25 cells), GHI 1500.

A settlement (prefecture seat and county seat) sits at (35, 20), in the background. The left half of the
grid is 酒泉市 and the right half 嘉峪关市. Wind speed (m/s at 100 m) follows the same blocks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .criteria import Stack, distance_km
from .grid import Grid, project

ROWS, COLS = 40, 60
CENTRE = (98.5, 40.0)
BLOCKS = {"A": (slice(5, 15), slice(5, 15), 1900.0, 8.0),
          "B": (slice(20, 30), slice(35, 50), 1600.0, 7.0),
          "C": (slice(5, 10), slice(40, 45), 1500.0, 6.0)}
DEMAND_CELL = (25, 52)
TOWN_CELL = (35, 20)


def grid(rows: int = ROWS, cols: int = COLS, cell: float = 1000.0) -> Grid:
    """The synthetic grid: `rows` × `cols` cells of `cell` metres centred on `CENTRE`."""
    x, y = project(*CENTRE)
    x0 = float(np.floor(x / cell) * cell - cols // 2 * cell)
    y1 = float(np.floor(y / cell) * cell + rows // 2 * cell)
    return Grid.from_bounds(x0, y1 - rows * cell, x0 + cols * cell, y1, cell)


def block_mask(name: str, shape: tuple[int, int] = (ROWS, COLS)) -> np.ndarray:
    """Boolean grid of the cells of block `name`."""
    out = np.zeros(shape, bool)
    rows, cols, _, _ = BLOCKS[name]
    out[rows, cols] = True
    return out


def stack(tech: str = "pv", rows: int = ROWS, cols: int = COLS) -> Stack:
    """The synthetic stack for `tech` (blocks, demand point and settlement as in the module docstring)."""
    g = grid(rows, cols)
    inside = np.ones(g.shape, bool)
    inside[:2, :] = False
    ghi = np.full(g.shape, 1300.0, np.float32)
    wind = np.full(g.shape, 4.5, np.float32)
    for rs, cs, value, speed in BLOCKS.values():
        ghi[rs, cs] = value
        wind[rs, cs] = speed
    cx, cy = g.centres(*np.array([DEMAND_CELL, TOWN_CELL]).T)
    demand_km, nearest = distance_km(g, inside, cx[:1], cy[:1])
    town_km, _ = distance_km(g, inside, cx[1:], cy[1:])
    prefecture = np.zeros(g.shape, np.int16)
    prefecture[:, cols // 2:] = 1
    arrays = {"resource": ghi if tech == "pv" else wind, "elevation": np.full(g.shape, 1500.0, np.float32),
              "town": np.zeros(g.shape, np.float32)}
    st = Stack.from_arrays(tech, g, arrays, inside, units={"resource": "kWh/m²/yr" if tech == "pv" else "m/s",
                                                           "elevation": "m", "town": "km"},
                           prefecture=prefecture, elevation_m=np.full(g.shape, 1500.0),
                           resource_height_m=100.0 if tech == "wind" else None)
    # distances come as vectors over the inside cells already; put them in directly
    from .criteria import Layer
    st.layers["demand"] = Layer("demand", demand_km, "km", "synthetic demand point", "1 km")
    st.layers["town"] = Layer("town", town_km, "km", "synthetic settlement", "1 km")
    st.distances = {"seat": town_km, "town": town_km, "park": demand_km}
    st.nearest_demand = nearest
    st.demand = pd.DataFrame({"id": ["park_synthetic"], "name_zh": ["合成园区"], "name_en": ["Synthetic park"],
                              "layer": ["parks"], "kind": ["park"], "level": ["provincial"],
                              "prefecture": ["嘉峪关市"]})
    st.prefectures = ["酒泉市", "嘉峪关市"]
    st.prefectures_en = ["Jiuquan", "Jiayuguan"]
    st.notes = ["synthetic stack for tests"]
    return st
