"""Folium elements of the atlas, every one loading its JS and CSS from our own `static/` folder.

Folium's defaults pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. The atlas needs only
Leaflet and two small plugins, vendored from the npm registry into `static/vendor/` (see its README),
so these subclasses swap the CDN links for local ones and drop what is not used.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.map import Layer
from folium.utilities import JsCode, remove_empty

#: Vendored assets, relative to the static URL prefix.
LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
FULLSCREEN_JS = "vendor/leaflet.fullscreen/Control.FullScreen.js"
FULLSCREEN_CSS = "vendor/leaflet.fullscreen/Control.FullScreen.css"
MINIMAP_JS = "vendor/leaflet-minimap/Control.MiniMap.min.js"
MINIMAP_CSS = "vendor/leaflet-minimap/Control.MiniMap.min.css"
CLUSTER_JS = "vendor/leaflet.markercluster/leaflet.markercluster.js"
CLUSTER_CSS = "vendor/leaflet.markercluster/MarkerCluster.css"


def _url(static: str, path: str) -> str:
    return static.rstrip("/") + "/" + path


def named(element, ident: str):
    """Give a folium element a stable JS variable name, so pages are reproducible and scripts can find it."""
    element._id = ident
    return element


class AtlasMap(folium.Map):
    """A folium Map that loads only Leaflet and Leaflet.markercluster (points sharing a place), from `static`."""

    def __init__(self, static: str, **kwargs):
        super().__init__(tiles=None, **kwargs)
        self.default_js = [("leaflet", _url(static, LEAFLET_JS)), ("leaflet_markercluster", _url(static, CLUSTER_JS))]
        self.default_css = [("leaflet_css", _url(static, LEAFLET_CSS)),
                            ("leaflet_markercluster_css", _url(static, CLUSTER_CSS))]


class UrlImageOverlay(folium.raster_layers.ImageOverlay):
    """An ImageOverlay of an image served by the app (folium would read a relative URL as a file path)."""

    def __init__(self, url: str, bounds, show: bool = True, **options):
        Layer.__init__(self, name=None, overlay=True, control=False, show=show)
        self._name = "ImageOverlay"
        self.url = url
        self.bounds = [list(bounds[0]), list(bounds[1])]
        self.pixelated = False
        self.options = remove_empty(**options)


class Fullscreen(JSCSSMixin, MacroElement):
    """The leaflet.fullscreen button; `element_id` names what goes full screen (the map and its panels)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control.fullscreen(
                {{ this.options|tojavascript }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, static: str, element_id: str, title: str, title_cancel: str):
        super().__init__()
        self._name = "Fullscreen"
        self.default_js = [("leaflet_fullscreen", _url(static, FULLSCREEN_JS))]
        self.default_css = [("leaflet_fullscreen_css", _url(static, FULLSCREEN_CSS))]
        self.options = {"position": "topleft", "title": title, "titleCancel": title_cancel,
                        "fullscreenElement": JsCode(f"document.getElementById({element_id!r})")}


class MiniMap(JSCSSMixin, MacroElement):
    """An overview map showing the offline relief image, so it needs no tiles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = new L.Control.MiniMap(
                L.imageOverlay({{ this.image_url|tojson }}, {{ this.bounds|tojson }}),
                {{ this.options|tojavascript }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, static: str, image_url: str, bounds, hide_text: str, show_text: str):
        super().__init__()
        self._name = "MiniMap"
        self.default_js = [("leaflet_minimap", _url(static, MINIMAP_JS))]
        self.default_css = [("leaflet_minimap_css", _url(static, MINIMAP_CSS))]
        self.image_url = image_url
        self.bounds = [list(bounds[0]), list(bounds[1])]
        self.options = {"position": "bottomright", "width": 170, "height": 130, "zoomLevelFixed": 4,
                        "toggleDisplay": True, "minimized": False, "centerFixed": False,
                        "aimingRectOptions": {"color": "#c0392b", "weight": 2, "fillOpacity": 0.05},
                        "strings": {"hideText": hide_text, "showText": show_text}}


class ScaleBar(MacroElement):
    """A metric scale bar."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control.scale(
                {"position": "bottomleft", "imperial": false, "maxWidth": 160}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ScaleBar"
