/* Atlas search, offline over what the atlas holds: prefectures, counties, and every point layer of the catalogue
 * (the layout, the ground layers, and any layer added to the catalogue later: they are fetched once, on the first
 * search). A feature is found by its name in either language, by its prefecture or county, by the words of its
 * layer, kind, technology and sectors (风电, wind), and by parts of words: every word of the query must be found
 * in the feature's text, and a Chinese word without spaces may be found in pieces ("酒泉风电": 酒泉 in the
 * prefecture, 风电 in the name). Results open at a zoom that shows the place, with the popup in view. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;
  const input = document.getElementById("search");
  const results = document.getElementById("search-results");
  /** The zoom a result opens at: a prefecture, a county, a feature (never the deepest zoom, where the relief is blank). */
  const ZOOM = { prefectures: 8, counties: 10, feature: 11 };
  let hits = [], active = -1;

  /* ---- the other point layers, fetched once for search ---- */
  const extra = {};  // layer name → features (layers the page has not loaded itself)
  let extraLoad = null;
  const searchable = () => cfg.catalogue.filter((c) => c.geometry_type === "Point" && A.POINT_LAYERS.indexOf(c.name) < 0).map((c) => c.name);
  function loadExtra() {
    if (extraLoad) return extraLoad;
    const version = (name) => ((cfg.editable || []).indexOf(name) >= 0 && A.state.version ? "&version=" + encodeURIComponent(A.state.version) : "");
    extraLoad = Promise.all(searchable().map((name) => A.fetchJSON(A.url("layer", name) + "?display=1" + version(name))
      .then((fc) => (extra[name] = fc.features || [])).catch((err) => console.warn(name, err))));
    return extraLoad;
  }
  A.on("version", () => { extraLoad = null; Object.keys(extra).forEach((k) => delete extra[k]); });

  /* ---- the text each candidate is found by ---- */
  const both = (pair) => [pair && pair.zh, pair && pair.en].filter(Boolean);
  const vocab = (name, code) => both(((cfg.vocab[name] || {})[code]) || null);
  const prefEn = {}, countyEn = {};
  cfg.prefectures.forEach((p) => (prefEn[p.name_zh] = p.name_en));
  cfg.counties.forEach((c) => (countyEn[c.prefecture + "|" + c.name_zh] = c.name_en));
  function fieldsOf(layer, p) {
    const spec = A.layerSpec(layer) || {};
    const sectors = String(p.sectors || "").split(";").concat(String(p.subsectors || "").split(";")).filter(Boolean)
      .flatMap((code) => { const s = A.sector(code); return s ? [s.name_zh, s.name_en] : []; });
    return {
      name: [p.name_zh, p.name_en, p.name],
      place: [p.county, countyEn[p.prefecture + "|" + p.county], p.prefecture, prefEn[p.prefecture]],
      kind: [spec.title_zh, spec.title_en].concat(vocab("kind", p.kind), vocab("technology", p.technology), sectors),
    };
  }
  function candidates() {
    const out = [];
    const add = (layer, f) => { if (f.geometry && f.geometry.type === "Point") out.push({ kind: "feature", layer: layer, props: f.properties, feature: f }); };
    A.POINT_LAYERS.forEach((layer) => (A.data[layer] || []).forEach((f) => add(layer, f)));
    Object.entries(extra).forEach(([layer, features]) => features.forEach((f) => add(layer, f)));
    cfg.prefectures.forEach((p) => out.push({ kind: "area", layer: "prefectures", props: p, latlng: [p.lat, p.lon], zoom: ZOOM.prefectures }));
    cfg.counties.forEach((c) => out.push({ kind: "area", layer: "counties", props: c, latlng: [c.lat, c.lon], zoom: ZOOM.counties }));
    return out;
  }
  const norm = (s) => String(s || "").toLowerCase().normalize("NFKC");
  const CJK = /[\u3400-\u9fff]/;
  /** Whether `word` is in `text`, whole or (a Chinese word) in pieces of two or more characters. */
  function found(word, text) {
    if (text.indexOf(word) >= 0) return true;
    if (!CJK.test(word) || word.length < 3) return false;
    let i = 0;
    while (i < word.length) {
      let j = word.length;
      while (j - i >= 2 && text.indexOf(word.slice(i, j)) < 0) j--;
      if (j - i < 2) return false;
      i = j;
    }
    return true;
  }
  /** [score, candidate] when every word of `words` is found in the candidate's text; lower scores rank first. */
  function score(words, c) {
    const f = c.kind === "area" ? { name: [c.props.name_zh, c.props.name_en], place: [], kind: [] } : fieldsOf(c.layer, c.props);
    const texts = { name: norm(f.name.filter(Boolean).join(" | ")), place: norm(f.place.filter(Boolean).join(" | ")),
      kind: norm(f.kind.filter(Boolean).join(" | ")) };
    const all = texts.name + " | " + texts.place + " | " + texts.kind;
    if (!words.every((w) => found(w, all))) return null;
    const q = words.join(" ");
    const inName = words.filter((w) => found(w, texts.name)).length;
    const starts = [c.props.name_zh, c.props.name_en].some((n) => norm(n).startsWith(q)) ? 0 : 1;
    // a place named by the query first, then the plan's own layers (names before places), then the other layers
    const layout = A.POINT_LAYERS.indexOf(c.layer);
    const areaNamed = c.kind === "area" && inName === words.length ? 0 : 1;
    return [areaNamed, c.kind === "area" || layout >= 0 ? 0 : 1, words.length - inName, starts, layout < 0 ? 9 : layout,
      A.pick(c.props, "name").length];
  }
  function search(text) {
    const words = norm(text).split(/[\s,，、]+/).filter(Boolean);
    if (!words.length) return [];
    const scored = [];
    candidates().forEach((c) => { const s = score(words, c); if (s) scored.push([s, c]); });
    scored.sort((a, b) => { for (let i = 0; i < a[0].length; i++) if (a[0][i] !== b[0][i]) return a[0][i] - b[0][i]; return 0; });
    return scored.slice(0, 15).map((s) => s[1]);
  }
  A.search = search;

  /* ---- opening a result ---- */
  /** Show `latlng` at `zoom` low in the middle of the map, so that its popup opens above it in full view, left of
   * the layer panel and above the legend (which folds while a popup is open). */
  function lowView(latlng, zoom) {
    map.setView(latlng, zoom, { animate: false });
    const size = map.getSize();
    map.panBy([(A.panelRightPad() - 40) / 2, -(size.y / 2 - 70)], { animate: false });
  }
  function choose(hit) {
    results.hidden = true;
    input.value = A.pick(hit.props, "name");
    if (hit.kind === "feature" && A.byId[hit.props.id] && A.POINT_LAYERS.indexOf(hit.layer) >= 0) {
      if (!A.isVisible(hit.layer)) A.toggleLayer(hit.layer, true);
      const [lon, lat] = hit.feature.geometry.coordinates;
      lowView([lat, lon], Math.max(Math.min(map.getZoom(), ZOOM.feature), ZOOM.feature - 2));
      // the popup at its place (over its group if it is in one), with the whole map height above it to grow into
      const marker = A.markers[hit.props.id];
      if (!marker) return A.openFeature(hit.props.id, { keepView: true });
      const popup = marker.getPopup();
      popup.options.autoPan = false;
      if (A.cluster.getVisibleParent(marker) === marker) marker.openPopup();
      else popup.setLatLng(marker.getLatLng()).openOn(map);
      popup.options.autoPan = true;
      return;
    }
    if (hit.kind === "feature") {
      const [lon, lat] = hit.feature.geometry.coordinates;
      if (A.GROUND_LAYERS && A.GROUND_LAYERS.indexOf(hit.layer) >= 0 && !A.isVisible(hit.layer)) A.toggleLayer(hit.layer, true);
      lowView([lat, lon], ZOOM.feature);
      const content = A.groundPopup ? A.groundPopup(hit.layer, hit.props) : el("div", { class: "popup" },
        el("h3", { class: "popup-name", text: A.pick(hit.props, "name") }));
      L.popup({ maxWidth: 340, autoPan: false, maxHeight: map.getSize().y - 150 }).setLatLng([lat, lon]).setContent(content).openOn(map);
      return;
    }
    map.setView(hit.latlng, hit.zoom, { animate: false });
    L.popup().setLatLng(hit.latlng).setContent(el("div", { class: "popup", "data-search": hit.layer },
      el("h3", { class: "popup-name", text: A.pick(hit.props, "name") }),
      el("p", { class: "popup-alt", text: hit.props[A.state.lang === "zh" ? "name_en" : "name_zh"] }),
      el("p", { class: "popup-layer", text: A.pick(A.layerSpec(hit.layer), "title") }))).openOn(map);
  }
  function showResults() {
    hits = search(input.value);
    active = hits.length ? 0 : -1;
    results.replaceChildren(...hits.map((h, i) => el("li", { role: "option", class: i === active ? "active" : "", "aria-selected": String(i === active),
      "data-layer": h.layer, "data-id": h.props.id || h.props.name_zh, onmousedown: (e) => { e.preventDefault(); choose(h); } },
    h.kind === "feature" && A.POINT_LAYERS.indexOf(h.layer) >= 0 ? A.symbolNode(A.shapeOf(h.layer, h.props), A.colourOf(h.props), 12)
      : el("span", { class: "sym-swatch area-swatch" }),
    el("span", { class: "item-name", text: A.pick(h.props, "name") }),
    el("small", { text: [h.props.prefecture ? A.prefectureName(h.props.prefecture) : "", A.pick(A.layerSpec(h.layer) || {}, "title")].filter(Boolean).join(" · ") }))));
    if (input.value.trim() && !hits.length) results.append(el("li", { class: "none", text: A.t("search_none") }));
    results.hidden = !input.value.trim();
  }
  const refresh = () => loadExtra().then(() => document.activeElement === input && showResults());
  input.addEventListener("input", () => { showResults(); refresh(); });
  input.addEventListener("focus", () => { loadExtra(); if (input.value.trim()) showResults(); });
  input.addEventListener("blur", () => setTimeout(() => (results.hidden = true), 150));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { results.hidden = true; return; }
    if (!hits.length) return;
    if (e.key === "Enter") { e.preventDefault(); choose(hits[Math.max(active, 0)]); return; }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    active = (active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
    [...results.children].forEach((li, i) => { li.classList.toggle("active", i === active); li.setAttribute("aria-selected", String(i === active)); });
  });
})();
