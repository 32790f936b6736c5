"""The atlas page: a folium map for one `AtlasState`, plus the JSON the page script builds the rest from.

Folium renders what belongs to the map itself (Leaflet, basemaps, resource overlays, scale, full screen,
minimap). Boundaries and layout points are not inlined: the page script fetches them, compact and
gzipped, and does the filtering, list, legends, language and permalink in the browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium

from .. import boundaries, config, dataversion, layers, regions, schema, symbology
from ..store.validation import EDITABLE
from . import basemaps, contextlayers, geodata, i18n, overlays, relief
from .elements import AtlasMap, Fullscreen, MiniMap, ScaleBar, named
from .state import ZOOM_RANGE, AtlasState, Choices

#: On the map itself; the full attribution (config.BOUNDARY_ATTRIBUTION) is in the side panel.
BOUNDARIES_SHORT = i18n.credit("credit_boundaries")
#: The ground layers' attribution in the map's corner while they are shown (layer metadata has the full text).
GROUND_SHORT = {"plants": "WRI GPPD (CC BY 4.0)", "cdm_projects": "UNFCCC CDM", "mines": "ICMM (CC BY 4.0)",
                "substations": i18n.credit("credit_osm"), "published_figures": i18n.credit("credit_published"),
                "footprints": "UNFCCC CDM", "zones_after_2010": i18n.credit("credit_after_2010")}
#: The id of the element that holds the map and its panels (what goes full screen).
ROOT_ID = "atlas"


@dataclass(frozen=True)
class Options:
    """Where things are served: URL prefixes and templates (`__name__` stands for a layer or resource)."""

    static: str = "/static"
    relief: str = "/atlas/relief.jpg"
    geo: str = "/atlas/geo/__name__.json"
    context: str = "/atlas/context/__name__.json"
    layer: str = "/api/layers/__name__"
    overlay: str = "/api/resources/__name__/tiles/{z}/{x}/{y}.png"
    tianditu_key: str = ""
    #: Links to the app's other pages: (label key in i18n.UI, URL).
    nav: tuple[tuple[str, str], ...] = ()
    #: Accounts, when the app has them: who is signed in (JSON), the sign-in page, sign-out; "" = no accounts.
    me: str = ""
    login: str = ""
    logout: str = ""
    #: The scheme editor page, linked from the scheme control ("" when the app has none).
    scheme_editor: str = ""


@dataclass(frozen=True)
class Rendered:
    """The pieces of a page: folium's header, body and script, and the page script's JSON config."""

    header: str
    html: str
    script: str
    config: dict
    lang: str
    title: str


@dataversion.cached(maxsize=2)
def context() -> dict:
    """Everything the page needs that does not depend on the view: catalogue, vocabularies, names, strings."""
    prefectures = layers.load("prefectures")
    counties = boundaries.load("county")
    return {
        "catalogue": [{k: c[k] for k in ("name", "title_zh", "title_en", "geometry_type", "count", "source",
                                         "group", "filters")} for c in layers.catalogue()],
        "schemes": [{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "source": s.source,
                     "note": s.note, "zones": [{"id": z.id, "name_zh": z.name_zh, "name_en": z.name_en,
                                                "members": list(z.members)} for z in s.zones]}
                    for s in regions.schemes().values()],
        "sectors": layers.sectors().fillna("").to_dict(orient="records"),
        "prefectures": [{"name_zh": r.name_zh, "name_en": r.name_en, "lat": r.seat_lat, "lon": r.seat_lon}
                        for r in prefectures.itertuples()],
        "counties": [{"name_zh": r.name_zh, "name_en": r.name_en, "prefecture": r.prefecture, "lat": r.seat_lat,
                      "lon": r.seat_lon} for r in counties.itertuples()],
        "kinds": {name: list(schema.KINDS[name]) for name in layers.POINT_LAYERS},
        "levels": list(schema.LEVELS),
        # the version editor's form offers only the location bases a precision allows, as the schema checks
        "edit": {"precisions": list(schema.PRECISIONS), "bases": {p: list(b) for p, b in schema.BASES.items()}},
        "vocab": i18n.vocabularies(),
        "strings": i18n.both(),
        "basemaps": basemaps.describe(),
        "attribution": {"boundaries": config.BOUNDARY_ATTRIBUTION, "relief": relief.ATTRIBUTION,
                        "boundaries_short": BOUNDARIES_SHORT, "ground": GROUND_SHORT},
        "context_layers": contextlayers.describe(),
        "citation": config.POLICY_CITATION,
        "symbology": symbology.page_spec(),
        # the zones set up after the 2010 policy, searchable by name before their layer is switched on
        "after_2010": [{"id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "lat": r.lat, "lon": r.lon,
                        "approved": r.approved, "approval_doc": r.approval_doc}
                       for r in layers.load("zones_after_2010").itertuples()],
    }


@dataversion.cached(maxsize=8)
def choices(overlay_names: tuple[str, ...] = ()) -> Choices:
    """The values a state may hold, from the data and the installed resource overlays."""
    ctx = context()
    point = [c for c in ctx["catalogue"] if c["group"] != "boundaries"]
    return Choices(
        schemes={s["id"]: tuple(z["id"] for z in s["zones"]) for s in ctx["schemes"]},
        sectors=tuple(s["code"] for s in ctx["sectors"]),
        levels=tuple(ctx["levels"]),
        kinds=tuple(k for name in layers.POINT_LAYERS for k in ctx["kinds"][name]),
        prefectures=tuple(p["name_zh"] for p in ctx["prefectures"]),
        layers=tuple(c["name"] for c in ctx["catalogue"] if c["group"] == "boundaries") + tuple(
            c["name"] for c in point) + contextlayers.LAYERS,
        bases=basemaps.IDS,
        overlays=overlay_names,
    )


def build_map(state: AtlasState, options: Options, resources: list[dict]) -> tuple[folium.Map, dict]:
    """The folium map of `state` and the JS variable names of its basemaps and overlays."""
    strings = i18n.strings(state.lang)
    m = named(AtlasMap(options.static, location=list(state.centre), zoom_start=state.zoom, min_zoom=3,
                       max_zoom=18, width="100%", height="100%"), "atlas")
    named(folium.map.CustomPane("resources", z_index=350, pointer_events=False), "resources").add_to(m)
    base_vars = basemaps.add_to(m, state.base, options.relief, options.tianditu_key)
    shown, _ = overlays.split(resources)
    overlay_vars = overlays.add_to(m, shown, options.overlay, state.layers, dict(state.opacity))
    named(ScaleBar(), "scale").add_to(m)
    fullscreen = named(Fullscreen(options.static, ROOT_ID, strings["fullscreen"], strings["exit_fullscreen"]),
                       "fullscreen")
    fullscreen.add_to(m)
    minimap = named(MiniMap(options.static, options.relief, relief.BOUNDS, strings["minimap_hide"],
                            strings["minimap_show"]), "minimap")
    minimap.add_to(m)
    return m, {"map": m.get_name(), "basemaps": base_vars, "overlays": overlay_vars,
               "fullscreen": fullscreen.get_name(), "minimap": minimap.get_name()}


def render(state: AtlasState, options: Options, resources_json: str = "[]") -> Rendered:
    """Render the map of `state` and assemble the page config; `resources_json` is the resource catalogue."""
    resources = json.loads(resources_json)
    m, variables = build_map(state, options, resources)
    root = m.get_root()
    root.render()
    shown, notices = overlays.split(resources)
    config_json = {
        **context(),
        "state": state.to_json(),
        "defaults": AtlasState().to_json(),
        "vars": variables,
        "urls": {"geo": options.geo, "context": options.context, "layer": options.layer, "overlay": options.overlay,
                 "relief": options.relief, "scheme_editor": options.scheme_editor, "me": options.me,
                 "login": options.login, "logout": options.logout},
        "editable": list(EDITABLE),  # the layers a version of the plan holds (the rest are the same in all)
        "tianditu": bool(options.tianditu_key),
        "resources": {"overlays": [overlays.page_fields(o) for o in shown], "notices": notices},
        "root_id": ROOT_ID,
        "zoom_range": list(ZOOM_RANGE),
        "nav": [{"key": key, "url": url} for key, url in options.nav],
    }
    return Rendered(root.header.render(), root.html.render(), root.script.render(), config_json, state.lang,
                    i18n.strings(state.lang)["title"])


def clear_caches() -> None:
    """Forget cached context and geometry (tests of a cold start; a data change needs no call)."""
    context.cache_clear()
    choices.cache_clear()
    overlays.forget()
    geodata.payload.cache_clear()
