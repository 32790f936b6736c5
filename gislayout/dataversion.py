"""One data-version token, and the one cache decorator every derived cache uses.

The token is a fingerprint of the data a cache may depend on: of every file under the active `layers_dir`
(schemes included) and of what is installed in `build_dir` (the boundaries, the resource COGs with their
sidecars), each file by name, size, mtime_ns and inode (stat only, nothing is read); and of the plan store's
generation (`STAMPS`: one indexed read, bumped in the transaction of every write to the saved schemes). A
derived cache keyed on (settings, token, arguments) sees a change made by any process (another worker, the CLI,
an editor by hand) on its next call, so every worker gives the same answer with no restart and no message
between processes; the token is the same in every process for the same data (it names tiles and export files).

The files are not walked on every call. A process watches the folders with inotify (Linux) and keeps each
folder's fingerprint until the kernel reports an event in it: the check is then one non-blocking read of the
watch queue (the kernel queues an event within the system call that changes the file, so a request that begins
after an edit returned finds it) and one query of the store. Where inotify is missing (another OS, a filesystem
that does not report, the watch limit reached) or `GISLAYOUT_WATCH_FILES=0`, each check walks the folders, as
before. A file changed on another host through a network filesystem is not reported by inotify: set
`GISLAYOUT_WATCH_FILES=0` on such a deployment.

Inside a `scope()` (the web app opens one per request) the token is computed once and reused, so one request
answers from one version; outside a scope every call computes it afresh.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import os
import struct
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


def _digest(part: str, folder: Path) -> str:
    """The fingerprint of the files of `part` in `folder`, walked now."""
    _, recursive, keep = PARTS[part]
    h = hashlib.sha256(f"[{part}:{folder}]\n".encode())
    for entry in _entries(folder, recursive, keep):
        h.update(entry.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


# inotify(7): the constants of <sys/inotify.h>
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF = 0x400, 0x800
_IN_Q_OVERFLOW, _IN_IGNORED, _IN_ISDIR = 0x4000, 0x8000, 0x40000000
_IN_NONBLOCK, _IN_CLOEXEC, _IN_MASK_ADD = 0o4000, 0o2000000, 0x20000000
_NAMES = _IN_CREATE | _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO
_CONTENT = _NAMES | _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_DELETE_SELF | _IN_MOVE_SELF
_EVENT = struct.Struct("iIII")


class Watcher:
    """The fingerprints of watched folders, walked again only when inotify reports an event in them.

    A folder of a part is watched with its subfolders (for a recursive part) and its parent (for the folder's
    own creation, removal or replacement). Each watch has handlers: (key, what it reacts to). An event marks
    its keys dirty; `digest` walks a dirty or new key again, after (re-)arming its watches, so no change made
    after the walk began can be missed. Used from several threads under one lock; one per process.
    """

    def __init__(self, libc: ctypes.CDLL, fd: int):
        self._libc, self.fd = libc, fd
        self._lock = threading.Lock()
        self._handlers: dict[int, list[tuple[tuple[str, str], str | None]]] = {}
        self._digests: dict[tuple[str, str], str] = {}
        self._dirty: set[tuple[str, str]] = set()
        self._unwatched: set[tuple[str, str]] = set()
        #: folders walked (for tests and the benchmark: a steady state walks none)
        self.walks = 0

    @classmethod
    def start(cls) -> "Watcher | None":
        """A watcher on a new inotify instance, or None where inotify is not available."""
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        except (OSError, AttributeError):
            return None
        return cls(libc, fd) if fd >= 0 else None

    def close(self) -> None:
        os.close(self.fd)

    def _watch(self, path: Path, mask: int, key: tuple[str, str], name: str | None) -> bool:
        # MASK_ADD: one folder may be watched for several keys with several masks (one inotify watch per inode)
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(path), mask | _IN_MASK_ADD)
        if wd < 0:
            return False
        handlers = self._handlers.setdefault(wd, [])
        if (key, name) not in handlers:
            handlers.append((key, name))
        return True

    def _arm(self, key: tuple[str, str]) -> None:
        part, folder = key[0], Path(key[1])
        recursive = PARTS[part][1]
        # the parent reports the folder's creation, removal or replacement; a folder's own watch then follows
        armed = self._watch(folder.parent, _NAMES | _IN_DELETE_SELF | _IN_MOVE_SELF, key, folder.name)
        if armed and folder.is_dir():
            armed = self._watch(folder, _CONTENT, key, "")
            if recursive:
                for sub, dirs, _ in os.walk(folder, followlinks=True):
                    for d in dirs:
                        armed = armed and self._watch(Path(sub) / d, _CONTENT, key, "")
        if armed:
            self._unwatched.discard(key)
        else:  # the watch limit, or no parent: this folder is walked on every check
            self._unwatched.add(key)

    def _drain(self) -> None:
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(buf):
                wd, mask, _, length = _EVENT.unpack_from(buf, offset)
                raw = buf[offset + _EVENT.size: offset + _EVENT.size + length]
                offset += _EVENT.size + length
                if mask & _IN_Q_OVERFLOW:  # events were lost: every folder may have changed
                    self._dirty.update(self._digests)
                    continue
                name = os.fsdecode(raw.rstrip(b"\0"))
                for key, wanted in self._handlers.get(wd, ()):
                    if wanted == "" and name and not mask & _IN_ISDIR:  # a file in a watched folder
                        if PARTS[key[0]][2](name):
                            self._dirty.add(key)
                    elif wanted == "" or mask & (_IN_DELETE_SELF | _IN_MOVE_SELF | _IN_IGNORED):
                        if name == "" or PARTS[key[0]][1]:  # the folder itself, or a subfolder of a tree
                            self._dirty.add(key)
                    elif name == wanted:  # the watched folder created, removed or renamed in its parent
                        self._dirty.add(key)
                if mask & _IN_IGNORED:
                    self._handlers.pop(wd, None)

    def digests(self, folders: list[tuple[str, Path]]) -> list[str]:
        """The fingerprint of each (part, folder): remembered until an event in it, then walked again."""
        out = []
        with self._lock:
            self._drain()
            for part, folder in folders:
                key = (part, str(folder))
                if key in self._dirty or key in self._unwatched or key not in self._digests:
                    self._dirty.discard(key)
                    self._arm(key)
                    self.walks += 1
                    self._digests[key] = _digest(part, folder)
                out.append(self._digests[key])
        return out


_WATCHER: list[Watcher | None] = []
_WATCHER_LOCK = threading.Lock()


def watcher() -> Watcher | None:
    """This process's watcher (started on first use), or None when files are walked on every check."""
    if not _WATCHER:
        with _WATCHER_LOCK:
            if not _WATCHER:
                wanted = os.environ.get("GISLAYOUT_WATCH_FILES", "1").strip().lower() not in ("0", "false", "no")
                _WATCHER.append(Watcher.start() if wanted else None)
    return _WATCHER[0]


def _forget_watcher() -> None:  # a forked child must not read its parent's queue
    if _WATCHER and _WATCHER[0] is not None:
        _WATCHER[0].close()
    _WATCHER.clear()


os.register_at_fork(after_in_child=_forget_watcher)


def _digests(s: config.Settings, parts: tuple[str, ...]) -> list[str]:
    """The fingerprint of each part's folder: once per `scope()` (one read of the watch queue for all the parts
    a request asks for first), else now."""
    memo = _MEMO.get()
    if memo is None:
        return _walk(s, parts)
    missing = [part for part in parts if ("digest", s, part) not in memo]
    if missing and watcher() is not None:  # every part at once: a look-up each, after one read of the queue
        missing = [part for part in ALL if ("digest", s, part) not in memo]
    if missing:
        for part, digest in zip(missing, _walk(s, tuple(missing))):
            memo[("digest", s, part)] = digest
    return [memo[("digest", s, part)] for part in parts]


def _walk(s: config.Settings, parts: tuple[str, ...]) -> list[str]:
    folders = [(part, PARTS[part][0](s)) for part in parts]
    w = watcher()
    return [_digest(*f) for f in folders] if w is None else w.digests(folders)


def compute(settings: config.Settings | None = None, parts: tuple[str, ...] = ALL) -> str:
    """The fingerprint of `parts` of the data of `settings` (default: the current settings), as of now (as of
    the scope's first look, inside a `scope()`)."""
    s = settings or config.settings()
    h = hashlib.sha256("".join(_digests(s, parts)).encode())
    for part in parts:
        if STAMPS.get(part):
            with config.use(s):
                for stamp in STAMPS[part]:
                    h.update(f"[{stamp()}]".encode())
    return h.hexdigest()[:20]


def once(key: object, fn: Callable[[], T]) -> T:
    """`fn()`, computed once per `scope()` for `key` (each call outside a scope): e.g. one query of the store per
    request, however many tokens the request needs."""
    memo = _MEMO.get()
    if memo is None:
        return fn()
    key = ("once", key)
    if key not in memo:
        memo[key] = fn()
    return memo[key]


def remember(key: object, value: object) -> None:
    """Make `value` the answer of `once(key, …)` for the rest of this scope (nothing outside a scope)."""
    memo = _MEMO.get()
    if memo is not None:
        memo[("once", key)] = value


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
            if _MEMO.get() is None:  # the value and its key from one version
                with scope():
                    return wrapper(*args, **kwargs)
            key = (config.settings(), token(parts, plan_aware), args,
                   tuple(sorted(kwargs.items())) if kwargs else ())
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
