/* Atlas: the plan against the record (issue 11 §3). Adds a "recorded in these datasets" section to the popup of
 * a policy project or base (GET /api/record/feature/<id>) and of a prefecture or zone of the current scheme
 * (GET /api/record?unit=…), through the popup hook of features.js (A.on("popup", {layer, props, box})).
 * The figures are what WRI GPPD and the UNFCCC CDM registry record, never installed capacity; GPPD and CDM
 * figures are shown apart, never added, and each section ends with the coverage caveat. */
(function () {
  "use strict";
  const A = window.Atlas, el = GL.el;
  const ROOT = A.cfg.urls.layer.replace(/\/layers\/__name__.*$/, "/record");
  const FUELS = ["wind", "solar", "coal", "hydro"];
  const STRINGS = {
    zh: {
      recorded: "数据集记录（非装机普查）", rule_footprint: "范围：{id} 内的点（{counties}）",
      rule_county: "范围：所在县 {county}", rule_prefecture: "范围：所在市州 {prefecture}", rule_province: "范围：全省",
      plan: "规划", plants: "GPPD 电厂", cdm: "CDM 注册项目", years: "投产年份", years_none: "未载",
      years_some: "{min}–{max}（{known}/{count} 个有年份）", n_mw: "{n} 个 · {mw}",
      cdm_mw: "{n} 个 · 标题所载 {mw}（{with}/{n} 个载明）", cited: "位置所引", list: "逐项",
      fuel_wind: "风电", fuel_solar: "太阳能发电", fuel_coal: "煤电", fuel_hydro: "水电", fuel: "类型",
      caveat: "GPPD 中国表约 2015 年后的风电、光伏不全，并将酒泉风电基地合为一个 6000 MW 点；CDM 登记册仅涵盖约 2005–2013 年注册的项目。两者都不是建成规模的普查；GPPD 与 CDM 数字分列，不相加。",
    },
    en: {
      recorded: "Recorded in these datasets", rule_footprint: "Where: points inside {id} ({counties})",
      rule_county: "Where: in the county {county}", rule_prefecture: "Where: in the prefecture {prefecture}",
      rule_province: "Where: the whole province",
      plan: "Plan", plants: "GPPD plants", cdm: "CDM-registered projects", years: "Commissioning years",
      years_none: "not recorded", years_some: "{min}–{max} ({known} of {count} with a year)", n_mw: "{n} · {mw}",
      cdm_mw: "{n} · {mw} stated in titles ({with} of {n} state MW)", cited: "Location cites", list: "Items",
      fuel_wind: "wind", fuel_solar: "solar", fuel_coal: "coal", fuel_hydro: "hydro", fuel: "Fuel",
      caveat: "Recorded in these datasets, not a census of what was built: GPPD's China table is incomplete for wind and solar after about 2015 and aggregates the Jiuquan wind base into one 6,000 MW point; the CDM registry covers projects registered about 2005–2013 only. GPPD and CDM figures are shown apart, never added.",
    },
  };
  const t = GL.translator(() => STRINGS[A.state.lang] || STRINGS.en);
  const mw = (v) => (v === null || v === undefined ? "–" : Number(v).toLocaleString(A.state.lang === "zh" ? "zh-CN" : "en") + " MW");

  function row(table, label, value) {
    table.append(el("tr", {}, el("th", { text: label }), el("td", { text: value })));
  }
  function years(known, count, min, max) {
    return known ? t("years_some", { min: min, max: max, known: known, count: count }) : t("years_none");
  }
  /** A section of what the datasets record, titled with the area it is about (a popup may hold a prefecture's and
   * a zone's, which are different tables). */
  function section(kind, id, title) {
    return el("details", { class: "popup-note popup-record", open: true, "data-record": kind, "data-record-id": id },
      el("summary", { text: t("recorded") + (title ? " · " + title : "") }));
  }
  // The open popup, and whether it may pan the map (not when a permalink restores it: the view stays as linked).
  let openPopup = null, mayPan = false;
  A.map.on("popupopen", (e) => { openPopup = e.popup; mayPan = e.popup.options.autoPan !== false; });
  /** The caveat closes every section. The popup grew upwards after it opened: pan its top back into view. */
  function caveat(box) {
    const node = openPopup && openPopup.getElement();
    // the caveat once per popup, after its first section
    if (!(node && node.contains(box) && node.querySelector(".popup-record-caveat"))) {
      box.append(el("p", { class: "popup-record-caveat", text: t("caveat") }));
    }
    if (!mayPan || !node || !node.contains(box)) return;
    const top = node.getBoundingClientRect().top - A.map.getContainer().getBoundingClientRect().top - 10;
    if (top < 0) A.map.panBy([0, top]);
  }

  function fillFeature(box, r) {
    if (!r.fuel) { box.remove(); return; }
    const p = r.place, table = el("table", { class: "popup-table" });
    box.append(el("p", { text: t("rule_" + p.rule, { id: p.footprint, counties: (p.counties || "").split(";").map((c) => A.countyName(r.prefecture, c)).join(", "),
      county: A.countyName(r.prefecture, p.county), prefecture: A.prefectureName(p.prefecture) }) }));
    if (r.plan && (r.plan.capacity_mw || r.plan.value)) row(table, t("plan"), mw(r.plan.capacity_mw || r.plan.value));
    row(table, t("plants") + " · " + t("fuel_" + r.fuel), t("n_mw", { n: r.plants.count, mw: mw(r.plants.mw) }));
    row(table, t("years"), years(r.plants.year_known, r.plants.count, r.plants.year_min, r.plants.year_max));
    row(table, t("cdm") + " · " + t("fuel_" + r.fuel), t("cdm_mw", { n: r.cdm.projects, mw: mw(r.cdm.mw), with: r.cdm.projects_with_mw }));
    const cited = r.cited.gppd_ids.map((g) => "GPPD " + g).concat(r.cited.cdm_refs.map((c) => "CDM ref " + c));
    if (cited.length) row(table, t("cited"), cited.join(", "));
    box.append(table);
    const list = el("ul", { class: "popup-record-list" });
    r.plants.items.forEach((i) => list.append(el("li", { text: "GPPD · " + i.name_en + " · " + mw(i.capacity_mw) })));
    r.cdm.items.forEach((i) => list.append(el("li", {},
      el("a", { href: i.registry_url, target: "_blank", rel: "noopener", text: "CDM ref " + i.cdm_ref }),
      " · " + i.title + (i.capacity_mw === null ? "" : " · " + mw(i.capacity_mw)))));
    if (list.childNodes.length) box.append(el("details", { class: "popup-note" }, el("summary", { text: t("list") }), list));
    caveat(box);
  }

  function fillArea(box, rec) {
    const table = el("table", { class: "popup-table" });
    table.append(el("tr", {}, el("th", { text: t("fuel") }), el("th", { text: t("plan") }), el("th", { text: t("plants") }),
      el("th", { text: t("cdm") })));
    FUELS.forEach((f) => {
      const plan = rec["plan_" + f + "_mw"], cdm = rec["cdm_" + f + "_projects"];
      const cells = [t("fuel_" + f), plan ? mw(plan) : "–", mw(rec["plants_" + f + "_mw"]) +
        (rec["plants_" + f + "_year_known"] ? " (" + rec["plants_" + f + "_year_min"] + "–" + rec["plants_" + f + "_year_max"] + ")" : ""),
      cdm === undefined ? "" : t("cdm_mw", { n: cdm, mw: mw(rec["cdm_" + f + "_mw"]), with: rec["cdm_" + f + "_projects_with_mw"] })];
      table.append(el("tr", { "data-fuel": f }, ...cells.map((c) => el("td", { text: c }))));
    });
    box.append(table);
    caveat(box);
  }

  A.on("popup", (ctx) => {
    const p = ctx.props;
    if (ctx.layer === "projects" || ctx.layer === "bases") {
      const box = section("feature", p.id);
      ctx.box.append(box);
      GL.fetchJSON(ROOT + "/feature/" + encodeURIComponent(p.id)).then((r) => fillFeature(box, r)).catch(() => box.remove());
    } else if (ctx.layer === "prefectures" || ctx.layer === "regions") {
      const zones = ctx.layer === "regions", id = zones ? p.zone : p.name_zh;
      const zone = zones ? A.zone(id) : null;
      const box = section(zones ? "zone" : "prefecture", id, zones ? (zone ? A.pick(zone, "name") : id) : A.prefectureName(id));
      ctx.box.append(box);
      const url = ROOT + (zones ? "?unit=zones&scheme=" + encodeURIComponent(A.state.scheme) : "?unit=prefectures");
      GL.fetchJSON(url).then((data) => {
        const rec = data.rows.find((r) => r.id === id);
        if (rec) fillArea(box, rec); else box.remove();
      }).catch(() => box.remove());
    }
  });
})();
