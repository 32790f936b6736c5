"""Every label of the atlas in Chinese (the default) and English.

Layer, sector, scheme and zone names come with the data, and the vocabularies of the codes the data files use
with `gislayout.bilingual`; this module holds the rest: the interface.
"""

from __future__ import annotations

from .. import config
from ..bilingual import DEFAULT_LANG, LANGS, VOCAB, pick  # noqa: F401  (maps.state takes the languages from here)
from ..bilingual import both as _both

UI: dict[str, tuple[str, str]] = {
    "title": ("甘肃省战略性新兴产业布局图集", "Atlas of Gansu's Strategic Emerging Industries"),
    "subtitle": ("据甘肃省人民政府关于培育和发展战略性新兴产业的意见（2010-12-31）",
                 "After the Gansu provincial policy on strategic emerging industries (2010-12-31)"),
    "search": ("搜索名称（中文或英文）", "Search by name (Chinese or English)"),
    "search_none": ("无匹配结果", "No match"),
    "lang_switch": ("English", "中文"),
    "lang_switch_title": ("切换为英文", "Switch to Chinese"),
    "copy_link": ("复制链接", "Copy link"),
    "nav_siting": ("新能源选址", "Siting"),
    "nav_compare": ("区域与版本比较", "Compare"),
    "copied": ("链接已复制", "Link copied"),
    "panel_toggle": ("收起/展开侧栏", "Hide/show the side panel"),
    "layers": ("图层", "Layers"),
    "group_basemap": ("底图", "Basemap"),
    "group_boundaries": ("行政区划与区域", "Boundaries and regions"),
    "group_layout": ("产业布局", "Industrial layout"),
    "group_resources": ("资源", "Resources"),
    "base_relief": ("晕渲地形（离线）", "Shaded relief (offline)"),
    "base_none": ("无底图", "No basemap"),
    "base_osm": ("OpenStreetMap（在线）", "OpenStreetMap (online)"),
    "base_tianditu": ("天地图（在线）", "Tianditu (online)"),
    "base_amap": ("高德地图（在线，GCJ-02）", "Amap (online, GCJ-02)"),
    "tianditu_no_key": ("未配置天地图密钥（TIANDITU_KEY）", "No Tianditu key configured (TIANDITU_KEY)"),
    "amap_note": ("注意：高德瓦片采用GCJ-02坐标，与本图WGS84图层相差约数百米。",
                  "Note: Amap tiles are in GCJ-02 and sit a few hundred metres off this atlas's WGS84 layers."),
    "online_note": ("在线底图需联网，默认关闭。",
                    "Online basemaps need the internet and are off by default."),
    "filters": ("筛选", "Filters"),
    "scheme": ("区域格局", "Region scheme"),
    "zone": ("区域", "Zone"),
    "sector": ("产业", "Sector"),
    "level": ("级别", "Level"),
    "kind": ("类型", "Kind"),
    "prefecture": ("市（州）", "Prefecture"),
    "county": ("县（市、区）", "County"),
    "clear_filters": ("清除筛选", "Clear filters"),
    "features": ("要素列表", "Features"),
    "total": ("共 {n} 个要素", "{n} features"),
    "no_features": ("没有符合筛选条件的要素", "No feature matches the filters"),
    "hidden_layer": ("（图层未显示）", "(layer hidden)"),
    "sectors": ("产业", "Sectors"),
    "precision": ("位置精度", "Location precision"),
    "source": ("政策条款", "Policy clause"),
    "location_note": ("位置说明", "Location note"),
    "technology": ("技术", "Technology"),
    "capacity_mw": ("装机容量（MW）", "Capacity (MW)"),
    "capacity_note": ("容量依据", "Capacity as the policy states it"),
    "target_year": ("目标年份", "Target year"),
    "status": ("状态", "Status"),
    "members": ("包括", "Members"),
    "features_here": ("区内要素（按当前筛选）", "Features here (current filters)"),
    # click-to-query, choropleth and print (static/atlas/query.js, choropleth.js, print.js)
    "q_title": ("此处信息", "What is here"),
    "q_outside": ("该点不在甘肃省内", "This point is outside Gansu"),
    "q_resources": ("资源", "Resources"),
    "q_not_installed": ("未安装", "not installed"),
    "q_error": ("留一法实测误差：平均{mean}%，最大{max}%", "Measured error (leave-one-out): {mean} % on average, up to {max} %"),
    "q_nearest_base": ("最近的产业基地", "Nearest base"),
    "q_nearest_park": ("最近的园区", "Nearest park"),
    "q_nearest_plant": ("最近的电厂（GPPD记录）", "Nearest plant (GPPD record)"),
    "q_nearest_substation": ("最近的≥330千伏变电站（OSM）", "Nearest ≥ 330 kV substation (OSM)"),
    "q_distance_note": ("距离为椭球面距离", "Distances are geodesic (WGS 84)"),
    "choropleth": ("分级设色", "Choropleth"),
    "choro_off": ("不显示", "Off"),
    "choro_unit": ("单元", "Areas"),
    "choro_stat": ("统计量", "Statistic"),
    "choro_prefectures": ("市（州）", "Prefectures"),
    "choro_counties": ("县（市、区）", "Counties"),
    "choro_ghi_mean": ("平均年水平面总辐射", "Mean GHI"),
    "choro_mw_wind": ("风电装机（数据集记录）", "Wind MW recorded"),
    "choro_mw_solar": ("光伏装机（数据集记录）", "Solar MW recorded"),
    "choro_mw_coal": ("煤电装机（数据集记录）", "Coal MW recorded"),
    "choro_mw_hydro": ("水电装机（数据集记录）", "Hydro MW recorded"),
    "choro_bases": ("产业基地数", "Number of bases"),
    "choro_parks": ("园区数", "Number of parks"),
    "choro_no_value": ("无数据", "No value"),
    "choro_name": ("名称", "Name"),
    "choro_value": ("数值", "Value"),
    "print": ("打印", "Print"),
    "print_title": ("将当前视图打印为PNG或PDF（含图例、比例尺、指北针）", "Print this view to PNG or PDF (legend, scale bar, north arrow)"),
    "measure": ("测量距离和面积", "Measure distance and area"),
    "measure_hint": ("单击地图添加点，双击或按“完成”结束。",
                     "Click the map to add points; double-click or press Finish."),
    "distance": ("距离", "Distance"),
    "area": ("面积", "Area"),
    "finish": ("完成", "Finish"),
    "clear": ("清除", "Clear"),
    "fullscreen": ("全屏", "Full screen"),
    "exit_fullscreen": ("退出全屏", "Exit full screen"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "minimap_hide": ("隐藏鹰眼图", "Hide overview map"),
    "minimap_show": ("显示鹰眼图", "Show overview map"),
    "legend": ("图例", "Legend"),
    "opacity": ("不透明度", "Opacity"),
    "data_source": ("数据来源", "Source"),
    "method": ("方法", "Method"),
    "bias": ("偏差", "Bias"),
    "estimate": ("估算值", "Estimate"),
    "not_installed": ("{title}未安装：运行 {command}", "{title} not installed: run {command}"),
    "no_resources": ("尚无资源图层。", "No resource layer yet."),
    "loading": ("加载中…", "Loading…"),
    "load_failed": ("图层加载失败：{name}", "Layer failed to load: {name}"),
    "policy": ("政策依据", "Policy"),
    "citation": (config.POLICY_CITATION,
                 "Opinions of the Gansu Provincial People's Government on implementing the State Council's "
                 "Decision on accelerating the cultivation and development of strategic emerging industries "
                 "(2010-12-31)"),
    "boundaries_note": ("边界", "Boundaries"),
    "sym_base_national": ("国家级基地", "National base"),
    "sym_base_provincial": ("省级基地", "Provincial base"),
    "sym_park": ("开发区与园区", "Zone or park"),
    "sym_enterprise": ("骨干企业与院所", "Enterprise or institute"),
    "sym_project": ("能源项目", "Energy project"),
    "sym_colour": ("颜色表示主导产业", "Colour shows the main industry"),
}


def strings(lang: str) -> dict[str, str]:
    """The interface strings in `lang`."""
    return {key: pick(pair, lang) for key, pair in UI.items()}


def vocabularies() -> dict[str, dict[str, dict[str, str]]]:
    """The code vocabularies as {vocabulary: {code: {"zh": ..., "en": ...}}} for the page."""
    return {name: {code: _both(pair) for code, pair in vocab.items()} for name, vocab in VOCAB.items()}


def both() -> dict[str, dict[str, str]]:
    """The interface strings in both languages, {"zh": {...}, "en": {...}}, so the page switches in place."""
    return {lang: strings(lang) for lang in LANGS}
