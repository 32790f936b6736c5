"""One data-version token, and the one cache decorator every derived cache uses.

The token is a fingerprint (name, size, mtime_ns, inode; stat only, nothing is read) of every file under the
active `layers_dir` (schemes included) and of what is installed in `build_dir`: the boundaries and the resource
COGs with their sidecars. A derived cache keyed on (settings, token, arguments) sees a change made by any
process (another worker, the CLI, an editor) on its next call, so every worker gives the same answer with no
restart and no message between processes.

Inside a `scope()` (the web app opens one per request) the token is computed once and reused, so one request
answers from one version; outside a scope every call computes it afresh.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, TypeVar

from . import config

T = TypeVar("T")
_MEMO: ContextVar[dict | None] = ContextVar("gislayout_dataversion", default=None)


class Plan(NamedTuple):
    """A version of the plan from the store that the layers are read from instead of `layers/` files."""

    id: str
    revision: int
    as_of: int | None = None


_PLAN: ContextVar[Plan | None] = ContextVar("gislayout_plan", default=None)


def plan() -> Plan | None:
    """The version of the plan selected in this context (`select_plan`), or None for the curated files."""
    return _PLAN.get()


@contextmanager
def select_plan(value: Plan | None) -> Iterator[Plan | None]:
    """Read the editable layers from version `value` of the store in this block (None: from `layers/`)."""
    handle = _PLAN.set(value)
    try:
        yield value
    finally:
        _PLAN.reset(handle)


def open_plan(value: Plan | None) -> Token:
    """`select_plan` without a block (the web app's per-request hooks); end with `close_plan`."""
    return _PLAN.set(value)


def close_plan(handle: Token) -> None:
    """End what `open_plan` started."""
    _PLAN.reset(handle)


def _entries(folder: Path | str, recursive: bool, keep: Callable[[str], bool], prefix: str = "") -> Iterator[str]:
    """`relative-name:size:mtime_ns:inode` of each file kept, in a stable order; nothing for a missing folder."""
    try:
        with os.scandir(folder) as it:
            found = sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in found:
        try:
            if entry.is_dir():
                if recursive:
                    yield from _entries(entry.path, True, keep, f"{prefix}{entry.name}/")
                continue
            if not keep(entry.name):
                continue
            st = entry.stat()
        except FileNotFoundError:  # removed while we looked: the next call sees the folder as it is then
            continue
        yield f"{prefix}{entry.name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _installed(name: str) -> bool:
    # temporary files of an install in progress are not data yet; the rename that finishes it is
    return name.endswith((".tif", ".json")) and ".tmp" not in name


#: The parts of the data a cache may depend on: (folder under the settings, recursive, which files).
PARTS: dict[str, tuple[Callable[[config.Settings], Path], bool, Callable[[str], bool]]] = {
    "layers": (lambda s: s.layers_dir, True, lambda name: True),
    "boundaries": (lambda s: s.build_dir, False, lambda name: name == "boundaries.gpkg"),
    "resources": (lambda s: s.build_dir / "resources", False, _installed),
}
ALL = tuple(PARTS)


#: Data of a part that lives in a database rather than files: part → functions returning a fingerprint of it
#: (the plan store registers its saved region schemes under "layers").
STAMPS: dict[str, list[Callable[[], str]]] = {}


def register_stamp(part: str, stamp: Callable[[], str]) -> None:
    """Make `stamp()` part of the fingerprint of `part`."""
    STAMPS.setdefault(part, []).append(stamp)


def compute(settings: config.Settings | None = None, parts: tuple[str, ...] = ALL) -> str:
    """The fingerprint of `parts` of the data of `settings` (default: the current settings), computed now."""
    s = settings or config.settings()
    h = hashlib.sha256()
    for part in parts:
        folder_of, recursive, keep = PARTS[part]
        folder = folder_of(s)
        h.update(f"[{part}:{folder}]\n".encode())
        for entry in _entries(folder, recursive, keep):
            h.update(entry.encode("utf-8", "surrogateescape") + b"\n")
        if STAMPS.get(part):
            with config.use(s):
                for stamp in STAMPS[part]:
                    h.update(f"[{stamp()}]".encode())
    return h.hexdigest()[:20]


def token(parts: tuple[str, ...] = ALL, plan_aware: bool = True) -> str:
    """The data version of the current settings: once per `scope()`, else computed on each call. With a version of
    the plan selected, a token that covers `layers` names that version and its revision too (unless not
    `plan_aware`: for what is read from the files whatever version is selected)."""
    memo = _MEMO.get()
    selected = plan() if "layers" in parts and plan_aware else None
    suffix = "" if selected is None else f"|plan:{selected.id}:{selected.revision}:{selected.as_of}"
    if memo is None:
        return compute(parts=parts) + suffix
    key = (config.settings(), parts)
    if key not in memo:
        memo[key] = compute(*key)
    return memo[key] + suffix


def open_scope() -> Token | None:
    """Start memoising the token in this context (None if a scope is already open); end with `close_scope`."""
    return None if _MEMO.get() is not None else _MEMO.set({})


def close_scope(handle: Token | None) -> None:
    """End the scope `open_scope` returned (nothing for None)."""
    if handle is not None:
        _MEMO.reset(handle)


@contextmanager
def scope() -> Iterator[None]:
    """A block that sees one data version (nested scopes share the outer one)."""
    handle = open_scope()
    try:
        yield
    finally:
        close_scope(handle)


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


def cached(maxsize: int = 32, parts: tuple[str, ...] = ALL,
           plan_aware: bool = True) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a function of the data on (settings, data version, arguments), least recently used out first.

    `parts` narrows the version to what the function reads (e.g. `("layers", "boundaries")`), so that
    installing a raster does not rebuild what does not depend on rasters. `plan_aware=False` is for functions
    that read `layers/` files only, never a version of the plan from the store (the files' schemas, vocabularies,
    the layers no version edits): selecting a version does not make them compute again. The value is computed inside a
    `scope()`, so it is made from the very version it is stored under, and the functions it calls see that
    version too. Exceptions are not cached. Arguments must be hashable.
    """
    for part in parts:
        if part not in PARTS:
            raise ValueError(f"unknown data part {part!r}; known: {', '.join(PARTS)}")

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        items: OrderedDict[tuple, T] = OrderedDict()
        lock = threading.Lock()
        counts = [0, 0]

        @functools.wraps(fn)
        def wrapper(*args, **kwargs) -> T:
            with scope():
                key = (config.settings(), token(parts, plan_aware), args, tuple(sorted(kwargs.items())))
                with lock:
                    if key in items:
                        items.move_to_end(key)
                        counts[0] += 1
                        return items[key]
                    counts[1] += 1
                value = fn(*args, **kwargs)
                with lock:
                    items[key] = value
                    items.move_to_end(key)
                    while len(items) > maxsize:
                        items.popitem(last=False)
                return value

        def cache_clear() -> None:
            """Forget every value (a cold start for tests and benchmarks; never needed for correctness)."""
            with lock:
                items.clear()
                counts[:] = [0, 0]

        def cache_info() -> CacheInfo:
            """Hits, misses and size, as `functools.lru_cache` reports them."""
            with lock:
                return CacheInfo(counts[0], counts[1], maxsize, len(items))

        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        return wrapper
    return decorate
