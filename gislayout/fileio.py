"""Writes that two processes (gunicorn workers, a worker and the CLI) can make at once without colliding.

A file is written under a name no other writer uses, then renamed over the target with `os.replace`, which
is atomic on POSIX: a reader sees the old file or the new one, never half of either. Where two processes
may build the same expensive thing, `build_lock` lets one build while the other waits and then reuses it.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from .errors import BadParameter, NotFound


def temp_path(target: Path) -> Path:
    """A fresh name beside `target` (same folder, so the final rename is atomic); the file is not created.

    It keeps `target`'s suffix, so writers that pick a format by extension (GDAL) still do.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.stem}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp{target.suffix}")


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` atomically, on error it is removed."""
    tmp = temp_path(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    """Write `data` to `target` atomically."""
    with replacing(target) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 `text` to `target` atomically."""
    return write_bytes(target, text.encode("utf-8"))


@contextmanager
def build_lock(target: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold the inter-process lock `<target>.lock` (filelock) while building `target`."""
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.with_name(target.name + ".lock")), timeout=timeout):
        yield


#: The id of a content-addressed upload: the first 16 hex digits of the SHA-256 of its text.
STORED_ID = re.compile(r"^[0-9a-f]{16}$")


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # evicted meanwhile by another process: it is going anyway
        return float("-inf")


def store_text(folder: Path, text: str, keep: int, suffix: str = ".geojson") -> str:
    """Keep `text` in `folder` under its content id (marked used if already there); return the id.

    Beyond `keep` files the least recently used are dropped: every use touches its file, so a set in daily use
    stays whatever its age, and any worker on any machine sharing the folder sees the same sets.
    """
    ident = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = folder / f"{ident}{suffix}"
    try:
        os.utime(path)
    except FileNotFoundError:
        write_text(path, text)
    stored = sorted(folder.glob(f"*{suffix}"), key=_last_used)
    for old in stored[:max(0, len(stored) - keep)]:
        old.unlink(missing_ok=True)
    return ident


#: The stored things `use_stored` names, in Chinese.
_NOUN_ZH = {"exclusion set": "排除区", "grid": "电网"}


def use_stored(folder: Path, ident: str, what: str, noun: str, hint: str, suffix: str = ".geojson") -> Path:
    """The file of stored `ident` in `folder`, marked as used now.

    Raises BadParameter ("<what> id … is not 16 hex digits") for a malformed id, NotFound ("no uploaded <noun> …;
    <hint>") when it is not (or no longer) stored.
    """

    noun_zh = _NOUN_ZH.get(noun, noun)
    if not STORED_ID.match(ident):
        raise BadParameter(f"{what} id {ident!r} is not 16 hex digits",
                           zh=f"{noun_zh}编号“{ident}”不是 16 位十六进制数")
    path = folder / f"{ident}{suffix}"
    try:
        os.utime(path)
    except FileNotFoundError:
        raise NotFound(f"no uploaded {noun} {ident!r}; {hint}",
                       zh=f"没有编号为“{ident}”的已上传{noun_zh}（可能已被清理）；请重新上传") from None
    return path
