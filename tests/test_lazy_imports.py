"""Importing the siting model stays cheap: pvlib, windpowerlib, scipy, pandas and matplotlib load on first use."""

import subprocess
import sys
from pathlib import Path

import pytest

from gislayout.analysis import energy

HEAVY = ("pvlib", "windpowerlib", "scipy", "pandas", "matplotlib")


@pytest.mark.parametrize("module", ["gislayout.analysis.model", "gislayout.analysis.surface"])
def test_import_loads_no_heavy_package(module):
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)  # this checkout's gislayout
    assert out.stdout.strip() == ""


def test_written_out_performance_ratio_is_pvlibs():
    assert energy.PV_PERFORMANCE_RATIO == round(energy.pv_performance_ratio(), 3)
