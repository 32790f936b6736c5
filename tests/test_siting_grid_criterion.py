"""Distance to the grid as a siting criterion (`t_grid`, `w_grid`) on the real PV stack (offline GHI estimate).

The threshold is checked against the zones' reported grid_km and against a brute-force distance from cell centres
to the substations read from layers/substations.csv and projected with pyproj, independently of the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from gislayout import config
from gislayout.analysis import connection, criteria, model, service

from .fixtures.resources import synth

ROOT = config.settings().layers_dir


@pytest.fixture(scope="module")
def pv():
    with synth.use_build_dir(synth.session_build_dir()):
        stack = criteria.build("pv")
        yield stack, service.run(stack, service.parse(stack, {}), polygons=False, top=0)


def brute_km(stack, cells, kv=330):
    subs = pd.read_csv(ROOT / "substations.csv")
    subs = subs[subs["max_voltage_kv"] >= kv]
    sx, sy = Transformer.from_crs("EPSG:4326", stack.grid.crs, always_xy=True).transform(
        subs["lon"].to_numpy(), subs["lat"].to_numpy())
    cx, cy = stack.grid.centres(stack.rows[cells], stack.cols[cells])
    return (np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :]) / 1000.0).min(axis=1)


def test_defaults_leave_the_criterion_off(pv):
    _, base = pv
    assert base.params["t_grid"] is None and base.params["w_grid"] == 0
    assert "grid" not in base.surface.weights and "grid" not in base.surface.failed


def test_threshold_keeps_only_zones_within_that_distance(pv):
    stack, base = pv
    limit = 25.0
    run = service.run(stack, service.parse(stack, {"t_grid": str(limit)}), polygons=False, top=0)
    km = run.economics["grid_km"].to_numpy(float)
    assert len(km) and np.all(km <= limit)
    assert np.nanmax(base.economics["grid_km"]) > limit  # the threshold did remove something
    assert run.surface.failed["grid"] > 0
    assert np.count_nonzero(run.surface.suitable) < np.count_nonzero(base.surface.suitable)
    # every suitable cell is within the limit by an independent distance (up to the cell-centre rounding)
    cells = np.flatnonzero(run.surface.suitable)
    sample = cells[np.linspace(0, cells.size - 1, 40).astype(int)]
    assert np.all(brute_km(stack, sample) <= limit + 0.75)
    # and cells removed only by it are beyond it
    dropped = np.flatnonzero(base.surface.suitable & ~run.surface.suitable)
    sample = dropped[np.linspace(0, dropped.size - 1, 40).astype(int)]
    assert np.all(brute_km(stack, sample) > limit - 0.75)


def test_threshold_follows_grid_kv(pv):
    stack, _ = pv
    low = connection.field(stack, 110.0).km
    high = connection.field(stack, 750.0).km
    run = service.run(stack, service.parse(stack, {"t_grid": "30", "grid_kv": "750"}), polygons=False, top=0)
    assert np.all(high[run.surface.suitable] <= 30)
    assert np.all(run.economics["grid_km"].to_numpy(float) <= 30)
    assert np.nanmean(low) < np.nanmean(high)


def test_weight_favours_cells_nearer_the_grid(pv):
    stack, base = pv
    run = service.run(stack, service.parse(stack, {"w_grid": "1"}), polygons=False, top=0)
    km = connection.field(stack, 330.0).km
    assert run.surface.weights["grid"] == pytest.approx(1 / 2)  # the other weights sum to 1
    both = base.surface.suitable & run.surface.suitable
    gain = run.surface.score[both] - base.surface.score[both]
    # closer cells gain score: the gain falls with distance
    assert np.corrcoef(gain, km[both])[0, 1] < -0.5
    top0 = np.argsort(-np.nan_to_num(base.surface.score, nan=-1))[:2000]
    top1 = np.argsort(-np.nan_to_num(run.surface.score, nan=-1))[:2000]
    assert km[top1].mean() < km[top0].mean()
    assert run.economics["grid_km"].iloc[:20].mean() < base.economics["grid_km"].iloc[:20].mean()


def test_params_and_summary_document_it(pv, client, monkeypatch):
    stack, _ = pv
    monkeypatch.setattr(service, "stack", lambda tech: stack)
    info = client.get("/api/siting/params").json["pv"]
    assert info["limits"]["t_grid"] == [0.0, 5000.0] and "grid_kv" in info["docs"]["t_grid"]
    assert info["defaults"]["w_grid"] == 0 and info["defaults"]["t_grid"] is None
    grid = next(c for c in info["criteria"] if c["key"] == "grid")
    assert grid["units"] == "km" and grid["threshold"] == "max" and grid["better"] == "low"
    body = client.get("/api/siting/run?tech=pv&t_grid=20&w_grid=0.5&top=3").json
    assert body["changed"] == {"t_grid": 20.0, "w_grid": 0.5, "top": 3}
    assert all(row["grid_km"] <= 20 for row in body["table"])
    assert "grid" in body["weights_used"]
    with pytest.raises(Exception, match="t_grid"):
        model.parse("pv", {"t_grid": "-1"})
