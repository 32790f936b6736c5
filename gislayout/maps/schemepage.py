"""What the scheme editor page (`/schemes/edit`) needs: its labels in both languages and its map set-up.

The page draws the atlas's own pieces, not copies: the offline shaded relief (`relief`), the prefectures'
display geometry the atlas fetches (`/atlas/geo/prefectures.json`) and the zone palette of the one symbology
spec (`static/common/symbols.js` reads it), so a zone has the colour on the editor that it gets in the atlas.
The schemes themselves come from `/api/schemes` in the browser; saving goes through `POST`/`PUT /api/schemes`,
whose validation (every prefecture in exactly one zone) is the only one: the page shows its message.
"""

from __future__ import annotations

from .. import printing, symbology
from ..bilingual import LANGS, pick
from ..store.schemes import SID
from . import i18n, relief

UI: dict[str, tuple[str, str]] = {
    "title": ("区域格局编辑", "Region scheme editor"),
    "help": ("先选择或新增一个区域，再在地图上点击市（州）将其划入该区域；再次点击则取消。每个市（州）须且仅须属于一个区域。",
             "Pick or add a zone, then click prefectures on the map to put them in it; click again to take one "
             "out. Every prefecture must be in exactly one zone."),
    "back": ("返回图集", "Back to the atlas"),
    "lang_switch": ("English", "中文"),
    "open": ("打开", "Open"),
    "open_new": ("新建空白格局", "New blank scheme"),
    "open_saved": ("（已保存，可编辑）", " (saved, editable)"),
    "open_file": ("（内置，另存为副本）", " (built in: save as a copy)"),
    "scheme_id": ("格局编号", "Scheme id"),
    "id_hint": ("小写字母、数字、-、_", "lower-case letters, digits, - and _"),
    "title_zh": ("中文名称", "Title (Chinese)"),
    "title_en": ("英文名称", "Title (English)"),
    "note": ("说明", "Note"),
    "zones": ("区域", "Zones"),
    "add_zone": ("新增区域", "Add zone"),
    "zone_id": ("编号", "Id"),
    "name_zh": ("中文名", "Name (Chinese)"),
    "name_en": ("英文名", "Name (English)"),
    "remove_zone": ("删除区域", "Remove zone"),
    "select_zone": ("选择此区域，再点击地图上的市（州）", "Select this zone, then click prefectures on the map"),
    "members": ("{n} 个市（州）", "prefectures: {n}"),
    "no_zones": ("尚无区域：请先新增一个。", "No zone yet: add one first."),
    "unassigned": ("未分配的市（州）：{n}", "Unassigned prefectures: {n}"),
    "all_assigned": ("所有市（州）均已分配。", "Every prefecture is in a zone."),
    "pick_zone_first": ("请先选择或新增一个区域。", "Select or add a zone first."),
    "save": ("保存", "Save"),
    "saving": ("保存中…", "Saving…"),
    "saved": ("已保存（第 {revision} 版）。", "Saved (revision {revision})."),
    "delete": ("删除此格局", "Delete this scheme"),
    "confirm_delete": ("确认删除？", "Really delete?"),
    "deleted": ("已删除。表单内容仍在，可另存为新格局。",
                "Deleted. The form keeps its contents and can be saved as a new scheme."),
    "load_current": ("载入服务器上的当前版本", "Load the server's current version"),
    "copy_of": ("{title}（副本）", "{title} (copy)"),
    "show_in_atlas": ("在图集中查看", "Show in the atlas"),
    "sign_in": ("登录后方可保存", "Sign in to save"),
    "signed_in_as": ("已登录：{user}", "Signed in: {user}"),
    "not_found": ("没有名为“{id}”的格局。", "No scheme “{id}”."),
    "error": ("出错：{message}", "Error: {message}"),
    "unsaved": ("未保存", "not saved"),
    "revision": ("第 {revision} 版，{author}", "revision {revision}, by {author}"),
    "load_failed": ("加载失败：{message}", "Failed to load: {message}"),
}


def strings(lang: str) -> dict[str, str]:
    """The editor's labels in `lang`."""
    return {key: pick(pair, lang) for key, pair in UI.items()}


def config_json(lang: str = "zh") -> dict:
    """The page's JSON config (without URLs): relief bounds and attribution (in `lang`), zone style, labels, id
    pattern."""
    (south, west), (north, east) = relief.BOUNDS
    spec = symbology.page_spec()
    return {
        "relief": {"bounds": [[south, west], [north, east]], "attribution": i18n.strings(lang)["credit_relief"]},
        "attribution": printing.boundary_attribution(lang),
        "symbology": {"zones": spec["zones"], "boundaries": spec["boundaries"]},
        "id_pattern": SID.pattern,  # a scheme or zone id, as the store checks it
        "strings": {lang: strings(lang) for lang in LANGS},
    }
