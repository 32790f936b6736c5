"""The browser scripts in static/ (bar the vendored libraries) pass ESLint with the repo's eslint.config.js.

ESLint comes from npm, pinned in package.json / package-lock.json: run `npm ci` at the repo root first.
Without it this test fails rather than skips, so CI cannot pass without linting.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def test_static_scripts_pass_eslint():
    assert shutil.which("node"), "ESLint needs Node.js (node >= 18.18, which Debian 12 ships) on the PATH"
    assert ESLINT.exists(), f"{ESLINT} is missing: run `npm ci` in {ROOT} to install the pinned ESLint"
    result = subprocess.run([str(ESLINT), "--max-warnings", "0", "static", "eslint.config.js"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_eslint_sees_the_shared_module_and_skips_vendor():
    result = subprocess.run([str(ESLINT), "--print-config", "static/common/core.js"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    ignored = subprocess.run([str(ESLINT), "static/vendor/leaflet/leaflet.js"], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    assert "ignored" in (ignored.stdout + ignored.stderr).lower()
