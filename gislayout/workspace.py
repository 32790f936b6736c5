"""Select the version of the plan that a request (or a block of library code) reads its layers from.

`plan(vid, as_of)` checks the version exists and returns the `dataversion.Plan` to select: its revision is part
of every layer cache key, so an edit through any worker is seen by every worker on its next request, and
`as_of` (a change number or an ISO 8601 time) reads the version as it was then.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import geopandas as gpd

from . import dataversion, regions
from .errors import BadParameter, integer
from .store import baseline, db, features, versions
from .store.validation import EDITABLE


def parse_as_of(vid: str, value: str | int | None) -> int | None:
    """A change number from `value`: an integer, or an ISO 8601 time (the last change at or before it)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit():  # any script's digits: the one strict rule then refuses all but ASCII, quoting them
        return integer(text, "as_of (a change number)", 0, what_zh="修改序号")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise BadParameter(f"as_of must be a change number or an ISO 8601 time, got {text!r:.60}",
                           zh=f"“as_of”应为修改序号或 ISO 8601 时间，收到“{text:.60}”") from None
    return versions.change_at(vid, when if when.tzinfo else when.replace(tzinfo=timezone.utc))


def plan(vid: str, as_of: str | int | None = None) -> dataversion.Plan:
    """The selection of version `vid` (as of `as_of`), or NotFound / BadParameter."""
    revision = db.version_stamp(versions.check_id(vid))  # one query: the revision and the store's generation
    baseline.ensure()
    if revision is None:  # NotFound, or the baseline `ensure` has just loaded
        revision = versions.revision_of(vid)
    return dataversion.Plan(vid, revision, parse_as_of(vid, as_of))


def layer(name: str, from_files: Callable[[str], gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Layer `name` of the selected version with its zone columns, or `from_files(name)` when no version is
    selected or the layer is not one a version edits."""
    selected = dataversion.plan()
    if selected is None or name not in EDITABLE:
        return from_files(name)
    return _version_layer(name, selected)


@dataversion.cached(maxsize=64, parts=("layers", "boundaries"), plan_aware=False)  # the plan is an argument
def _version_layer(name: str, selected: dataversion.Plan) -> gpd.GeoDataFrame:
    return regions.zone_columns(features.layer_gdf(selected.id, name, selected.as_of))
