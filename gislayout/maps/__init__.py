"""The atlas map: folium/Leaflet rendering, its state and permalinks, basemaps, overlays and display data.

Nothing here imports Flask; `gislayout.web.pages` serves what this package renders.
"""

from .atlas import Options, Rendered, choices, clear_caches, context, render
from .overlays import catalogue as resource_catalogue
from .overlays import split as split_resources
from .state import AtlasState, parse

__all__ = ["AtlasState", "Options", "Rendered", "choices", "clear_caches", "context", "parse", "render",
           "resource_catalogue", "split_resources"]
