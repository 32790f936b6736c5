/* Atlas click-to-query: a click on the map anywhere but on a point feature (markers stop the click) asks
 * /api/point what is there — resource values with units and estimate flags (and an estimate's measured
 * error), prefecture, county, the zone in every scheme, and the nearest base, park, recorded plant and
 * ≥ 330 kV substation with geodesic distances. The popup is rebuilt in place on a language switch. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;
  A.api = JSON.parse(document.getElementById("atlas-api").textContent);

  const locale = () => (A.state.lang === "zh" ? "zh-CN" : "en");
  const num = (v, digits) => Number(v).toLocaleString(locale(), { maximumFractionDigits: digits });
  function row(table, key, label, value) {
    table.append(el("tr", { "data-q": key }, el("th", { text: label }), el("td", {}, ...[].concat(value))));
  }
  function nearest(n, extra) {
    if (!n) return "—";
    const paren = A.state.lang === "zh" ? ["（", "）"] : [" (", ")"];
    return [A.pick(n, "name") + (extra ? paren[0] + extra + paren[1] : ""), el("span", { class: "q-km", text: " · " + num(n.distance_km, 1) + " km" })];
  }
  function resourceValue(r) {
    const parts = [r.value === null ? "—" : num(r.value, r.value >= 100 ? 0 : 2) + " " + r.units];
    if (r.is_estimate) parts.push(el("span", { class: "q-flag", text: " " + A.t("estimate") }));
    if (r.in_use) parts.push(el("span", { class: "q-in-use", text: " · " + A.t("q_in_use") }));
    if (r.measured_error) {
      const key = r.measured_error.method === "leave-one-out" ? "q_error" : "q_error_choice";
      parts.push(el("small", { class: "q-error", "data-q-error": r.name,
        text: A.t(key, { mean: num(r.measured_error.mean_abs_pct, 1), max: num(r.measured_error.max_abs_pct, 1) }) }));
    }
    if (r.source) parts.push(el("small", { class: "q-source", "data-q-source": r.name, text: A.t("q_source") + ": " + (A.pick(r, "source") || r.source) + (r.licence ? " · " + r.licence.split(" (")[0] : "") }));
    return parts;
  }

  /** The popup body for one /api/point answer, in the current language. */
  A.queryContent = function (d) {
    const table = el("table", { class: "popup-table query-table" });
    row(table, "prefecture", A.t("prefecture"), A.pick(d.prefecture, "name"));
    row(table, "county", A.t("county"), A.pick(d.county, "name"));
    cfg.schemes.forEach((s) => {
      const z = d.zones[s.id];
      if (z) row(table, "zone-" + s.id, A.t("zone") + " · " + A.pick(s, "title"), A.pick(z, "name"));
    });
    d.resources.forEach((r) => row(table, "resource-" + r.name, A.pick(r, "title") + (r.height_m ? " · " + r.height_m + " m" : ""), resourceValue(r)));
    d.not_installed.forEach((m) => row(table, "missing-" + m.quantity, A.pick(m, "title"), el("small", { class: "note", text: A.t("q_not_installed") + ": " + m.install_command })));
    row(table, "nearest-base", A.t("q_nearest_base"), nearest(d.nearest_base));
    row(table, "nearest-park", A.t("q_nearest_park"), nearest(d.nearest_park));
    const plant = d.nearest_plant;
    row(table, "nearest-plant", A.t("q_nearest_plant"), nearest(plant, plant && [A.vocab("kind", plant.kind), plant.capacity_mw ? num(plant.capacity_mw, 1) + " MW" : ""].filter(Boolean).join(", ")));
    const sub = d.nearest_substation;
    row(table, "nearest-substation", A.t("q_nearest_substation"), nearest(sub, sub && num(sub.max_voltage_kv, 0) + " kV"));
    const box = el("div", { class: "popup query", "data-lon": String(d.lon), "data-lat": String(d.lat) },
      el("h3", { class: "popup-name", text: A.pick(d.county, "name") + " · " + A.pick(d.prefecture, "name") }),
      el("p", { class: "popup-layer", text: A.t("q_title") + " · " + num(d.lat, 4) + ", " + num(d.lon, 4) }),
      table, el("p", { class: "note", text: A.t("q_distance_note") }));
    // the same hook as feature popups: record.js adds what the datasets record in this prefecture and zone
    A.emit("popup", { layer: "prefectures", props: d.prefecture, box: box });
    const zone = d.zones[A.state.scheme];
    if (zone) A.emit("popup", { layer: "regions", props: zone, box: box });
    return box;
  };

  /** Ask /api/point about `latlng` and show the answer in a popup there. */
  A.queryAt = function (latlng) {
    const lon = Math.round(latlng.lng * 1e5) / 1e5, lat = Math.round(latlng.lat * 1e5) / 1e5;
    const popup = L.popup({ maxWidth: 380, className: "query-popup" }).setLatLng(latlng)
      .setContent(el("div", { class: "popup query", text: A.t("loading") })).openOn(map);
    // the nearest base, park and substation come from the version of the plan shown, if one is
    const version = A.state.version ? "&version=" + encodeURIComponent(A.state.version) : "";
    return A.fetchJSON(A.api.point + "?lon=" + lon + "&lat=" + lat + version).then((d) => {
      popup.setContent(() => A.queryContent(d));  // a function: Leaflet rebuilds it on a language switch
    }).catch((err) => {
      const outside = /outside Gansu/.test(err.message);
      popup.setContent(() => el("div", { class: "popup query", "data-q-error": "1", text: outside ? A.t("q_outside") : err.message }));
    });
  };

  /** Whether a map click landed on a feature with its own popup (a vector point that lets clicks bubble, such as
   * a circle marker), rather than on the ground: areas (boundaries, zones, choropleth) count as ground. */
  const AREA_PANE = /\bleaflet-(prefectures|counties|regions|province|choropleth)-pane\b/;
  function onFeature(e) {
    const target = e.originalEvent && e.originalEvent.target;
    if (!target || !target.classList || !target.classList.contains("leaflet-interactive")) return false;
    const pane = target.closest(".leaflet-pane");
    return !(pane && AREA_PANE.test(pane.className));
  }
  map.on("click", (e) => {
    // the measure tool and the editor's point drawing (Leaflet-Geoman's cursor class) own their clicks
    const owned = ["measuring", "geoman-draw-cursor"].some((c) => map.getContainer().classList.contains(c));
    if (owned || onFeature(e)) return;
    A.queryAt(e.latlng);
  });
})();
