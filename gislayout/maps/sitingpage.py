"""What the stand-alone `/siting` page needs to draw the atlas's basemap and map context around the panel.

The page reuses the atlas's own pieces rather than copies: the offline shaded relief (`relief`), the context
layers of `static/atlas/context.js` (`contextlayers.describe()`), their style from the one symbology spec, and
the atlas's labels for them. `static/siting/standalone.js` feeds these to context.js.
"""

from __future__ import annotations

from .. import symbology
from . import contextlayers, i18n, relief

#: The atlas labels the stand-alone page's layer control uses.
LABELS = ("base_relief", "group_context", "ctx_places", "ctx_rivers", "ctx_railway_stations", "ctx_zoom",
          "load_failed")


def config() -> dict:
    """The page's map config (JSON-ready): relief bounds and attribution, context layers, their style, labels."""
    (south, west), (north, east) = relief.BOUNDS
    return {
        "relief": {"bounds": [[south, west], [north, east]], "attribution": i18n.credit("credit_relief")},
        "context_layers": contextlayers.describe(),
        "context_style": symbology.page_spec()["context"],
        "strings": {lang: {k: i18n.strings(lang)[k] for k in LABELS} for lang in ("zh", "en")},
    }
