"""Writes that two processes (gunicorn workers, a worker and the CLI) can make at once without colliding.

A file is written under a name no other writer uses, then renamed over the target with `os.replace`, which
is atomic on POSIX: a reader sees the old file or the new one, never half of either. Where two processes
may build the same expensive thing, `build_lock` lets one build while the other waits and then reuses it.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
