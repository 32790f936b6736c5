"""A fingerprint of files, and a small in-memory cache of serialised GeoJSON keyed by the data version.

The map asks for the same few layers over and over; serialising the county boundaries takes far longer than
serving cached bytes, so the encoded `features` array of each (layer, display, filters) is kept until the data
version moves (`gislayout.dataversion`) or the cache's size budget pushes it out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable

from .. import config, dataversion

#: Total bytes of GeoJSON kept in memory.
BUDGET_BYTES = 64_000_000


def fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of the names, sizes and modification times of `paths` (missing files count too)."""
    h = hashlib.sha256()
    for path in sorted(paths):
        try:
            st = path.stat()
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except FileNotFoundError:
            h.update(f"{path}:missing\n".encode())
    return h.hexdigest()[:16]


def data_files() -> list[Path]:
    """Every file the layers are built from: `layers/` (recursively) and the built boundaries."""
    s = config.settings()
    files = [p for p in s.layers_dir.rglob("*") if p.is_file()] if s.layers_dir.exists() else []
    return files + [s.build_dir / "boundaries.gpkg"]


def data_version() -> str:
    """The data version (`gislayout.dataversion.token`): it moves whenever a layer or an installed file changes."""
    return dataversion.token()


class BytesCache:
    """A thread-safe LRU of byte strings (each with a count) bounded by their total length."""

    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget = budget
        self._items: OrderedDict[tuple, tuple[bytes, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get_or_make(self, key: tuple, make: Callable[[], tuple[bytes, int]]) -> tuple[bytes, int]:
        """The cached (data, count) for `key`, made by `make()` on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._size += len(value[0])
            while self._size > self.budget and len(self._items) > 1:
                _, (data, _) = self._items.popitem(last=False)
                self._size -= len(data)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._size = 0
