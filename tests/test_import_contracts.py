"""The house's import layers (pyproject `[tool.importlinter]`): every arrow points down and no package's modules
import each other in a circle; imports of the package's own modules stay at module top."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Function-level imports of gislayout's own modules that may remain (`from . import x` counts too): one CLI
#: command's module (the downloader, a second to import) and the surface's palette, which keeps `analysis.surface` free of pandas
#: (test_lazy_imports).
#: This number may only go down.
MAX_FUNCTION_LEVEL_IMPORTS = 2


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})  # this checkout's gislayout
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_a_new_cycle_breaks_the_contract(tmp_path):
    """The contracts bite: a copy of the package in which `errors` imports `web` is reported broken."""
    import shutil
    shutil.copytree(ROOT / "gislayout", tmp_path / "gislayout")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "gislayout" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nfrom . import web  # noqa\n", encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert out.returncode != 0
    assert "gislayout.errors -> gislayout.web" in out.stdout, out.stdout[-4000:]


def test_own_modules_are_imported_at_module_top():
    nested = re.compile(r"^\s+(from (gislayout\b|\.)[\w.]* import|import gislayout\b)")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "gislayout").rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if nested.match(line)]
    assert len(found) <= MAX_FUNCTION_LEVEL_IMPORTS, found
    allowed = ("gislayout/web/resources_cli.py", "gislayout/analysis/surface.py")
    assert all(f.startswith(allowed) for f in found), found
