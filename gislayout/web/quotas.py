"""Per-owner quotas of stored uploads (exclusion sets, grids): a signed-in user keeps at most
`UPLOAD_QUOTA_USER` of each kind, an anonymous client address `UPLOAD_QUOTA_ANONYMOUS`.

Before a new upload is stored, the owner's own oldest uploads beyond their quota are removed, so the shared
store (least recently used beyond `MAX_EXCLUSION_SETS`) never has to evict someone else's permalink to make
room for a flood from one owner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from flask import current_app, request

from ..store import quotas
from . import auth

DEFAULTS = {"UPLOAD_QUOTA_ANONYMOUS": 20, "UPLOAD_QUOTA_USER": 100}


def owner() -> tuple[str, int]:
    """Who is storing an upload ('user:NAME' or 'addr:IP') and how many of each kind they may keep."""
    user = auth.current_user()
    cfg = current_app.config
    if user is not None:
        return f"user:{user['name']}", int(cfg.get("UPLOAD_QUOTA_USER", DEFAULTS["UPLOAD_QUOTA_USER"]))
    return (f"addr:{request.remote_addr or 'unknown'}",
            int(cfg.get("UPLOAD_QUOTA_ANONYMOUS", DEFAULTS["UPLOAD_QUOTA_ANONYMOUS"])))


def store(kind: str, folder: Path, save: Callable[[], str], suffix: str = ".geojson") -> str:
    """Run `save()` (which stores an upload of `kind` in `folder` and returns its id) within the owner's quota."""
    who, keep = owner()
    mine = quotas.items(who, kind)
    gone = [i for i in mine if not (folder / f"{i}{suffix}").exists()]  # evicted or removed meanwhile
    live = [i for i in mine if i not in gone]
    drop = live[:max(0, len(live) - (keep - 1))]
    for item in drop:
        (folder / f"{item}{suffix}").unlink(missing_ok=True)
    quotas.forget(kind, gone + drop)
    ident = save()
    quotas.record(who, kind, ident)
    return ident
